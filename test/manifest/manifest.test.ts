import { inflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { unzipSync } from 'fflate';
import { packageFiles, zip } from '../../manifest/build.js';
import { loadConfig } from '../../src/config.js';
import { catalogs } from '../../src/i18n/catalog.js';
import { projectRoot } from '../../src/paths.js';

/** Decodes an 8-bit RGBA, non-interlaced PNG (what Teams icons are): size, colour type and pixels, each row unfiltered. */
function decodePng(png: Buffer): { width: number; height: number; colorType: number; pixels: number[][] } {
  expect(png.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
      expect({ bitDepth: data[8], interlace: data[12] }).to.deep.equal({ bitDepth: 8, interlace: 0 });
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    const up = rows[y - 1] ?? Buffer.alloc(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? row[i - 4] : 0;
      const b = up[i];
      const c = i >= 4 ? up[i - 4] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      row[i] += [0, a, b, (a + b) >> 1, paeth][filter];
    }
    rows.push(row);
  }
  const pixels = rows.flatMap((row) => Array.from({ length: width }, (_, x) => [...row.subarray(x * 4, x * 4 + 4)]));
  return { width, height, colorType, pixels };
}

/** A committed icon, read from manifest/ as it is reviewed and shipped. */
const committedIcon = (name: string) => readFileSync(join(projectRoot, 'manifest', name));

describe('Teams app package', () => {
  const env = { MicrosoftAppId: '11111111-2222-4333-8444-555555555555', PUBLIC_BASE_URL: 'https://assistant.contoso.example' };
  const config = loadConfig(env);
  const files = packageFiles(config);
  const manifest = JSON.parse(files['manifest.json'].toString('utf8'));

  it('is valid against the official Teams manifest schema (offline)', async () => {
    expect(manifest.manifestVersion).to.equal('1.22');
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).to.deep.equal([]);
  });

  it('has an Italian localization valid against its schema, covering every command', async () => {
    const it = JSON.parse(files['it.json'].toString('utf8'));
    // The package's own validator compiles this draft-04 schema's patterns as unicode and fails:
    // the same bundled schema is checked here with Ajv in non-unicode mode.
    const { $schema: _draft, ...schema } = (await AppManifestUtils.fetchSchema(it.$schema)) as unknown as Record<string, unknown>;
    const validate = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true }).compile(schema);
    expect(validate(it), JSON.stringify(validate.errors)).to.equal(true);
    const withTypo = { ...it, 'bots[0].commandLists[0].commands[99].title': 'x', 'name.short': 'x'.repeat(31) };
    expect(validate(withTypo), 'a bad localization is refused').to.equal(false);
    const commands = manifest.bots[0].commandLists[0].commands.length;
    for (let i = 0; i < commands; i++) expect(it, `command ${i}`).to.have.property(`bots[0].commandLists[0].commands[${i}].title`);
    expect(manifest.localizationInfo.additionalLanguages).to.deep.equal([{ languageTag: 'it-it', file: 'it.json' }]);
  });

  it('fills ids and URLs from the configuration and offers the bot in every scope with its commands and the Dashboard tab', () => {
    expect(JSON.stringify(manifest)).to.not.include('{{');
    expect(manifest.bots[0].botId).to.equal('11111111-2222-4333-8444-555555555555');
    expect(manifest.bots[0].scopes).to.have.members(['personal', 'team', 'groupChat']);
    expect(manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title)).to.include.members([
      'enroll', 'status', 'find a provider', 'providers', 'resellers', 'customers', 'invite customer', 'help',
    ]);
    expect(manifest.staticTabs[0]).to.deep.include({ name: 'Dashboard', contentUrl: 'https://assistant.contoso.example/tab?locale={locale}&theme={theme}' });
    expect(manifest.validDomains).to.deep.equal(['assistant.contoso.example']);
    expect(manifest.webApplicationInfo.resource).to.equal('api://assistant.contoso.example/11111111-2222-4333-8444-555555555555');
  });

  it('lists in both languages only commands the bot understands, including requests and reviews', () => {
    const words = (locale: 'en' | 'it') =>
      new Set(
        Object.values(catalogs[locale]).flatMap((module) => {
          const commands = (module as { commands?: Record<string, string> }).commands ?? {};
          return Object.entries(commands).filter(([key]) => !key.endsWith('Description')).flatMap(([, value]) => value.split('|'));
        }),
      );
    const it = JSON.parse(files['it.json'].toString('utf8'));
    const english = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    const italian = english.map((_: string, i: number) => it[`bots[0].commandLists[0].commands[${i}].title`]);
    expect(english.filter((t: string) => !words('en').has(t))).to.deep.equal([]);
    expect(italian.filter((t: string) => !words('it').has(t))).to.deep.equal([]);
    expect(english).to.include.members(['requests', 'reviews']);
    expect(italian).to.include.members(['richieste', 'revisioni']);
  });

  it('points privacy and terms at the pages the assistant serves', () => {
    expect(manifest.developer.privacyUrl).to.equal('https://assistant.contoso.example/privacy');
    expect(manifest.developer.termsOfUseUrl).to.equal('https://assistant.contoso.example/terms');
  });

  it('lets the OAuth connection’s sign-in page open in Teams when OAUTH_CONNECTION_NAME is set', () => {
    const withConnection = packageFiles(loadConfig({ ...env, OAUTH_CONNECTION_NAME: 'entra-sso' }));
    expect(JSON.parse(withConnection['manifest.json'].toString('utf8')).validDomains).to.deep.equal(['assistant.contoso.example', 'token.botframework.com']);
  });

  it('has a 192×192 colour icon and a 32×32 outline icon that is white on transparent', () => {
    const color = decodePng(committedIcon('color.png'));
    expect([color.width, color.height, color.colorType]).to.deep.equal([192, 192, 6]);
    const outline = decodePng(committedIcon('outline.png'));
    expect([outline.width, outline.height, outline.colorType]).to.deep.equal([32, 32, 6]);
    const visible = outline.pixels.filter((p) => p[3] > 0);
    expect(visible.length).to.be.greaterThan(20);
    expect(visible.every(([r, g, b, a]) => r === 255 && g === 255 && b === 255 && a === 255)).to.equal(true);
    expect(outline.pixels.filter((p) => p[3] === 0).length).to.be.greaterThan(outline.pixels.length / 2);
  });

  it('zips the four files, the icons as committed', () => {
    const unzipped = unzipSync(zip(files));
    expect(Object.keys(unzipped)).to.deep.equal(['manifest.json', 'it.json', 'color.png', 'outline.png']);
    for (const [name, data] of Object.entries(files)) expect(Buffer.from(unzipped[name]).equals(data), name).to.equal(true);
    expect(Buffer.from(unzipped['color.png']).equals(committedIcon('color.png'))).to.equal(true);
    expect(Buffer.from(unzipped['outline.png']).equals(committedIcon('outline.png'))).to.equal(true);
  });
});
