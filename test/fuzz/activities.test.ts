import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import { CUSTOMER_VERBS } from '../../src/bot/customer.feature.js';
import { ENROLLMENT_VERBS } from '../../src/bot/enrollment.feature.js';
import { MENU_VERBS } from '../../src/bot/main-menu.feature.js';
import { PROVIDER_VERBS } from '../../src/bot/provider.feature.js';
import { localDirectLine } from '../support/directline.js';
import { translate } from '../../src/i18n/catalog.js';
import type { RunningAssistant } from '../support/assistant.js';
import { Chat } from '../support/chat.js';
import { snapshot } from '../support/records.js';
import { FUZZ_RUNS, FUZZ_SIGNING_KEY, HANG_MS, raw, startFuzzTarget } from './fuzz-support.js';
import { JoseSignedLinks, signingKey } from '../../src/security/signed-links.js';
import { seedReseller } from '../support/organizations.js';

const VERBS = [...Object.values(CUSTOMER_VERBS), ...Object.values(ENROLLMENT_VERBS), ...Object.values(PROVIDER_VERBS), ...Object.values(MENU_VERBS)];
/** Every field name a feature reads from card data, so generated payloads reach past the first check. */
const FIELDS = [
  'adminEmail', 'answer', 'applicationId', 'body', 'code', 'companyName', 'consent', 'country', 'customerId', 'delegated', 'durationDays',
  'email', 'globalAdmin', 'index', 'initialDomain', 'invitationId', 'keyword', 'linkId', 'mode', 'newCountry', 'page', 'partnerId',
  'providerLinkId', 'providerName', 'providerTenantId', 'reason', 'roles', 'search', 'section', 'subject', 'tenantId', 'userId', 'userName',
  'legalName', 'line1', 'city', 'postalCode', 'contactEmail', 'supportEmail', 'supportPhone', 'name', 'countries', 'services', 'support', 'actionNonce',
];
const CONTOSO = '11111111-1111-4111-8111-111111111111';

/** The start of the turn-error handler's apology in each language: seeing it means a turn threw. */
const CRASHED = ['en', 'it'].map((l) => translate(l as 'en', 'common.errors.generic', { reference: '' }).slice(0, 30));

const figures = new Map<string, { cases: number; statuses: Map<number, number>; slowestMs: number }>();
function count(target: string, status: number, ms: number): void {
  const f = figures.get(target) ?? { cases: 0, statuses: new Map(), slowestMs: 0 };
  f.cases++;
  f.statuses.set(status, (f.statuses.get(status) ?? 0) + 1);
  f.slowestMs = Math.max(f.slowestMs, ms);
  figures.set(target, f);
}

/** Fails when a reply is the turn-error apology (a handler threw on this input). */
function expectNoCrash(activities: Record<string, any>[], what: string): void {
  for (const a of activities) {
    const text = String(a.text ?? '');
    expect(CRASHED.some((c) => text.startsWith(c)), `${what} crashed the turn: ${text}`).to.equal(false);
    if (a.type === 'invokeResponse') expect(a.value?.status, `${what} invoke status`).to.be.below(500);
  }
}

const any = fc.anything({ maxDepth: 2, maxKeys: 4 });
/** Mostly the right shape, now and then anything at all: most activities reach the bot, many fields get probed. */
const weird = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: any });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const account = fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }), name: optional(fc.string({ maxLength: 20 })), aadObjectId: optional(fc.string({ maxLength: 20 })) }, { requiredKeys: ['id'] });
const cardData = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(CONTOSO, `${CONTOSO}|x`, 'yes', 'true', '', '0', '-1', '1e309'), any), { maxKeys: 8 });

describe('Fuzz: activities, card verbs, invokes and the Direct Line stream', function () {
  this.timeout(Math.max(60_000, FUZZ_RUNS * 200));
  let app: RunningAssistant;
  /** A Bot Connector stand-in that accepts every reply at once, for activities not delivered with expectReplies. */
  let connector: Server;
  let connectorUrl = '';
  /** Users the generated activities come from: a stranger, an enrolled reseller admin (Teams) and a provider approver. */
  const actors = () => [
    { id: 'fuzz-stranger', name: 'Stranger' },
    { id: '29:fuzz-admin', name: 'Admin', aadObjectId: 'aad-fuzz-admin', tenantId: 'eeeeeeee-0000-4000-8000-000000000001', channelId: 'msteams' },
    { id: 'provider-approver-contoso', name: 'Anna' },
  ];

  before(async () => {
    connector = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"1"}');
      });
    });
    await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
    const address = connector.address();
    connectorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    app = await startFuzzTarget();
    await seedReseller(app, { tenantId: 'eeeeeeee-0000-4000-8000-000000000001', name: 'Fuzz Reseller', admin: { userId: 'aad-fuzz-admin', name: 'Admin' } });
  });
  after(async () => {
    await app.stop();
    connector.closeAllConnections();
    await new Promise((resolve) => connector.close(resolve));
    for (const [target, f] of figures) {
      console.log(`      (${target}: ${f.cases} cases; statuses ${JSON.stringify(Object.fromEntries([...f.statuses].sort()))}; slowest ${f.slowestMs} ms)`);
    }
  });
  afterEach(async () => expect((await raw(app.baseUrl, { method: 'GET', path: '/healthz' })).status).to.equal(200));

  it('POST /api/messages: any activity gets 200 or a 4xx with a reason, never a crashed turn; a refusal changes no record', async () => {
    const activity = fc.record(
      {
        type: weird(fc.constantFrom('message', 'invoke', 'conversationUpdate', 'installationUpdate', 'event', 'typing', 'messageReaction', 'endOfConversation', 'unknown')),
        id: weird(fc.uuid()),
        channelId: weird(fc.constantFrom('emulator', 'msteams', 'directline', 'webchat')),
        serviceUrl: weird(fc.oneof(fc.constant(connectorUrl), fc.constant(connectorUrl.replace('127.0.0.1', 'localhost')), fc.constantFrom('https://attacker.example/', 'http://10.1.2.3/', 'https://smba.trafficmanager.net/emea/'))),
        locale: weird(fc.constantFrom('en-US', 'it', 'it-IT', 'xx', '', 'en_US', 'zz-ZZ-x-private')),
        text: weird(fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('help', 'enroll', 'find a provider', 'invite customer', 'language italiano', 'accept invitation x', '<at>Bot</at> help'))),
        value: any,
        name: weird(fc.constantFrom('adaptiveCard/action', 'composeExtension/query', 'signin/verifyState', 'task/fetch', 'x')),
        from: weird(fc.oneof(account, fc.constantFrom(...actors()))),
        recipient: weird(account),
        conversation: weird(fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }), tenantId: optional(fc.string({ maxLength: 36 })) }, { requiredKeys: ['id'] })),
        attachments: weird(fc.array(fc.record({ contentType: fc.string({ maxLength: 40 }), content: any }), { maxLength: 2 })),
        entities: weird(fc.array(fc.oneof(fc.record({ type: fc.constant('mention'), mentioned: account, text: fc.string({ maxLength: 20 }) }), fc.record({ type: fc.string({ maxLength: 10 }) })), { maxLength: 2 })),
        channelData: weird(fc.record({ tenant: optional(fc.record({ id: fc.string({ maxLength: 36 }) })) })),
        membersAdded: weird(fc.array(account, { maxLength: 3 })),
        replyToId: weird(fc.string({ maxLength: 20 })),
        deliveryMode: fc.constantFrom('expectReplies', 'expectReplies', 'normal', undefined),
      },
      { requiredKeys: ['type', 'channelId', 'from', 'recipient', 'conversation', 'deliveryMode'] },
    );
    await fc.assert(
      fc.asyncProperty(activity, async (a) => {
        const records = await snapshot(app.assistant.storage);
        const res = await raw(app.baseUrl, { method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) });
        count('activities', res.status, res.ms);
        expect(res.status, `${JSON.stringify(a).slice(0, 300)} → ${res.text.slice(0, 200)}`).to.be.below(500);
        expect(res.ms).to.be.below(HANG_MS);
        if (res.status >= 400) {
          // Refused invokes answer in their own shape: the Universal Actions error carries its reason in value.
          const refusal = JSON.parse(res.text);
          expect(refusal.message ?? refusal.value?.message, res.text).to.be.a('string').and.not.equal('');
          expect(await snapshot(app.assistant.storage)).to.deep.equal(records);
        }
        if (res.status === 200 && res.text) expectNoCrash(JSON.parse(res.text).activities ?? [], JSON.stringify(a).slice(0, 300));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('every card verb with any data, as Action.Submit and as Action.Execute, from any user: answered, never a crashed turn', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VERBS), cardData, fc.nat(2), fc.constantFrom('en-US', 'it-IT'), async (verb, data, who, locale) => {
        const chat = new Chat(app.baseUrl, { ...actors()[who], locale });
        for (const [how, send] of [
          ['submit', () => chat.raw({ type: 'message', value: { ...data, verb } })],
          ['execute', () => chat.raw({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } })],
        ] as const) {
          const started = Date.now();
          const res = await send();
          count(`card verbs (${how})`, res.status, Date.now() - started);
          expect(res.status, `${how} ${verb} ${JSON.stringify(data)}`).to.equal(200);
          expect(Date.now() - started).to.be.below(HANG_MS);
          expectNoCrash(res.body.activities, `${how} ${verb} ${JSON.stringify(data).slice(0, 200)}`);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('invoke activities of any name and value: answered with a status below 500, never a crashed turn', async () => {
    const invoke = fc.record({
      name: fc.oneof(fc.constantFrom('adaptiveCard/action', 'composeExtension/query', 'signin/verifyState', 'signin/tokenExchange', 'task/fetch', 'actionableMessage/executeAction', 'config/fetch', 'healthCheck'), fc.string({ maxLength: 20 })),
      value: fc.oneof(any, fc.record({ action: fc.record({ type: weird(fc.constant('Action.Execute')), verb: weird(fc.constantFrom(...VERBS)), data: weird(cardData) }), trigger: weird(fc.constant('manual')) })),
    });
    await fc.assert(
      fc.asyncProperty(invoke, fc.nat(2), async ({ name, value }, who) => {
        const chat = new Chat(app.baseUrl, actors()[who]);
        const started = Date.now();
        const res = await chat.raw({ type: 'invoke', name, value });
        count('invokes', res.status, Date.now() - started);
        expect(res.status, `${name} ${JSON.stringify(value)?.slice(0, 200)} → ${JSON.stringify(res.body)?.slice(0, 200)}`).to.be.below(500);
        expect(Date.now() - started).to.be.below(HANG_MS);
        if (res.status === 200) expectNoCrash(res.body?.activities ?? [], `${name} ${JSON.stringify(value)?.slice(0, 200)}`);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('Direct Line: any posted activity gets its id or a 4xx, and the bot never crashes on it', async () => {
    const channel = localDirectLine(new JoseSignedLinks({ current: signingKey(FUZZ_SIGNING_KEY), previous: [] }));
    const { token, conversationId } = await channel.issue({ userId: 'fuzz-dl', name: 'Fuzz', proof: 'portal' });
    const auth = { authorization: `Bearer ${token}` };
    expect((await raw(app.baseUrl, { method: 'POST', path: '/v3/directline/conversations', headers: auth })).status).to.equal(201);
    const activity = fc.record({
      type: weird(fc.constantFrom('message', 'event', 'invoke', 'typing')),
      text: weird(fc.string({ maxLength: 40 })),
      locale: weird(fc.constantFrom('en-US', 'it-IT', 'x')),
      value: weird(fc.record({ verb: fc.constantFrom(...VERBS), data: cardData })),
      name: weird(fc.string({ maxLength: 20 })),
      from: any,
      serviceUrl: any,
      attachments: weird(fc.array(fc.record({ contentType: fc.string({ maxLength: 20 }) }), { maxLength: 1 })),
      channelData: any,
    }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(activity, async (a) => {
        const res = await raw(app.baseUrl, { method: 'POST', path: `/v3/directline/conversations/${conversationId}/activities`, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(a) });
        count('Direct Line posts', res.status, res.ms);
        expect(res.status, `${JSON.stringify(a).slice(0, 200)} → ${res.text.slice(0, 200)}`).to.be.below(500);
        expect(res.ms).to.be.below(HANG_MS);
      }),
      { numRuns: Math.ceil(FUZZ_RUNS / 2) },
    );
    // The bot's turns run after the answer: give them a moment, then look at what they sent back.
    await new Promise((r) => setTimeout(r, 500));
    const log = await raw(app.baseUrl, { method: 'GET', path: `/v3/directline/conversations/${conversationId}/activities`, headers: auth });
    expectNoCrash(JSON.parse(log.text).activities, 'a Direct Line activity');
  });
});
