import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { FakeConnector } from '../support/fake-connector.js';
import { seedReseller } from '../support/organizations.js';
import { CONTOSO, SEEDED, seedPipeline } from '../support/pipeline.js';

const CLIENT_ID = '99999999-8888-4777-8666-555555555555';
const OPERATOR = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
const RESELLER = 'cccccccc-0000-4000-8000-000000000001';
const STRANGER = 'cccccccc-0000-4000-8000-000000000002';

interface Chart {
  id: string;
  kind: string;
  title: string;
  bars: { label: string; fullLabel: string; value: number }[];
}
interface Body {
  summary: string[];
  charts: Chart[];
}

describe('Dashboard pipeline figures', function () {
  this.timeout(60_000);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwks: Server;
  let app: RunningAssistant;
  let connector: FakeConnector;
  let offset = 0;

  const token = (oid: string, tid: string) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { aud: `api://${new URL(app.baseUrl).host}/${CLIENT_ID}`, iss: `https://login.microsoftonline.com/${tid}/v2.0`, tid, oid, name: oid, exp: now + 600, nbf: now - 10 };
    const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'test-key' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${body}.${createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url')}`;
  };
  const dashboard = async (oid: string, tid: string, locale = 'en'): Promise<Body> => {
    const res = await fetch(`${app.baseUrl}/api/tab/dashboard?locale=${locale}`, { headers: { authorization: `Bearer ${token(oid, tid)}` } });
    expect(res.status).to.equal(200);
    return (await res.json()) as Body;
  };
  const values = (body: Body, id: string) => body.charts.find((c) => c.id === id)?.bars.map((b) => b.value);
  const months = (locale: string) => {
    const now = new Date();
    return [...Array(6).keys()].map((i) =>
      new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5 + i, 1))),
    );
  };

  before(async () => {
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant(
      {
        SSO_CLIENT_ID: CLIENT_ID,
        SSO_JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/keys`,
        SSO_ALLOWED_TENANTS: [OPERATOR, CONTOSO, RESELLER, STRANGER].join(','),
        REVIEWER_IDS: 'aad-operator-reviewer',
      },
      { clock: { now: () => new Date(Date.now() - offset) } },
    );
    await seedReseller(app, { tenantId: RESELLER, name: 'Pipeline Reseller S.r.l.', admin: { userId: 'aad-pipeline-admin', name: 'Pipeline Admin' } });
    await seedReseller(app, { tenantId: STRANGER, name: 'Stranger S.r.l.', admin: { userId: 'aad-stranger-admin', name: 'Stranger Admin' } });
    await seedPipeline(app, {
      reseller: { tenantId: RESELLER, adminId: 'aad-pipeline-admin', adminName: 'Pipeline Admin' },
      approverId: 'provider-approver-contoso',
      serviceUrl: connector.serviceUrl,
      travel: (ms) => (offset = ms),
    });
  });
  after(async () => {
    await app?.stop();
    await connector?.stop();
    jwks?.close();
  });

  it("shows a provider's approver its relationships by state, requests by age and customers shared per month", async () => {
    const body = await dashboard('provider-approver-contoso', CONTOSO);
    expect(body.charts.map((c) => c.id)).to.deep.equal(['relationships', 'requests-by-age', 'shared-customers']);
    expect(values(body, 'relationships')).to.deep.equal(SEEDED.provider.relationships);
    expect(body.charts[0].bars.map((b) => b.label)).to.deep.equal(['Requested', 'Waiting for authorization', 'Authorized', 'Ended']);
    expect(values(body, 'requests-by-age')).to.deep.equal(SEEDED.provider.requestsByAge);
    expect(values(body, 'shared-customers')).to.deep.equal([0, 0, 0, 0, ...SEEDED.provider.sharedLastTwoMonths]);
    expect(body.charts[2].bars.map((b) => b.fullLabel)).to.deep.equal(months('en-GB'));
    expect(body.summary).to.deep.equal(['3 resellers waiting for your decision', '1 indirect reseller authorized you']);
  });

  it("shows a reseller's Admin agent its providers by state, its invitations by state and customers acquired per month", async () => {
    const body = await dashboard('aad-pipeline-admin', RESELLER);
    expect(body.charts.map((c) => c.id)).to.deep.equal(['providers', 'invitations', 'customers-by-month']);
    expect(values(body, 'providers')).to.deep.equal(SEEDED.reseller.providers);
    expect(values(body, 'invitations')).to.deep.equal(SEEDED.reseller.invitations);
    expect(values(body, 'customers-by-month')).to.deep.equal([0, 0, 0, 0, ...SEEDED.reseller.customersLastTwoMonths]);
    expect(body.summary).to.deep.equal(['0 providers waiting for your authorization', '1 customer invitation waiting to be accepted']);
  });

  it('shows a reviewer the applications under review by age, in Italian with Italian months and plurals', async () => {
    const body = await dashboard('aad-operator-reviewer', OPERATOR, 'it');
    expect(body.charts.map((c) => c.id)).to.deep.equal(['reviews-by-age']);
    expect(values(body, 'reviews-by-age')).to.deep.equal(SEEDED.reviews);
    expect(body.charts[0].title).to.equal('Domande in revisione, per anzianità');
    expect(body.summary).to.deep.equal(['2 domande di iscrizione in attesa di revisione']);
    const provider = await dashboard('provider-approver-contoso', CONTOSO, 'it');
    expect(provider.summary[0]).to.equal('3 rivenditori in attesa della tua decisione');
    expect(provider.charts[2].bars.map((b) => b.fullLabel)).to.deep.equal(months('it-IT'));
  });

  it('shows nobody figures of a side they are not on: another reseller sees only its own zeros, a stranger to both sides none', async () => {
    const other = await dashboard('aad-stranger-admin', STRANGER);
    expect(other.charts.map((c) => c.id)).to.deep.equal(['providers', 'invitations', 'customers-by-month']);
    for (const chart of other.charts) expect(chart.bars.every((b) => b.value === 0), chart.id).to.equal(true);
    // An approver's colleague in Contoso's tenant with no role: a member of the provider, not its desk.
    const colleague = await dashboard('contoso-member-without-role', CONTOSO);
    expect(colleague.charts).to.deep.equal([]);
    expect(colleague.summary).to.deep.equal([]);
    const outsider = await dashboard('someone', OPERATOR);
    expect(outsider.charts).to.deep.equal([]);
  });
});
