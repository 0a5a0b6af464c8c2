import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { loadConfig, type Config } from '../src/config.js';
import { projectRoot } from '../src/paths.js';
import { colorIcon, outlineIcon } from './icons.js';

const MANIFEST_DIR = join(projectRoot, 'manifest');
const TOKEN_SERVICE_SIGN_IN_HOST = 'token.botframework.com';

/** The Teams app package's files: manifest.json filled from the configuration, the Italian localization, the icons. */
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
    'color.png': colorIcon(),
    'outline.png': outlineIcon(),
  };
}

/** A zip archive (stored, not compressed: the files are small and PNGs are compressed already). */
export function zip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

// `npm run package:teams`: writes the icons beside the template and the zip to upload to Teams.
if (process.argv[1]?.endsWith(join('manifest', 'build.js'))) {
  const files = packageFiles(loadConfig());
  writeFileSync(join(MANIFEST_DIR, 'color.png'), files['color.png']);
  writeFileSync(join(MANIFEST_DIR, 'outline.png'), files['outline.png']);
  const out = join(projectRoot, 'dist', 'teams-app.zip');
  mkdirSync(join(projectRoot, 'dist'), { recursive: true });
  writeFileSync(out, zip(files));
  console.log(`Teams app package written to ${out}`);
}
