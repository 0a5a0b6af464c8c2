import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { loadConfig, type Config } from '../src/config.js';
import { projectRoot } from '../src/paths.js';

const MANIFEST_DIR = join(projectRoot, 'manifest');
const TOKEN_SERVICE_SIGN_IN_HOST = 'token.botframework.com';

/** The Teams app package's files: manifest.json filled from the configuration, the Italian localization, the committed icons. */
export function packageFiles(config: Config): Record<string, Buffer> {
  const host = new URL(config.publicBaseUrl).host;
  const botId = config.bot.appId ?? '00000000-0000-0000-0000-000000000000';
  const values: Record<string, string> = {
    TEAMS_APP_ID: config.teams.appId,
    BOT_ID: botId,
    SSO_CLIENT_ID: config.teams.ssoClientId ?? botId,
    PUBLIC_BASE_URL: config.publicBaseUrl,
    PUBLIC_HOST: host,
  };
  const template = readFileSync(join(MANIFEST_DIR, 'manifest.template.json'), 'utf8');
  const manifest = template.replace(/\{\{(\w+)\}\}/g, (m, name: string) => {
    if (!(name in values)) throw new Error(`Unknown placeholder ${m} in manifest.template.json`);
    return values[name];
  });
  const json = JSON.parse(manifest) as { validDomains: string[] };
  // The sign-in button of the enrollment's OAuth connection opens the Bot Framework token service's page.
  if (config.bot.oauthConnectionName) json.validDomains.push(TOKEN_SERVICE_SIGN_IN_HOST);
  return {
    'manifest.json': Buffer.from(`${JSON.stringify(json, null, 2)}\n`, 'utf8'),
    'it.json': readFileSync(join(MANIFEST_DIR, 'it.json')),
    'color.png': readFileSync(join(MANIFEST_DIR, 'color.png')),
    'outline.png': readFileSync(join(MANIFEST_DIR, 'outline.png')),
  };
}

/** The package as a zip archive; PNGs are stored as they are, since deflating them again gains nothing. */
export function zip(files: Record<string, Buffer>): Buffer {
  const entries: Zippable = {};
  for (const [name, data] of Object.entries(files)) entries[name] = [data, { level: name.endsWith('.png') ? 0 : 9 }];
  return Buffer.from(zipSync(entries));
}

// `npm run package:teams`: writes the zip to upload to Teams.
if (process.argv[1]?.endsWith(join('manifest', 'build.js'))) {
  const files = packageFiles(loadConfig());
  const out = join(projectRoot, 'dist', 'teams-app.zip');
  mkdirSync(join(projectRoot, 'dist'), { recursive: true });
  writeFileSync(out, zip(files));
  console.log(`Teams app package written to ${out}`);
}
