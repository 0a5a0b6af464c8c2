import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { seedReseller } from '../support/organizations.js';

const CLIENT_ID = '99999999-8888-4777-8666-555555555555';
const TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('Teams Dashboard tab', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwks: Server;
  let app: RunningAssistant;

  const sign = (claims: Record<string, unknown>, kid = 'test-key', key = privateKey) => {
    const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${body}.${createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url')}`;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const valid = (overrides: Record<string, unknown> = {}) => ({
    aud: `api://${new URL(app.baseUrl).host}/${CLIENT_ID}`,
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    tid: TENANT,
    oid: 'aad-tab-user',
    name: 'Tab User',
    exp: now() + 600,
    nbf: now() - 10,
    ...overrides,
  });
  const dashboard = (token?: string, locale = 'en') =>
    fetch(`${app.baseUrl}/api/tab/dashboard?locale=${locale}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  before(async () => {
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/keys`;
    app = await startAssistant({ SSO_CLIENT_ID: CLIENT_ID, SSO_JWKS_URL: jwksUrl, SSO_ALLOWED_TENANTS: TENANT });
  });
  after(async () => {
    await app.stop();
    jwks.close();
  });

  it('serves the tab page with Teams JS from this server', async () => {
    const page = await fetch(`${app.baseUrl}/tab?locale=it-it&theme=dark`);
    const html = await page.text();
    expect(page.status).to.equal(200);
    expect(html).to.include('src="/tab/teams.js"').and.include('lang="it"');
    expect(page.headers.get('content-security-policy')).to.include('https://teams.microsoft.com');
    const teamsJs = await fetch(`${app.baseUrl}/tab/teams.js`);
    expect(teamsJs.status).to.equal(200);
    expect(await teamsJs.text()).to.include('authentication');
  });

  it('shows the dashboard of the user an SSO token names, in their language', async () => {
    const res = await dashboard(sign(valid()), 'it');
    expect(res.status).to.equal(200);
    const body = await res.json();
    expect(body.title).to.equal('Ciao, Tab User');
    expect(body.sections.map((s: { title: string }) => s.title)).to.include.members(['Iscrizione', 'Approvazioni in sospeso']);
  });

  it('shows the organization an Admin agent belongs to as enrolled, never asking them to enroll', async () => {
    await seedReseller(app, { tenantId: TENANT, name: 'Tab Reseller S.r.l.', admin: { userId: 'aad-tab-admin', name: 'Tab Admin' } });
    const body = await (await dashboard(sign(valid({ oid: 'aad-tab-admin', name: 'Tab Admin' })))).json();
    const enrollment = body.sections.find((s: { title: string }) => s.title === 'Enrollment');
    expect(enrollment.items).to.deep.equal(['Tab Reseller S.r.l.: Approved']);
    expect(JSON.stringify(body)).to.not.include('Type "enroll"');
  });

  it("exports the Admin agent's organization's audit trail as CSV with the SSO token, in their language, and refuses others", async () => {
    // The organization the test before enrolled, or a new one when this test runs alone.
    if (!(await app.assistant.storage.namespace('organizations').get(TENANT))) {
      await seedReseller(app, { tenantId: TENANT, name: 'Tab Reseller S.r.l.', admin: { userId: 'aad-tab-admin', name: 'Tab Admin' } });
    }
    const csv = (token?: string, locale = 'en') => fetch(`${app.baseUrl}/api/tab/audit.csv?locale=${locale}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    // A member with no role (first seen here) is refused, naming the role and who holds it.
    const member = await csv(sign(valid({ oid: 'aad-tab-member', name: 'Tab Member' })));
    expect(member.status).to.equal(403);
    expect((await member.json()).message).to.include('Admin agent').and.include('Tab Admin');
    const res = await csv(sign(valid({ oid: 'aad-tab-admin', name: 'Tab Admin' })), 'it');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="audit-trail-\d{4}-\d\d-\d\d\.csv"$/);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const text = await res.text();
    expect(text.split('\r\n')[0]).to.equal('Quando (UTC),Tipo di record,Record,Cosa,Chi,Organizzazione,Dettaglio');
    expect(text).to.include('Utente aggiunto,Tab Member,Tab Reseller S.r.l.');
    expect((await csv()).status).to.equal(401);
    expect((await csv(sign(valid({ oid: 'aad-tab-admin' }), 'other-key'))).status).to.equal(401);
  });

  it('offers the export on the tab page as a real button with a status region', async () => {
    const html = await (await fetch(`${app.baseUrl}/tab?locale=en`)).text();
    expect(html).to.include('<button id="export-audit" type="button" hidden>Export audit trail (CSV)</button>');
    expect(html).to.include('id="export-status" role="status"');
    const script = await (await fetch(`${app.baseUrl}/tab/app.js`)).text();
    expect(script).to.include("/api/tab/audit.csv").and.include('URL.createObjectURL');
  });

  it('shows a provider\'s user no enrollment section, so nobody at a provider is asked to enroll', async () => {
    const res = await fetch(`${app.baseUrl}/api/tab/dashboard?locale=en`, { headers: { 'x-demo-persona': 'provider-approver-contoso' } });
    const body = await res.json();
    expect(body.sections.map((s: { title: string }) => s.title)).to.include('Indirect resellers').and.not.include('Enrollment');
    expect(JSON.stringify(body)).to.not.include('Type \\"enroll\\"');
  });

  it('accepts the bare client id as audience and the v1 issuer', async () => {
    const res = await dashboard(sign(valid({ aud: CLIENT_ID, iss: `https://sts.windows.net/${TENANT}/` })));
    expect(res.status).to.equal(200);
  });

  const refused: [string, () => string | undefined][] = [
    ['no token', () => undefined],
    ['another audience', () => sign(valid({ aud: 'api://elsewhere/other' }))],
    ['an expired token', () => sign(valid({ exp: now() - 1 }))],
    ['an issuer outside Entra', () => sign(valid({ iss: 'https://evil.example/' }))],
    ['an issuer of another tenant', () => sign(valid({ iss: 'https://login.microsoftonline.com/other-tenant/v2.0' }))],
    ['a key nobody published', () => sign(valid(), 'test-key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)],
    ['an unknown key id', () => sign(valid(), 'other-key')],
    ['something that is not a JWT', () => 'hello'],
  ];
  for (const [name, token] of refused) {
    it(`refuses ${name} with 401 and a reason`, async () => {
      const res = await dashboard(token());
      expect(res.status).to.equal(401);
      expect((await res.json()).message).to.be.a('string').and.not.empty;
    });
  }

  it('lets a demo persona see its dashboard on a laptop', async () => {
    const res = await fetch(`${app.baseUrl}/api/tab/dashboard?locale=en`, { headers: { 'x-demo-persona': 'persona-reseller-admin' } });
    expect(res.status).to.equal(200);
    expect((await res.json()).sections.map((s: { title: string }) => s.title)).to.include('Indirect providers');
  });
});
