import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';

describe('Privacy statement and terms of use pages', () => {
  let app: RunningAssistant;
  before(async () => {
    app = await startAssistant();
  });
  after(async () => app.stop());

  const get = (path: string, language = 'en') => fetch(`${app.baseUrl}${path}`, { headers: { 'accept-language': language } });

  it('serves the shipped privacy statement and terms in English and Italian, as pages with the usual security headers', async () => {
    const privacy = await get('/privacy');
    expect(privacy.status).to.equal(200);
    expect(privacy.headers.get('content-security-policy')).to.include("default-src 'none'");
    expect(await privacy.text()).to.include('<h1>Privacy statement</h1>').and.include('keyed hashes');
    expect(await (await get('/privacy', 'it-IT,it;q=0.9')).text()).to.include('<h1>Informativa sulla privacy</h1>');
    expect(await (await get('/terms')).text()).to.include('<h1>Terms of use</h1>');
    expect(await (await get('/terms', 'it')).text()).to.include('<h1>Condizioni d&#39;uso</h1>');
  });

  it("shows the operator's own text from the data folder instead, escaped", async () => {
    mkdirSync(join(app.dataDir, 'pages'), { recursive: true });
    writeFileSync(join(app.dataDir, 'pages', 'terms.en.txt'), 'Contoso terms\n\nFirst <b>paragraph</b>.\n\nSecond paragraph.\n');
    const html = await (await get('/terms')).text();
    expect(html).to.include('<h1>Contoso terms</h1>').and.include('<p>First &lt;b&gt;paragraph&lt;/b&gt;.</p>').and.include('<p>Second paragraph.</p>');
    // Italian readers still get the shipped Italian text until the operator writes one.
    expect(await (await get('/terms', 'it')).text()).to.include('Condizioni d&#39;uso');
  });
});
