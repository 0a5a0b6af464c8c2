import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { GLOBAL_ADMIN_ROLE } from '../../src/domain/actor.js';
import { seedDir } from '../../src/paths.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { inSeconds, KeyServer, rs256 } from '../support/token-kit.js';
import { StandInBotCredentials, TokenService } from '../support/token-service.js';
import { outboxMails } from '../support/mail.js';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const CONNECTION = 'entra-sso';
const USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509';
const OPERATOR_TENANT = 'ffffffff-0000-4000-8000-000000000001';
const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';
const FAILURE_DETAIL = 'The bot is unable to exchange token. Proceed with regular login.';

const TEXT = {
  signInForRole: 'so that I can check that you are a global administrator',
  verified: 'Your sign-in shows that you are a global administrator of this tenant.',
  notAdmin: 'Your sign-in shows that you are not a global administrator of this tenant. Ask your global administrator to sign in and enroll, or to grant you the Global Administrator role',
  unverified: 'Teams does not tell me whether you are a global administrator',
  continue: 'Continue with this tenant',
};

type Profile = { partnerId: string; country: string; active: boolean };
const seed = JSON.parse(readFileSync(join(seedDir, 'partner-profiles.json'), 'utf8')) as { signIns: Record<string, Profile[]> };
const [MPN_USER, MPN_PROFILE] = (() => {
  for (const [userName, profiles] of Object.entries(seed.signIns)) {
    const active = profiles.find((p) => p.country === 'IT' && p.active);
    if (active) return [userName, active] as const;
  }
  throw new Error('the reference data has no active Italian profile');
})();
const LEGAL = {
  legalName: 'Fabrikam Italia S.p.A.', country: 'IT', line1: 'Via Torino 2', line2: '', city: 'Torino', region: 'TO', postalCode: '10121',
  contactFirstName: 'Giulia', contactLastName: 'Bianchi', contactEmail: 'giulia.bianchi@fabrikam-italia.example', contactPhone: '+39 011 123 4567',
  supportEmail: 'support@fabrikam-italia.example', supportPhone: '011 123 4568', supportWebsite: '',
};

let tenantCounter = 0;
const newTenant = () => `0000${String(++tenantCounter).padStart(4, '0')}-1111-4000-8000-${String(Date.now() % 1e12).padStart(12, '0')}`;

const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};
const oauthCards = (activities: Activity[]) => activities.flatMap((a) => (a.attachments ?? []).filter((x: Card) => x.contentType === OAUTH_CARD).map((x: Card) => x.content));
const invokeAnswer = (activities: Activity[]) => activities.find((a) => a.type === 'invokeResponse')?.value as { status: number; body?: any };

describe('Teams SSO proves the global administrator role at enrollment (OAuth connection)', function () {
  const botKeys = new KeyServer('bf-1');
  const entra = new KeyServer('entra-1');
  const connector = new FakeConnector();
  const tokens = new TokenService(CONNECTION, `api://assistant.example/${APP_ID}`);
  const reviewerId = 'reviewer-anna';
  let app: RunningAssistant;

  const botToken = () =>
    rs256(botKeys.privateKey, { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: connector.serviceUrl, exp: inSeconds(600), nbf: inSeconds(-10) }, 'bf-1');
  /** A Teams user of a tenant, talking to the bot with a Bot Framework token as the Teams channel sends it. */
  const teamsUser = (name: string, tenantId: string, locale = 'en-US') =>
    new Chat(app.baseUrl, { id: `29:${name}`, aadObjectId: `aad-${name}`, name, tenantId, locale, channelId: 'msteams', serviceUrl: connector.serviceUrl, authorization: () => `Bearer ${botToken()}` });
  /** The user's Entra token as the OAuth connection hands it over: for this app, of their tenant, with their roles. */
  const entraToken = (name: string, tenantId: string, more: object = {}) =>
    rs256(entra.privateKey, { aud: APP_ID, iss: `https://login.microsoftonline.com/${tenantId}/v2.0`, tid: tenantId, oid: `aad-${name}`, name, exp: inSeconds(3600), wids: [USER_ROLE, GLOBAL_ADMIN_ROLE], ...more }, 'entra-1');
  const applicationOf = async (name: string) => {
    const index = await new CasRecordStore<{ applicationId: string }>(app.assistant.storage.namespace('applicants')).get(`aad-${name}`);
    return index ? (await new CasRecordStore<any>(app.assistant.storage.namespace('enrollments')).get(index.value.applicationId))?.value : undefined;
  };
  /** Starts an enrollment and answers up to the step "Sign in to Azure AD"; returns what that step sent. */
  const toTenantStep = async (chat: Chat): Promise<Activity[]> => {
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    return chat.submit('enrollment.checklist');
  };
  const invoke = (chat: Chat, name: string, value: object) => chat.post({ type: 'invoke', name, value });

  before(async () => {
    await Promise.all([botKeys.start(), entra.start(), connector.start(), tokens.start()]);
    app = await startAssistant(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-used-by-these-tests',
        BOT_OPENID_METADATA_URL: botKeys.metadataUrl,
        BOT_EMULATOR_OPENID_METADATA_URL: botKeys.metadataUrl,
        OAUTH_CONNECTION_NAME: CONNECTION,
        BOT_OAUTH_URL: tokens.url,
        SSO_JWKS_URL: entra.jwksUrl,
        REVIEWER_IDS: reviewerId,
      },
      { botCredentials: new StandInBotCredentials(APP_ID) as never },
    );
  });
  after(async () => {
    await app.stop();
    await Promise.all([botKeys.stop(), entra.stop(), connector.stop(), tokens.stop()]);
  });

  it('sends the sign-in card when the user has no token yet, with the exchange resource Teams SSO needs, and offers no way on without it', async () => {
    const tenantId = newTenant();
    const chat = teamsUser('nosignin', tenantId);
    const before = tokens.requests.length;
    const replies = await toTenantStep(chat);
    const tenantCard = lastCard(replies);
    expect(textOf(tenantCard)).to.include(`You are signed in as nosignin, in the tenant ${tenantId}`);
    expect(textOf(tenantCard)).to.include(TEXT.signInForRole);
    expect(actionTitles(tenantCard)).to.not.include(TEXT.continue);

    const [oauth] = oauthCards(replies);
    expect(oauth.connectionName).to.equal(CONNECTION);
    expect(oauth.tokenExchangeResource).to.deep.include({ uri: tokens.exchangeUri });
    expect(oauth.buttons[0]).to.deep.include({ type: 'signin', title: 'Sign in' });
    expect(oauth.buttons[0].value).to.match(new RegExp(`^${tokens.url}/signin\\?state=`));

    // The bot asked the token service with its own credentials, for this user, through its connection.
    const asked = tokens.requests.slice(before);
    expect(asked.map((r) => `${r.method} ${r.path}`)).to.include.members(['GET /api/usertoken/GetToken', 'GET /api/botsignin/GetSignInResource']);
    expect(asked.every((r) => r.authorization === 'Bearer stand-in-bot-token')).to.equal(true);
    expect(asked.find((r) => r.path === '/api/usertoken/GetToken')!.query).to.deep.include({ userId: '29:nosignin', connectionName: CONNECTION, channelId: 'msteams' });
    const state = JSON.parse(Buffer.from(asked.find((r) => r.path === '/api/botsignin/GetSignInResource')!.query.state, 'base64').toString('utf8'));
    expect(state).to.deep.include({ connectionName: CONNECTION, msAppId: APP_ID });

    // A replayed payload that claims the role changes nothing: the sign-in card comes back, the step stays.
    const replayed = await chat.submit('enrollment.tenant', { mode: 'existing', country: 'IT', globalAdmin: 'true', wids: [GLOBAL_ADMIN_ROLE] });
    expect(textOf(lastCard(replayed))).to.include(TEXT.signInForRole);
    expect(oauthCards(replayed)).to.have.length(1);
    const application = await applicationOf('nosignin');
    expect(application.step).to.equal('tenant');
    expect(application.tenant).to.equal(undefined);
  });

  it('proves a global administrator silently through signin/tokenExchange; the application and the reviewer’s card say verified', async () => {
    const reviewer = new Chat(app.baseUrl, { id: reviewerId, aadObjectId: reviewerId, name: 'Anna', tenantId: OPERATOR_TENANT, channelId: 'msteams', serviceUrl: connector.serviceUrl, authorization: () => `Bearer ${botToken()}` });
    await reviewer.say('help');
    const tenantId = newTenant();
    const chat = teamsUser('giulia', tenantId);
    await toTenantStep(chat);
    tokens.exchanges.set('teams-sso-giulia', entraToken('giulia', tenantId));

    const exchanged = await invoke(chat, 'signin/tokenExchange', { id: 'exchange-giulia', connectionName: CONNECTION, token: 'teams-sso-giulia' });
    expect(invokeAnswer(exchanged)).to.deep.equal({ status: 200, body: { id: 'exchange-giulia', connectionName: CONNECTION } });
    let shown = lastCard(exchanged);
    expect(textOf(shown)).to.include(TEXT.verified);
    expect(actionTitles(shown)).to.include(TEXT.continue);
    expect(oauthCards(exchanged)).to.deep.equal([]);

    shown = lastCard(await chat.click(shown, TEXT.continue, { country: 'IT' }));
    expect(textOf(shown)).to.include('Partner Membership Center user name');
    expect((await applicationOf('giulia')).tenant).to.deep.include({ tenantId, country: 'IT', globalAdmin: 'verified' });

    await chat.submit('enrollment.mpnSignIn', { userName: MPN_USER });
    await chat.submit('enrollment.mpnSelect', { partnerId: MPN_PROFILE.partnerId });
    shown = lastCard(await chat.submit('enrollment.legal', LEGAL));
    expect(textOf(shown)).to.include('global administrator verified at sign-in');
    await chat.submit('enrollment.enrollNow');
    const code = /\b(\d{6})\b/.exec(outboxMails(app.dataDir).at(-1)!.text)![1];
    expect(textsOf(await chat.say(code)).join()).to.include('now under review');

    const posted = await connector.waitFor((r) => r.method === 'POST' && r.activity.recipient?.id === reviewerId);
    const review = textOf(posted.activity.attachments[0].content);
    expect(review).to.include(`${tenantId} (Italy), global administrator verified at sign-in`);
    expect(review).to.not.include('NOT verified');
  });

  it('tells a user without the role that they are not a global administrator and what to do, and lets no payload take them further', async () => {
    const tenantId = newTenant();
    tokens.signedIn.set('29:marco', entraToken('marco', tenantId, { wids: [USER_ROLE] }));
    const chat = teamsUser('marco', tenantId);
    const shown = lastCard(await toTenantStep(chat));
    expect(textOf(shown)).to.include(TEXT.notAdmin);
    expect(actionTitles(shown)).to.not.include(TEXT.continue);

    const forged = lastCard(await chat.submit('enrollment.tenant', { mode: 'existing', country: 'IT', globalAdmin: 'true', wids: [GLOBAL_ADMIN_ROLE] }));
    expect(textOf(forged)).to.include('Only a global administrator of the tenant can enroll it, and your sign-in shows that you are not one.');
    expect((await applicationOf('marco')).tenant).to.equal(undefined);
  });

  it('goes on once when the same sign-in arrives from two Teams clients: both hear 200, one card follows', async () => {
    const tenantId = newTenant();
    const chat = teamsUser('twoclients', tenantId);
    await toTenantStep(chat);
    tokens.exchanges.set('teams-sso-twoclients', entraToken('twoclients', tenantId));
    const value = { id: 'exchange-twoclients', connectionName: CONNECTION, token: 'teams-sso-twoclients' };
    const desktop = await invoke(chat, 'signin/tokenExchange', value);
    const web = await invoke(chat, 'signin/tokenExchange', value);
    expect([invokeAnswer(desktop).status, invokeAnswer(web).status]).to.deep.equal([200, 200]);
    expect(textOf(lastCard(desktop))).to.include(TEXT.verified);
    expect(cardsOf(web)).to.deep.equal([]);
  });

  it('answers signin/tokenExchange with 412 and the failure body when the token cannot be exchanged, so Teams shows the sign-in button', async () => {
    const chat = teamsUser('consent', newTenant());
    await toTenantStep(chat);
    const answer = await invoke(chat, 'signin/tokenExchange', { id: 'exchange-consent', connectionName: CONNECTION, token: 'not-exchangeable' });
    expect(invokeAnswer(answer)).to.deep.equal({ status: 412, body: { id: 'exchange-consent', connectionName: CONNECTION, failureDetail: FAILURE_DETAIL } });
    expect(cardsOf(answer)).to.deep.equal([]);
    expect((await applicationOf('consent')).tenant).to.equal(undefined);
  });

  it('refuses a signin/tokenExchange for another connection or without a token with 400', async () => {
    const chat = teamsUser('badexchange', newTenant());
    expect(invokeAnswer(await invoke(chat, 'signin/tokenExchange', { id: 'x', connectionName: 'other', token: 't' })).status).to.equal(400);
    expect(invokeAnswer(await invoke(chat, 'signin/tokenExchange', { id: 'x', connectionName: CONNECTION })).status).to.equal(400);
  });

  it('redeems the magic code of a sign-in through the button (signin/verifyState); a wrong code is 404', async () => {
    const tenantId = newTenant();
    const chat = teamsUser('lucia', tenantId);
    await toTenantStep(chat);
    tokens.magicCodes.set('482913', { userId: '29:lucia', token: entraToken('lucia', tenantId) });
    expect(invokeAnswer(await invoke(chat, 'signin/verifyState', { state: '000000' })).status).to.equal(404);
    const verified = await invoke(chat, 'signin/verifyState', { state: '482913' });
    expect(invokeAnswer(verified).status).to.equal(200);
    expect(textOf(lastCard(verified))).to.include(TEXT.verified);
  });

  const refused: [string, (name: string, tenantId: string) => string, string][] = [
    ['a token of another tenant', (name) => { const other = newTenant(); return entraToken(name, other); }, 'it is for another tenant than the one Teams shows for this chat.'],
    ['a token of another user', (name, tenantId) => entraToken(name, tenantId, { oid: 'aad-someone-else' }), 'it belongs to another user than you.'],
    ['an expired token', (name, tenantId) => entraToken(name, tenantId, { exp: inSeconds(-60) }), 'it has expired.'],
    ['a token for another application', (name, tenantId) => entraToken(name, tenantId, { aud: 'api://elsewhere.example/other' }), 'it was issued for another application than this assistant.'],
    ['a token signed by a key Entra never published', (name, tenantId) => rs256(new KeyServer('entra-1').privateKey, { aud: APP_ID, iss: `https://login.microsoftonline.com/${tenantId}/v2.0`, tid: tenantId, oid: `aad-${name}`, exp: inSeconds(600), wids: [GLOBAL_ADMIN_ROLE] }, 'entra-1'), 'it is not a valid Microsoft Entra ID token.'],
    ['a token that lists no directory roles', (name, tenantId) => entraToken(name, tenantId, { wids: undefined }), 'it does not list your directory roles'],
  ];
  refused.forEach(([what, token, reason], index) => {
    it(`tells the user why ${what} could not prove the role; they may go on, and the application stays "not verified"`, async () => {
      const name = `refused${index}`;
      const tenantId = newTenant();
      tokens.signedIn.set(`29:${name}`, token(name, tenantId));
      const chat = teamsUser(name, tenantId);
      const shown = lastCard(await toTenantStep(chat));
      expect(textOf(shown)).to.include(`I could not use your sign-in to check whether you are a global administrator of this tenant: ${reason}`);
      expect(textOf(shown)).to.not.include(TEXT.verified);
      lastCard(await chat.click(shown, TEXT.continue, { country: 'IT', globalAdmin: 'verified' }));
      expect((await applicationOf(name)).tenant).to.deep.include({ tenantId, globalAdmin: 'unverified' });
    });
  });

  it('says why in Italian to an Italian user', async () => {
    const tenantId = newTenant();
    tokens.signedIn.set('29:chiara', entraToken('chiara', tenantId, { exp: inSeconds(-60) }));
    const shown = lastCard(await toTenantStep(teamsUser('chiara', tenantId, 'it-IT')));
    expect(textOf(shown)).to.include('Non ho potuto usare il tuo accesso per verificare se sei amministratore globale di questo tenant: è scaduto.');
  });

  it('tells the user when the token service cannot be reached, and lets them go on as "not verified"', async () => {
    const tenantId = newTenant();
    const chat = teamsUser('down', tenantId);
    tokens.down = true;
    try {
      const shown = lastCard(await toTenantStep(chat));
      expect(textOf(shown)).to.include('the sign-in service could not be reached just now.');
      await chat.click(shown, TEXT.continue, { country: 'IT' });
    } finally {
      tokens.down = false;
    }
    expect((await applicationOf('down')).tenant).to.deep.include({ globalAdmin: 'unverified' });
  });

  describe('without OAUTH_CONNECTION_NAME', () => {
    let plain: RunningAssistant;
    before(async () => {
      plain = await startAssistant(
        { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-used-by-these-tests', BOT_OPENID_METADATA_URL: botKeys.metadataUrl, BOT_EMULATOR_OPENID_METADATA_URL: botKeys.metadataUrl, BOT_OAUTH_URL: tokens.url, SSO_JWKS_URL: entra.jwksUrl },
        { botCredentials: new StandInBotCredentials(APP_ID) as never },
      );
    });
    after(async () => plain.stop());

    it('shows the role as not verified, sends no sign-in card, asks no token service, and refuses sign-in invokes', async () => {
      const tenantId = newTenant();
      const chat = new Chat(plain.baseUrl, { id: '29:paolo', aadObjectId: 'aad-paolo', name: 'paolo', tenantId, channelId: 'msteams', serviceUrl: connector.serviceUrl, authorization: () => `Bearer ${botToken()}` });
      const replies = await toTenantStep(chat);
      const shown = lastCard(replies);
      expect(textOf(shown)).to.include(TEXT.unverified);
      expect(oauthCards(replies)).to.deep.equal([]);
      expect(actionTitles(shown)).to.include(TEXT.continue);
      expect(invokeAnswer(await invoke(chat, 'signin/tokenExchange', { id: 'x', connectionName: CONNECTION, token: 't' })).status).to.equal(400);
      expect(tokens.requests.filter((r) => r.query.userId === '29:paolo')).to.deep.equal([]);
      await chat.click(shown, TEXT.continue, { country: 'IT' });
      const index = await new CasRecordStore<{ applicationId: string }>(plain.assistant.storage.namespace('applicants')).get('aad-paolo');
      const application = (await new CasRecordStore<any>(plain.assistant.storage.namespace('enrollments')).get(index!.value.applicationId))!.value;
      expect(application.tenant).to.deep.include({ tenantId, globalAdmin: 'unverified' });
    });
  });
});
