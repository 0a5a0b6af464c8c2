import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import WebSocket from 'ws';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { CookieClient } from '../support/browser-client.js';
import { persona, signedInAs } from '../support/demo-sign-in.js';
import { CLIENT_ID, ENTRA, EntraStandIn, routedTo, TENANT, USER, validClaims } from '../support/entra-stand-in.js';
import { FakeConnector } from '../support/fake-connector.js';
import { seedReseller } from '../support/organizations.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const cardTitle = (a: Activity) => a.attachments?.[0]?.content?.body?.[0]?.text as string | undefined;
const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};
const linkIn = (text: string) => /(http:\/\/\S+\/invitations\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)/.exec(text)![1];
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** A Direct Line WebSocket stream: every activity it pushed, and a wait for one. */
async function openStream(url: string) {
  const socket = new WebSocket(url);
  const seen: Activity[] = [];
  socket.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    if (text) seen.push(...(JSON.parse(text) as { activities: Activity[] }).activities);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    seen,
    async waitFor(predicate: (a: Activity) => boolean, what: string, timeoutMs = 10_000): Promise<Activity> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`${what} did not arrive on the stream; saw ${JSON.stringify(seen.map((a) => `${a.type}:${a.text ?? cardTitle(a)}`))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => socket.close(),
  };
}

/** A web chat user of the built-in Direct Line: signed in on one instance, token from it. */
async function webChatUser(on: RunningAssistant, who: string) {
  const browser = await signedInAs(on.baseUrl, who);
  const res = await browser.request('/api/directline/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).to.equal(200);
  const { token, conversationId } = (await res.json()) as { token: string; conversationId: string };
  return { browser, token, conversationId, auth: { authorization: `Bearer ${token}` } };
}

/** Posts an activity to a conversation on an instance, as Web Chat does. */
async function postTo(on: RunningAssistant, user: { conversationId: string; auth: Record<string, string> }, activity: object): Promise<Response> {
  return fetch(`${on.baseUrl}/v3/directline/conversations/${user.conversationId}/activities`, {
    method: 'POST',
    headers: { ...user.auth, 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
}

describe('Two instances on one Redis behave as one', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let connector: FakeConnector;
  let a: RunningAssistant;
  let b: RunningAssistant;
  let counter = 0;
  let aStopped = false;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    connector = new FakeConnector();
    await connector.start();
    // The same shared store, each its own data folder: nothing may come from the folder.
    const env = { STORAGE_URL: redis.url, PAGE_RATE_BURST: '1000', PAGE_RATE_PER_SECOND: '1000' };
    [a, b] = await Promise.all([startAssistant(env), startAssistant(env)]);
  });
  after(async () => {
    if (!aStopped) await a?.stop();
    await b?.stop();
    await connector?.stop();
    await redis?.stop();
  });

  async function reseller(name: string) {
    const tenantId = `dddddddd-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
    const user = { id: `29:${name}`, name, tenantId, aadObjectId: `aad-${name}`, channelId: 'msteams', serviceUrl: connector.serviceUrl };
    await seedReseller(a, { tenantId, name, admin: { userId: `aad-${name}`, name: `29:${name}` } });
    const onA = new Chat(a.baseUrl, user);
    // The same Teams conversation, its turns reaching the other instance.
    const onB = new Chat(b.baseUrl, user, onA.conversationId);
    return { onA, onB };
  }

  it('starts together with one signing keyring, created once in the store and in neither data folder', async () => {
    const raw = await a.assistant.storage.namespace('signing-keys').get('keyring');
    expect(raw, 'the keyring is in Redis').to.be.a('string');
    expect(JSON.parse(raw!).keys).to.have.length(1);
    for (const instance of [a, b]) expect(existsSync(join(instance.dataDir, 'signing-keys.json'))).to.equal(false);
  });

  it('web chat: a conversation started on A, a message posted to B, the reply on A’s WebSocket; the session made on A is valid on B', async () => {
    const user = await webChatUser(a, 'persona-reseller-admin');
    const session = await fetch(`${b.baseUrl}/auth/session`, { headers: { cookie: `csp_session=${user.browser.jar.get('csp_session')}` } });
    expect(session.status, 'the web session signed in on A').to.equal(200);

    const started = await fetch(`${a.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: user.auth });
    expect(started.status).to.equal(201);
    const { streamUrl } = (await started.json()) as { streamUrl: string };
    expect(streamUrl.startsWith(a.baseUrl.replace('http', 'ws'))).to.equal(true);
    const stream = await openStream(streamUrl);
    try {
      await stream.waitFor((x) => cardTitle(x) === 'Welcome to the CSP Partner Assistant', 'the welcome');

      const posted = await postTo(b, user, { type: 'message', text: 'help', channelData: { clientActivityID: 'web-1' } });
      expect(posted.status, 'B accepts the token A issued').to.equal(200);
      const { id } = (await posted.json()) as { id: string };
      const echoed = await stream.waitFor((x) => x.text === 'help', 'the user’s message');
      expect(echoed.id).to.equal(id);
      expect(echoed.from.id, 'the user id comes from the token').to.equal(persona('persona-reseller-admin').oid);
      await stream.waitFor((x) => cardTitle(x) === 'What I can do', 'the reply produced on B');

      // Web Chat retries a post with the same client activity id: the other instance knows it, the bot sees it once.
      const retried = await postTo(a, user, { type: 'message', text: 'help', channelData: { clientActivityID: 'web-1' } });
      expect(((await retried.json()) as { id: string }).id).to.equal(id);

      const polled = await fetch(`${b.baseUrl}/v3/directline/conversations/${user.conversationId}/activities?watermark=0`, { headers: user.auth });
      const { activities, watermark } = (await polled.json()) as { activities: Activity[]; watermark: string };
      expect(activities.map((x) => x.id)).to.deep.equal(stream.seen.map((x) => x.id), 'both instances see the same log');
      expect(activities.filter((x) => x.text === 'help')).to.have.length(1);
      expect(Number(watermark)).to.equal(activities.length);
      expect(new Set(activities.map((x) => x.id)).size).to.equal(activities.length);
    } finally {
      stream.close();
    }
  });

  it('an invitation link made on A opens and is accepted on B; the journey goes on alternating', async () => {
    const admin = await reseller('alternating');
    expect(textOf(lastCard(await admin.onB.say('invite customer')))).to.include('Request a reseller relationship');
    // Each instance here has its own address (behind a load balancer they share one), and a draft's
    // link names the address of the instance that made it: the draft is finished where it was made.
    const draft = lastCard(await admin.onA.submit('customer.draft', { companyName: 'Fabrikam Two', adminEmail: 'admin@fabrikam.example' }));
    const link = linkIn(inputsOf(draft).body.value as string);
    const invitationId = draft.actions.find((x: Card) => x.title === 'Done').data.invitationId as string;
    expect(textsOf(await admin.onA.submit('customer.done', { invitationId, subject: 'Invitation', body: `Please accept: ${link}` })).join()).to.include('recorded as sent');

    const onB = `${b.baseUrl}${new URL(link).pathname}`;
    expect(link.startsWith(a.baseUrl), 'the link names instance A').to.equal(true);
    const shown = await fetch(onB);
    expect(shown.status, 'a link signed on A is valid on B').to.equal(200);
    expect(await shown.text()).to.include('<form method="post"');
    const accepted = await fetch(onB, form({ name: 'Lena', email: 'admin@fabrikam.example', company: 'yes' }));
    expect(accepted.status).to.equal(200);
    const again = await fetch(`${a.baseUrl}${new URL(link).pathname}`, form({ name: 'Lena', email: 'admin@fabrikam.example', company: 'yes' }));
    expect(again.status, 'accepted once, whichever instance').to.equal(410);
    expect(textOf(lastCard(await admin.onB.say('customers')))).to.include('Fabrikam Two');
  });

  it('runs a reminders pass in one instance only: the lease taken by A is held against B', async () => {
    expect(await a.assistant.reminders.runOnce()).to.equal(true);
    expect(await b.assistant.reminders.runOnce()).to.equal(false);
  });

  // Last: it stops instance A.
  it('stops A mid-journey and finishes on B: the conversation, its watermark and the web chat carry over', async () => {
    const admin = await reseller('survivor');
    const draft = lastCard(await admin.onA.submit('customer.draft', { companyName: 'Northwind Two', adminEmail: 'admin@northwind.example' }));
    const link = linkIn(inputsOf(draft).body.value as string);
    const invitationId = draft.actions.find((x: Card) => x.title === 'Done').data.invitationId as string;
    expect(textsOf(await admin.onA.submit('customer.done', { invitationId, subject: 'Invitation', body: `Please accept: ${link}` })).join()).to.include('recorded as sent');

    const user = await webChatUser(a, 'persona-reseller-admin');
    const started = await fetch(`${a.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: user.auth });
    const streamA = await openStream(((await started.json()) as { streamUrl: string }).streamUrl);
    await streamA.waitFor((x) => cardTitle(x) === 'Welcome to the CSP Partner Assistant', 'the welcome');
    expect((await postTo(a, user, { type: 'message', text: 'help' })).status).to.equal(200);
    await streamA.waitFor((x) => cardTitle(x) === 'What I can do', 'the reply on A');
    const watermark = streamA.seen.length;
    // A provider's approver has the web chat open on A too: A is where their contact says they are reached.
    const approver = await webChatUser(a, 'provider-approver-contoso');
    const approverStarted = await fetch(`${a.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: approver.auth });
    const approverOnA = await openStream(((await approverStarted.json()) as { streamUrl: string }).streamUrl);
    await approverOnA.waitFor((x) => cardTitle(x) === 'Welcome to the CSP Partner Assistant', 'the approver’s welcome');

    aStopped = true;
    await a.stop();

    // Web Chat reconnects (to whichever instance the address leads) with its token and watermark.
    const reconnect = await fetch(`${b.baseUrl}/v3/directline/conversations/${user.conversationId}?watermark=${watermark}`, { headers: user.auth });
    expect(reconnect.status, 'B knows the conversation started on A').to.equal(200);
    const { streamUrl } = (await reconnect.json()) as { streamUrl: string };
    expect(streamUrl.startsWith(b.baseUrl.replace('http', 'ws'))).to.equal(true);
    const streamB = await openStream(streamUrl);
    try {
      expect((await postTo(b, user, { type: 'message', text: 'help' })).status).to.equal(200);
      await streamB.waitFor((x) => cardTitle(x) === 'What I can do', 'the reply on B');
      expect(streamB.seen.filter((x) => cardTitle(x) === 'Welcome to the CSP Partner Assistant'), 'nothing before the watermark comes again').to.have.length(0);
      const ids = [...streamA.seen, ...streamB.seen].map((x) => x.id);
      expect(new Set(ids).size, 'watermarks go on without reuse').to.equal(ids.length);
    } finally {
      streamA.close();
      streamB.close();
    }

    // A proactive card reaches the approver whose contact names the stopped instance: B delivers it to the stream they reopened on B.
    const approverAgain = await fetch(`${b.baseUrl}/v3/directline/conversations/${approver.conversationId}?watermark=${approverOnA.seen.length}`, { headers: approver.auth });
    const approverOnB = await openStream(((await approverAgain.json()) as { streamUrl: string }).streamUrl);
    try {
      await admin.onB.submit('provider.request', { providerTenantId: CONTOSO });
      await approverOnB.waitFor((x) => cardTitle(x) === 'Request to connect', 'the request card sent from B');
    } finally {
      approverOnA.close();
      approverOnB.close();
    }

    // The Teams journey finishes on B: the invitation sent from A is accepted there and listed.
    const accepted = await fetch(`${b.baseUrl}${new URL(link).pathname}`, form({ name: 'Nora', email: 'admin@northwind.example', company: 'yes' }));
    expect(accepted.status).to.equal(200);
    expect(textOf(lastCard(await admin.onB.say('customers')))).to.include('Northwind Two');
    expect((await fetch(`${b.baseUrl}/readyz`)).status).to.equal(200);
  });
});

describe('Page rate limits shared by two instances on one Redis', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let a: RunningAssistant;
  let b: RunningAssistant;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    const env = { STORAGE_URL: redis.url, PAGE_RATE_BURST: '4', PAGE_RATE_PER_SECOND: '0.1' };
    [a, b] = await Promise.all([startAssistant(env), startAssistant(env)]);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  it('counts requests spread over both instances against one limit: 429 with Retry-After and the reason on either', async () => {
    const answers: Response[] = [];
    for (let i = 0; i < 6; i++) answers.push(await fetch(`${(i % 2 ? b : a).baseUrl}/invitations/not-a-token`));
    expect(answers.map((r) => r.status)).to.deep.equal([404, 404, 404, 404, 429, 429]);
    for (const refused of answers.slice(4)) {
      expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 40);
      const body = (await refused.json()) as { code: string; message: string };
      expect(body.code).to.equal('TooManyRequests');
      expect(body.message).to.match(/Too many requests from this address: try again in \d+ s\./);
    }
    // The health probes are not limited.
    expect((await fetch(`${b.baseUrl}/healthz`)).status).to.equal(200);
  });
});

describe('An Entra ID sign-in started on one instance finishes on the other', function () {
  this.timeout(60_000);
  const entra = new EntraStandIn();
  let redis: RedisServer;
  let a: RunningAssistant;
  let b: RunningAssistant;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    await entra.start();
    // Behind one address, as a load balancer puts them: the redirect URI is the same for both.
    const env = {
      STORAGE_URL: redis.url,
      PUBLIC_BASE_URL: 'http://127.0.0.1:8443',
      OIDC_ISSUER: `${ENTRA}/organizations/v2.0`,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: 'client-secret-value',
    };
    [a, b] = await Promise.all([startAssistant(env, { oidcFetch: routedTo(() => entra.base) }), startAssistant(env, { oidcFetch: routedTo(() => entra.base) })]);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await entra.stop();
    await redis?.stop();
  });

  it('keeps the attempt (state, nonce, PKCE verifier) and the session in the store: begun on A, answered on B, signed in on both', async () => {
    const browser = new CookieClient(a.baseUrl);
    const started = await browser.request('/auth/signin?returnTo=%2Fwebchat');
    expect(started.status).to.equal(302);
    const authorize = new URL(started.headers.get('location')!);
    const code = randomUUID();
    entra.tokens.set(code, await entra.sign(validClaims(authorize.searchParams.get('nonce')!)));
    const cookie = () => [...browser.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const query = new URLSearchParams({ code, state: authorize.searchParams.get('state')!, session_state: randomUUID() });
    const back = await fetch(`${b.baseUrl}/auth/callback?${query}`, { redirect: 'manual', headers: { cookie: cookie() } });
    expect(back.status, 'B finishes the sign-in A began').to.equal(302);
    expect(back.headers.get('location')).to.equal('/webchat');
    expect(entra.tokenRequests.at(-1)!.get('code_verifier'), 'with the PKCE verifier A generated').to.match(/^[A-Za-z0-9_-]{43,128}$/);
    const session = /csp_session=([^;]+)/.exec(back.headers.getSetCookie().join('\n'))![1];
    for (const instance of [a, b]) {
      const res = await fetch(`${instance.baseUrl}/auth/session`, { headers: { cookie: `csp_session=${session}` } });
      expect(res.status).to.equal(200);
      expect(await res.json()).to.include({ userId: USER, tenantId: TENANT, globalAdmin: true });
    }
  });
});

describe('A demo sign-in through a load balancer that alternates between two instances', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let proxy: RoundRobinProxy;
  let a: RunningAssistant;
  let b: RunningAssistant;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    proxy = await startRoundRobinProxy();
    // Both behind the proxy's one address: the embedded provider's discovery, login page, codes and tokens are served by either.
    const env = { STORAGE_URL: redis.url, PUBLIC_BASE_URL: proxy.url, PAGE_RATE_BURST: '1000', PAGE_RATE_PER_SECOND: '1000' };
    [a, b] = await Promise.all([startAssistant(env), startAssistant(env)]);
    proxy.targets = [a.baseUrl, b.baseUrl];
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await proxy?.stop();
    await redis?.stop();
  });

  it('signs in with the embedded provider whichever instance answers each step, and the session works on both', async () => {
    const browser = await signedInAs(proxy.url, 'persona-reseller-admin');
    expect(proxy.served[0], 'A served part of the round trip').to.be.greaterThan(1);
    expect(proxy.served[1], 'B served part of the round trip').to.be.greaterThan(1);
    for (const instance of [a, b]) {
      const res = await fetch(`${instance.baseUrl}/auth/session`, { headers: { cookie: `csp_session=${browser.jar.get('csp_session')}` } });
      expect(res.status).to.equal(200);
      expect(await res.json()).to.include({ userId: persona('persona-reseller-admin').oid });
    }
    // A second sign-in as another persona ends the provider's first session, on whichever instance.
    const other = await signedInAs(proxy.url, 'provider-approver-contoso');
    const res = await other.request('/auth/session');
    expect(await res.json()).to.include({ userId: persona('provider-approver-contoso').oid });
  });
});
