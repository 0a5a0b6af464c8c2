import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { seedReseller } from '../support/organizations.js';
import { FakeConnector } from '../support/fake-connector.js';
import { PartnerCenterStandIn } from '../support/partner-center-stand-in.js';
import { FIXTURE, standInData } from './harness.js';

const PROVIDER = FIXTURE.provider.tenantId;
const APP = { PARTNER_CENTER: 'api', PARTNER_CENTER_APP_ID: '5e3f0a42-0000-4000-8000-00000000c11e', PARTNER_CENTER_APP_SECRET: 'stand-in-secret', PARTNER_CENTER_TENANT_ID: PROVIDER };

const ANNA = 'a1b2c3d4-0004-4a7e-8b1c-1f2e3d4c5b6a';

/** A provider admin signs in from the chat's link through the assistant's routes, with Entra ID played by the stand-in as `who`. */
async function adminSignsIn(link: string, app: RunningAssistant, standIn: PartnerCenterStandIn, who: { oid: string; tid: string }): Promise<Response> {
  const start = await fetch(`${app.baseUrl}${new URL(link).pathname}${new URL(link).search}`, { redirect: 'manual' });
  expect(start.status).to.equal(302);
  const to = new URL(start.headers.get('location')!);
  expect(to.origin + to.pathname).to.equal(`https://login.microsoftonline.com/${PROVIDER}/oauth2/v2.0/authorize`);
  const code = standIn.issueCode({ ...who, name: 'anna.weber@contoso-distribution.example' });
  return fetch(`${app.baseUrl}/partner-center/signed-in?code=${encodeURIComponent(code)}&state=${encodeURIComponent(to.searchParams.get('state')!)}`);
}

describe('Partner Center in the journeys (PARTNER_CENTER=api)', function () {
  this.timeout(60_000);
  let standIn: PartnerCenterStandIn;
  let app: RunningAssistant;
  let connector: FakeConnector;

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    standIn = await new PartnerCenterStandIn(PROVIDER, standInData(FIXTURE, PROVIDER)).start();
    app = await startAssistant(
      { ...APP, PARTNER_CENTER_API_URL: `${standIn.url}/pc`, GRAPH_API_URL: `${standIn.url}/graph`, PARTNER_CENTER_TIMEOUT_MS: '1000', REVIEWER_IDS: 'reviewer-anna' },
      { partnerCenterNetwork: standIn.networkClient() },
    );
  });
  after(async () => {
    await app?.stop();
    await standIn?.stop();
    await connector?.stop();
  });

  const teamsUser = (name: string, locale = 'en-US') =>
    new Chat(app.baseUrl, { id: `29:${name}`, aadObjectId: `aad-${name}`, name, locale, tenantId: randomUUID(), channelId: 'msteams', serviceUrl: connector.serviceUrl });
  const card = (activities: unknown[]): Card => (activities as { attachments?: { content: Card }[] }[]).flatMap((a) => a.attachments ?? []).map((a) => a.content).at(-1)!;
  const lastCard = (activities: Activity[]): Card => {
    const cards = cardsOf(activities);
    if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
    return cards[cards.length - 1];
  };

  const support = { supportEmail: 'help@already.example', supportPhone: '+39 02 1234 5678' };

  it('keeps only the sign-in of the provider admin who asked for it in chat, in the partner tenant', async () => {
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', name: 'Approver', aadObjectId: 'provider-approver-contoso', tenantId: PROVIDER, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    expect(textsOf(await approver.say('partner center sign-in')).join()).to.include('Provider admin');
    const anna = new Chat(app.baseUrl, { id: '29:anna', name: 'Anna Weber', aadObjectId: ANNA, tenantId: PROVIDER, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    const link = lastCard(await anna.say('partner center sign-in')).actions[0].url as string;
    expect((await fetch(`${app.baseUrl}/partner-center/sign-in`, { redirect: 'manual' })).status).to.equal(403);
    expect((await fetch(`${app.baseUrl}/partner-center/signed-in?code=x&state=forged`)).status).to.equal(400);
    expect((await adminSignsIn(link, app, standIn, { oid: ANNA, tid: 'bbbbbbbb-0000-4000-8000-000000000009' })).status).to.equal(403);
    expect((await adminSignsIn(link, app, standIn, { oid: 'someone-else', tid: PROVIDER })).status).to.equal(403);
    expect((await (await fetch(`${app.baseUrl}/readyz`)).json()).dependencies.partnerCenter.status).to.equal('degraded');
    const signed = await adminSignsIn(link, app, standIn, { oid: ANNA, tid: PROVIDER });
    expect(signed.status).to.equal(200);
    expect(await signed.text()).to.include('anna.weber@contoso-distribution.example');
  });

  it('checks the PartnerID of an already enrolled organization against the API', async () => {
    const chat = teamsUser('api-already');
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'yes' });
    const before = standIn.calls('/pc/v1/profiles/mpn').length;
    const unknown = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: '1234567', country: 'IT' }));
    expect(textOf(unknown)).to.include('knows no organization with PartnerID 1234567');
    const sent = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: '4851234', country: 'IT' }));
    expect(textOf(sent)).to.include('Status: Under review').and.include('Fabrikam Italia');
    expect(standIn.calls('/pc/v1/profiles/mpn').slice(before).map((c) => c.query.get('mpnId'))).to.deep.equal(['1234567', '4851234']);
  });

  it('lets a new applicant type the PartnerID, checked with the API, since nothing lists a sign-in’s profiles', async () => {
    const chat = teamsUser('api-new');
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    await chat.submit('enrollment.checklist');
    await chat.submit('enrollment.tenant', { mode: 'existing', country: 'IT' });
    const select = card(await chat.submit('enrollment.mpnSignIn', { userName: 'mpn@fabrikam-italia.example' }));
    expect(JSON.stringify(select)).to.include('Location PartnerID');
    const unknown = card(await chat.submit('enrollment.mpnSelect', { partnerId: '1234567' }));
    expect(JSON.stringify(unknown)).to.include('Location PartnerID');
    const wrongCountry = card(await chat.submit('enrollment.mpnSelect', { partnerId: '6033101' }));
    expect(textOf(wrongCountry)).to.include('same country/region');
    const legal = card(await chat.submit('enrollment.mpnSelect', { partnerId: '4851234' }));
    expect(JSON.stringify(legal)).to.not.include('Location PartnerID');
    expect(standIn.calls('/pc/v1/profiles/mpn').map((c) => c.query.get('mpnId'))).to.include.members(['1234567', '6033101', '4851234']);
  });

  it('refuses a global PartnerID, naming the location PartnerID it needs', async () => {
    standIn.data.mpn['4800001'] = { partnerName: 'Fabrikam (global)', countryCode: 'IT', status: 'Active', locationType: 'Global' };
    const chat = teamsUser('api-global');
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'yes' });
    const refused = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: '4800001', country: 'IT' }));
    expect(textOf(refused)).to.include('is a global PartnerID');
  });

  it('says Partner Center can’t be reached, in the user’s language, and keeps what was typed', async () => {
    for (const [locale, words] of [
      ['en-US', 'Partner Center can’t be reached'],
      ['it-IT', 'il Centro per i partner non è raggiungibile'],
    ]) {
      const chat = teamsUser(`api-down-${locale}`, locale);
      await chat.say(locale.startsWith('it') ? 'iscrizione' : 'enroll');
      await chat.submit('enrollment.alreadyEnrolled', { answer: 'yes' });
      standIn.fail('/pc/v1/profiles/mpn', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
      const shown = card(await chat.submit('enrollment.supportContact', { ...support, partnerId: '4851234', country: 'IT' }));
      expect(textOf(shown)).to.include(words);
      expect(JSON.stringify(shown)).to.include('help@already.example').and.include('4851234');
      const status = card(await chat.say('status'));
      expect(textOf(status)).to.not.include('Under review');
    }
  });

  /** A reseller of the fixture (Partner Center lists its customers) connected to the provider the instance speaks for. */
  async function connectedReseller(name: string): Promise<{ admin: Chat; linkId: string; tenantId: string }> {
    const tenantId = FIXTURE.resellers[0].tenantId;
    const admin = new Chat(app.baseUrl, { id: `29:${name}`, name, aadObjectId: `aad-${name}`, tenantId, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    await seedReseller(app, { tenantId, name: FIXTURE.resellers[0].name, admin: { userId: `aad-${name}`, name } });
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', name: 'Approver', aadObjectId: 'provider-approver-contoso', tenantId: PROVIDER, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    await approver.say('help');
    await admin.submit('provider.request', { providerTenantId: PROVIDER });
    const request = lastCard(await approver.say('requests'));
    const linkId = request.actions.find((a: Card) => a.title === 'Approve').data.linkId;
    await approver.submit('provider.approve', { linkId });
    await admin.submit('provider.authorize', { linkId, consent: 'true' });
    return { admin, linkId, tenantId };
  }

  it('puts Partner Center’s links in Invite new customers, and learns of the acceptance only from Partner Center’s lists', async () => {
    const { admin, linkId, tenantId } = await connectedReseller('pc-inviter');
    // Partner Center out of reach: the form comes back with what was typed.
    standIn.fail('/pc/v1/customers/relationshiprequests', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const refused = lastCard(await admin.submit('customer.draft', { companyName: 'Tailwind Traders', adminEmail: 'it@tailwind.example', providerLinkId: linkId }));
    expect(textOf(refused)).to.include('Partner Center can’t be reached');
    expect(JSON.stringify(refused)).to.include('Tailwind Traders').and.include('it@tailwind.example');

    const draft = lastCard(
      await admin.submit('customer.draft', { companyName: 'Tailwind Traders', adminEmail: 'it@tailwind.example', providerLinkId: linkId, delegated: 'true', roles: 'Directory Readers', durationDays: '90' }),
    );
    const body = inputsOf(draft).body.value as string;
    expect(body).to.include(standIn.data.relationshipRequestUrl);
    expect(body).to.match(/https:\/\/admin\.microsoft\.com\/AdminPortal\/Home#\/partners\/invitation\/granularAdminRelationships\/[\w-]+/);
    expect(body).to.not.include('/invitations/');
    expect([...standIn.gdap.values()].map((g) => g.status)).to.include('approvalPending');
    const invitationId = draft.actions.find((a: Card) => a.title === 'Done').data.invitationId;
    const lost = lastCard(await admin.submit('customer.done', { invitationId, subject: 'Hi', body: 'no link' }));
    expect(textOf(lost)).to.include('personalized link is missing');
    expect(textsOf(await admin.submit('customer.done', { invitationId, subject: 'Hi', body })).join()).to.include('recorded as sent');

    // Not in Partner Center yet: nothing is claimed.
    expect(await app.assistant.partnerCenterPoll!.runOnce()).to.equal(true);
    expect(textOf(lastCard(await admin.say('customers')))).to.not.include('Tailwind Traders');

    // The customer's global admin accepted in the admin center: Partner Center lists it.
    const customerTenant = 'cccccccc-0000-4000-8000-0000000000aa';
    standIn.data.customers.push({ id: customerTenant, companyProfile: { tenantId: customerTenant, domain: 'tailwind.example', companyName: 'Tailwind Traders' }, relationshipToPartner: 'reseller', indirectReseller: tenantId });
    expect(await app.assistant.partnerCenterPoll!.runOnce()).to.equal(true);
    const record = lastCard(await admin.submit('customer.open', { customerId: `${tenantId}|tailwind.example` }));
    expect(textOf(record)).to.include(customerTenant);
    // GDAP was asked for, but its approval is not something the customer list shows: not claimed.
    expect(textOf(record)).to.not.include('Directory Readers');
    expect(JSON.stringify(record)).to.include(`https://partner.microsoft.com/dashboard/commerce2/customers/${customerTenant}/account`).and.include(`CTID=${customerTenant}`);
    const history = textOf(lastCard(await admin.say('invitations')));
    expect(history).to.not.include('Tailwind Traders');
  });

  it('reconciles for provider admins: counts and rows, Import after confirmation, and a CSV download', async () => {
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', name: 'Approver', aadObjectId: 'provider-approver-contoso', tenantId: PROVIDER, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    expect(textsOf(await approver.say('reconcile')).join()).to.include('Provider admin');
    const anna = new Chat(app.baseUrl, { id: '29:anna', name: 'Anna Weber', aadObjectId: ANNA, tenantId: PROVIDER, channelId: 'msteams', serviceUrl: connector.serviceUrl });
    const shown = lastCard(await anna.say('reconcile'));
    const text = textOf(shown);
    // The fixture's reseller 0 is connected in the assistant; Partner Center also lists resellers 1 and 2 and three customers the assistant lacks.
    expect(text).to.include('In Partner Center only: 5').and.include('In the assistant only: 0').and.include('State differs: 0');
    expect(text).to.include('Northwind Traders GmbH').and.include('Proseware').and.not.include('Tailwind');

    const csvUrl = shown.actions.find((a: Card) => a.type === 'Action.OpenUrl').url as string;
    const csv = await fetch(`${app.baseUrl}${new URL(csvUrl).pathname}${new URL(csvUrl).search}`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.include('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).to.include('Difference').and.include('State in Partner Center');
    expect(lines).to.have.length(6);
    expect((await fetch(`${app.baseUrl}/exports/reconciliation/not-a-token`)).status).to.equal(404);

    const confirm = lastCard(await anna.submit('reconcile.importConfirm', {}));
    expect(textOf(confirm)).to.include('Import 5 rows');
    const keys = confirm.actions.find((a: Card) => a.verb === 'reconcile.import' || a.data?.verb === 'reconcile.import')?.data.keys as string;
    // A forged key changes nothing: only rows Partner Center lists now are imported.
    const after = lastCard(await anna.submit('reconcile.import', { keys: `${keys},reseller:ffffffff-0000-4000-8000-000000000000` }));
    expect(textOf(after)).to.include('Imported 5 rows').and.include('no differences');
    // The same confirmation again (a double click): nothing left to import.
    expect(textsOf(await anna.submit('reconcile.import', { keys })).join()).to.include('nothing left to import');

    // A relationship ended in Partner Center only: a state mismatch.
    standIn.data.relationships = standIn.data.relationships.map((r) => (r.id === FIXTURE.resellers[2].tenantId ? { ...r, state: 'Inactive' } : r));
    expect(textOf(lastCard(await anna.say('reconcile')))).to.include('State differs: 1').and.include('Wingtip');

    // The scheduled run tells the provider admins once about the same differences.
    const told = () => connector.received.filter((r) => r.method === 'POST' && r.activity?.recipient?.id === '29:anna' && JSON.stringify(r.activity).includes('The assistant and Partner Center differ')).length;
    expect(await app.assistant.partnerCenterReconciliation!.runOnce()).to.equal(true);
    await connector.waitFor((r) => r.method === 'POST' && r.activity?.recipient?.id === '29:anna' && JSON.stringify(r.activity).includes('State differs: 1'));
    expect(await app.assistant.partnerCenterReconciliation!.runOnce()).to.equal(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(told()).to.equal(1);
  });

  it('/readyz stays ready and reports Partner Center degraded when it does not answer', async () => {
    const healthy = (await (await fetch(`${app.baseUrl}/readyz`)).json()) as { dependencies: { partnerCenter: { status: string } } };
    expect(healthy.dependencies.partnerCenter.status).to.equal('ok');
    await standIn.stop();
    // The probe's answer is kept 30 s: a fresh assistant over the same (now silent) address.
    const down = await startAssistant(
      { ...APP, PARTNER_CENTER_API_URL: `${standIn.url}/pc`, GRAPH_API_URL: `${standIn.url}/graph`, PARTNER_CENTER_TIMEOUT_MS: '500' },
      { partnerCenterNetwork: standIn.networkClient() },
    );
    try {
      const res = await fetch(`${down.baseUrl}/readyz`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { status: string; dependencies: { storage: string; partnerCenter: { status: string; reason: string } } };
      expect(body.status).to.equal('ready');
      expect(body.dependencies.storage).to.equal('ok');
      expect(body.dependencies.partnerCenter.status).to.equal('degraded');
      expect(body.dependencies.partnerCenter.reason).to.be.a('string').and.not.equal('');
    } finally {
      await down.stop();
    }
  });
});

describe('Partner Center configuration', () => {
  it('runs on the embedded Partner Center by default', () => {
    expect(loadConfig({}).partnerCenter).to.deep.equal({ kind: 'reference' });
  });

  it('reads the API settings, with Microsoft’s addresses by default', () => {
    const config = loadConfig({ ...APP, PARTNER_CENTER_TENANT_ID: PROVIDER.toUpperCase() });
    expect(config.partnerCenter).to.deep.include({
      kind: 'api',
      tenantId: PROVIDER,
      apiUrl: 'https://api.partnercenter.microsoft.com',
      graphUrl: 'https://graph.microsoft.com',
      authority: 'https://login.microsoftonline.com',
      timeoutMs: 10000,
      pollMinutes: 15,
    });
  });

  it('refuses to start with one line when PARTNER_CENTER=api lacks its app', () => {
    try {
      loadConfig({ PARTNER_CENTER: 'api', PARTNER_CENTER_APP_ID: APP.PARTNER_CENTER_APP_ID });
      expect.fail('started without a secret and tenant');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).problems).to.deep.equal([
        'Configuration error: PARTNER_CENTER=api needs PARTNER_CENTER_APP_SECRET, PARTNER_CENTER_TENANT_ID (the Entra app registered in the partner tenant for Partner Center)',
      ]);
    }
  });

  it('refuses a plain-http authority', () => {
    expect(() => loadConfig({ ...APP, PARTNER_CENTER_AUTHORITY: 'http://login.example' })).to.throw(ConfigError, /PARTNER_CENTER_AUTHORITY must use https/);
  });
});
