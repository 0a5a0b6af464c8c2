import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { checkCards } from '../support/chat.js';
import { demoDirectLineToken, persona } from '../support/demo-sign-in.js';
import { seedReseller } from '../support/organizations.js';
import { alteredToken } from '../support/tamper.js';

const require = createRequire(import.meta.url);
// The official client, unchanged; Node 20 lacks the browser's XMLHttpRequest and WebSocket.
(globalThis as any).XMLHttpRequest ??= require('xhr2');
(globalThis as any).WebSocket ??= require('ws');
const { DirectLine } = require('botframework-directlinejs') as { DirectLine: any };

type Activity = Record<string, any>;

/** A Direct Line token: a demo persona signs in through the embedded OpenID provider first; anything else is posted as it is. */
async function tokenFor(app: RunningAssistant, body: { persona?: string; locale?: string; [key: string]: unknown }): Promise<{ status: number; json: any }> {
  if (body.persona && !body.persona.startsWith('nobody')) return demoDirectLineToken(app.baseUrl, body.persona, body.locale);
  const res = await fetch(`${app.baseUrl}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** Collects what the client receives and waits for a match. */
function collect(directLine: any) {
  const seen: Activity[] = [];
  const errors: unknown[] = [];
  // Ending the client ends its stream with "conversation ended"; anything else fails the wait.
  directLine.activity$.subscribe({ next: (a: Activity) => seen.push(a), error: (e: unknown) => errors.push(e) });
  return {
    seen,
    async waitFor(predicate: (a: Activity) => boolean, timeoutMs = 8000): Promise<Activity> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find(predicate);
        if (found) return found;
        if (errors.length) throw errors[0];
        if (Date.now() > deadline) throw new Error(`nothing matching arrived; saw ${JSON.stringify(seen.map((a) => a.type + ':' + (a.text ?? a.attachments?.[0]?.content?.body?.[0]?.text)))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

const cardTitle = (a: Activity) => a.attachments?.[0]?.content?.body?.[0]?.text as string | undefined;
const post = (directLine: any, activity: object) =>
  new Promise<string>((resolve, reject) => directLine.postActivity(activity).subscribe({ next: resolve, error: reject }));

describe('Built-in Direct Line with the official botframework-directlinejs client', () => {
  let app: RunningAssistant;
  let now = new Date();
  before(async () => {
    app = await startAssistant({}, { clock: { now: () => now } });
  });
  after(async () => app.stop());

  for (const webSocket of [true, false]) {
    it(`talks to the bot over ${webSocket ? 'the WebSocket stream' : 'polling'}: welcome, a command, a card button`, async () => {
      const { json } = await tokenFor(app, { persona: 'persona-reseller-admin' });
      const directLine = new DirectLine({ token: json.token, domain: json.domain, webSocket, pollingInterval: 300 });
      const inbox = collect(directLine);
      try {
        await inbox.waitFor((a) => cardTitle(a) === 'Welcome to the CSP Partner Assistant');
        await post(directLine, { type: 'message', from: { id: 'someone-else' }, text: 'help' });
        const echoed = await inbox.waitFor((a) => a.text === 'help');
        expect(echoed.from.id, 'the user id comes from the token').to.equal(persona('persona-reseller-admin').oid);
        await inbox.waitFor((a) => cardTitle(a) === 'What I can do');
        await post(directLine, { type: 'message', from: { id: 'x' }, value: { verb: 'provider.providers' } });
        const list = await inbox.waitFor((a) => cardTitle(a) === 'Indirect providers');
        checkCards([list]);
        expect(inbox.seen.every((a) => a.serviceUrl === undefined), 'the connector address stays on the server').to.equal(true);
        expect(JSON.stringify(list)).to.not.include('Action.Execute');
      } finally {
        directLine.end();
      }
    });
  }

  it('delivers proactive cards and card updates to web chat users: a request to connect and its decision', async () => {
    const open = async (persona: string) => {
      const { json } = await tokenFor(app, { persona });
      const directLine = new DirectLine({ token: json.token, domain: json.domain, webSocket: true });
      const inbox = collect(directLine);
      await inbox.waitFor((a) => a.type === 'message' && a.from?.role === 'bot');
      return { directLine, inbox };
    };
    const approver = await open('provider-approver-contoso');
    const reseller = await open('persona-reseller-admin');
    try {
      await post(reseller.directLine, { type: 'message', value: { verb: 'provider.request', providerTenantId: '11111111-1111-4111-8111-111111111111' } });
      const request = await approver.inbox.waitFor((a) => cardTitle(a) === 'Request to connect');
      const approve = request.attachments[0].content.actions.find((x: Activity) => x.title === 'Approve');
      expect(approve.type).to.equal('Action.Submit');
      await post(approver.directLine, { type: 'message', value: approve.data });
      const consent = await reseller.inbox.waitFor((a) => cardTitle(a) === 'Authorize indirect provider');
      expect(JSON.stringify(consent)).to.include('administrator access');
      // The approver's copy of the request card is replaced by its decided state (same activity id).
      const updated = await approver.inbox.waitFor((a) => a.id === request.id && JSON.stringify(a).includes('Approved by Anna Weber'));
      expect(JSON.stringify(updated)).to.not.include('"title":"Approve"');
    } finally {
      approver.directLine.end();
      reseller.directLine.end();
    }
  });

  it('refreshes tokens and reconnects with a watermark', async () => {
    const { json } = await tokenFor(app, { persona: 'persona-new-reseller' });
    const auth = { authorization: `Bearer ${json.token}` };
    const started = await fetch(`${json.domain}/conversations`, { method: 'POST', headers: auth });
    expect(started.status).to.equal(201);
    const refreshed = await (await fetch(`${json.domain}/tokens/refresh`, { method: 'POST', headers: auth })).json();
    expect(refreshed.conversationId).to.equal(json.conversationId);
    const reconnect = await fetch(`${json.domain}/conversations/${json.conversationId}?watermark=0`, { headers: { authorization: `Bearer ${refreshed.token}` } });
    expect(reconnect.status).to.equal(200);
    expect((await reconnect.json()).streamUrl).to.match(/^ws:\/\/.*watermark=0/);
    const generated = await (await fetch(`${json.domain}/tokens/generate`, { method: 'POST', headers: auth })).json();
    expect(generated.conversationId).to.not.equal(json.conversationId);
  });

  describe('bad input gets the documented 4xx and the process stays up', () => {
    let domain: string;
    let token: string;
    let conversationId: string;
    before(async () => {
      const { json } = await tokenFor(app, { persona: 'persona-reseller-sales' });
      ({ domain, token, conversationId } = json);
      await fetch(`${domain}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    });
    afterEach(async () => expect((await fetch(`${app.baseUrl}/healthz`)).status).to.equal(200));

    const send = (path: string, init: RequestInit & { auth?: string }) =>
      fetch(`${domain}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.auth === undefined ? { authorization: `Bearer ${token}` } : init.auth ? { authorization: init.auth } : {}), ...(init.headers ?? {}) } });

    it('no token or a wrong token → 403', async () => {
      expect((await send(`/conversations/${conversationId}/activities`, { method: 'GET', auth: '' })).status).to.equal(403);
      expect((await send(`/conversations/${conversationId}/activities`, { method: 'GET', auth: `Bearer ${alteredToken(token)}` })).status).to.equal(403);
    });
    it('a token for one conversation cannot read or post to another', async () => {
      const other = (await tokenFor(app, { persona: 'persona-reviewer' })).json;
      await fetch(`${other.domain}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${other.token}` } });
      expect((await send(`/conversations/${other.conversationId}/activities`, { method: 'GET' })).status).to.equal(403);
      expect((await send(`/conversations/${other.conversationId}/activities`, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'hi' }) })).status).to.equal(403);
    });
    it('an unknown conversation → 404', async () => {
      const fresh = (await tokenFor(app, { persona: 'persona-reviewer' })).json;
      const res = await fetch(`${fresh.domain}/conversations/${fresh.conversationId}/activities`, { headers: { authorization: `Bearer ${fresh.token}` } });
      expect(res.status).to.equal(404);
    });
    it('malformed JSON → 400, an activity without a type → 400, an oversized one → 413', async () => {
      expect((await send(`/conversations/${conversationId}/activities`, { method: 'POST', body: '{"type":' })).status).to.equal(400);
      expect((await send(`/conversations/${conversationId}/activities`, { method: 'POST', body: JSON.stringify({ text: 'no type' }) })).status).to.equal(400);
      expect((await send(`/conversations/${conversationId}/activities`, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }) })).status).to.equal(413);
    });
    it('an expired token → 403 TokenExpired', async () => {
      now = new Date(now.getTime() + 31 * 60 * 1000);
      try {
        const res = await send(`/conversations/${conversationId}/activities`, { method: 'GET' });
        expect(res.status).to.equal(403);
        expect((await res.json()).code).to.equal('TokenExpired');
      } finally {
        now = new Date();
      }
    });
    it('the connector endpoints refuse anything but the assistant itself', async () => {
      // Requests from this test come from loopback too, so check the rule's inverse: a forged conversation is unknown.
      const res = await fetch(`${app.baseUrl}/directline-connector/v3/conversations/not-a-conversation/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'injected' }),
      });
      expect(res.status).to.equal(404);
    });
  });
});

describe('Built-in Direct Line conversations in the store (SQLite)', () => {
  it('survive a restart: the same token reads the log and goes on talking, with watermarks that go on', async function () {
    this.timeout(60_000);
    const first = await startAssistant({}, {}, { keepData: true });
    const dataDir = first.dataDir;
    let second: RunningAssistant | undefined;
    let firstStopped = false;
    try {
      const { json } = await tokenFor(first, { persona: 'persona-reseller-admin' });
      const auth = { authorization: `Bearer ${json.token}` };
      const activities = async (app: RunningAssistant, watermark = 0) =>
        (await (await fetch(`${app.baseUrl}/v3/directline/conversations/${json.conversationId}/activities?watermark=${watermark}`, { headers: auth })).json()) as { activities: Activity[]; watermark: string };
      const until = async (app: RunningAssistant, predicate: (all: Activity[]) => boolean) => {
        for (let i = 0; i < 200; i++) {
          const { activities: all } = await activities(app);
          if (predicate(all)) return all;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error('the bot did not answer');
      };
      expect((await fetch(`${first.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: auth })).status).to.equal(201);
      const post = (app: RunningAssistant) =>
        fetch(`${app.baseUrl}/v3/directline/conversations/${json.conversationId}/activities`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'help' }) });
      expect((await post(first)).status).to.equal(200);
      const before = await until(first, (all) => all.some((a) => cardTitle(a) === 'What I can do'));
      firstStopped = true;
      await first.stop();

      second = await startAssistant({}, {}, { dataDir });
      const kept = await activities(second);
      expect(kept.activities.map((a) => a.id)).to.deep.equal(before.map((a) => a.id));
      expect((await post(second)).status, 'the token signed before the restart').to.equal(200);
      const after = await until(second, (all) => all.filter((a) => cardTitle(a) === 'What I can do').length === 2);
      expect(new Set(after.map((a) => a.id)).size).to.equal(after.length);
      expect((await activities(second, Number(kept.watermark))).activities.map((a) => a.text ?? cardTitle(a))).to.include('help');
    } finally {
      if (!firstStopped) await first.stop();
      if (second) await second.stop();
      else rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Web chat page and token endpoint', () => {
  it('serves the page with the demo sign-in (the embedded OpenID provider) and Web Chat’s bundle from this server', async () => {
    const app = await startAssistant();
    try {
      const page = await fetch(`${app.baseUrl}/`, { headers: { 'accept-language': 'it-IT' } });
      const html = await page.text();
      expect(page.status).to.equal(200);
      expect(html).to.include('href="/auth/signin?returnTo=%2F"').and.include('Accesso dimostrativo').and.not.include('persona');
      expect(html).to.include('src="/webchat/webchat.js"').and.not.include('cdn.botframework.com');
      const bundle = await fetch(`${app.baseUrl}/webchat/webchat.js`);
      expect(bundle.status).to.equal(200);
      expect(bundle.headers.get('content-type')).to.include('javascript');
      // Without a session nothing in the body names a user: a persona id proves nothing.
      expect((await tokenFor(app, { persona: 'nobody' })).status).to.equal(401);
      expect((await tokenFor(app, { user: { id: persona('persona-reseller-admin').oid } })).status).to.equal(401);
      // The sign-in page lists the personas; a signed-in persona gets a token bound to its oid.
      const { status, json } = await tokenFor(app, { persona: 'persona-reseller-admin' });
      expect(status).to.equal(200);
      expect(json.user).to.deep.equal({ id: persona('persona-reseller-admin').oid, name: 'Marco Rossi' });
    } finally {
      await app.stop();
    }
  });

  it('binds the user from the portal’s signed token; no demo sign-in then', async () => {
    const secret = 'portal-shared-secret-of-at-least-32-chars';
    const app = await startAssistant({ EMBED_JWT_SECRET: secret });
    const jwt = (claims: object, key = secret) => {
      const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
    };
    try {
      const exp = Math.floor(Date.now() / 1000) + 300;
      const good = await tokenFor(app, { userToken: jwt({ sub: 'alice', name: 'Alice', exp }) });
      expect(good.status).to.equal(200);
      expect(good.json.user).to.deep.equal({ id: 'web:alice', name: 'Alice' });
      expect((await tokenFor(app, { userToken: jwt({ sub: 'alice', exp }, 'another-secret-of-at-least-32-characters') })).status).to.equal(401);
      expect((await tokenFor(app, { userToken: jwt({ sub: 'alice', exp: exp - 600 }) })).status).to.equal(401);
      expect((await tokenFor(app, { persona: 'nobody-persona-reseller-admin' })).status).to.equal(401);
      expect((await fetch(`${app.baseUrl}/oidc/.well-known/openid-configuration`)).status, 'no demo provider outside demo mode').to.equal(404);
      expect(await (await fetch(`${app.baseUrl}/`)).text()).to.not.include('<select id="persona">');
    } finally {
      await app.stop();
    }
  });

  it('gives a portal user a tenant only where the operator trusts the portal for it (EMBED_TRUSTED_TENANTS)', async () => {
    const secret = 'portal-shared-secret-of-at-least-32-chars';
    const demoTenant = 'eeeeeeee-0000-4000-8000-000000000001';
    const app = await startAssistant({ EMBED_JWT_SECRET: secret, EMBED_TRUSTED_TENANTS: demoTenant.toUpperCase() });
    await seedReseller(app, { tenantId: demoTenant, name: 'Portal Reseller', admin: { userId: 'aad-portal-admin', name: 'Ada Admin' } });
    const jwt = (claims: object) => {
      const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
    };
    const statusOf = async (claims: object): Promise<string> => {
      const { json } = await tokenFor(app, { userToken: jwt({ exp: Math.floor(Date.now() / 1000) + 300, ...claims }) });
      const directLine = new DirectLine({ token: json.token, domain: json.domain, webSocket: true });
      const inbox = collect(directLine);
      try {
        await inbox.waitFor((a) => a.type === 'message' && a.from?.role === 'bot');
        await post(directLine, { type: 'message', text: 'status' });
        return JSON.stringify(await inbox.waitFor((a) => a.type === 'message' && a.from?.role === 'bot' && a.replyToId !== undefined));
      } finally {
        directLine.end();
      }
    };
    try {
      // Trusted for the reseller's tenant: its user is a member (no role yet) and sees the organization.
      expect(await statusOf({ sub: 'pia', name: 'Pia', tid: demoTenant })).to.include('Portal Reseller').and.include('Ada Admin');
      // Any other tenant the portal names counts for nothing.
      expect(await statusOf({ sub: 'rex', name: 'Rex', tid: '11111111-1111-4111-8111-111111111111' })).to.not.include('Contoso');
      const organizations = app.assistant.storage.namespace('organizations');
      const record = JSON.parse((await organizations.get(demoTenant))!).value;
      expect(record.members.map((m: { userId: string }) => m.userId)).to.include('web:pia').and.not.include('web:rex');
    } finally {
      await app.stop();
    }
  });

  it('binds the user from a portal token signed with RS256 keys published at a JWKS URL, checking issuer and audience', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'portal' }] }));
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(keys.address() as { port: number }).port}/jwks`;
    const app = await startAssistant({ EMBED_JWKS_URL: url, EMBED_JWT_ISSUER: 'https://portal.example', EMBED_JWT_AUDIENCE: 'csp-assistant' });
    const rs = (claims: object) => {
      const head = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'portal' })).toString('base64url');
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${head}.${body}.${createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url')}`;
    };
    try {
      const exp = Math.floor(Date.now() / 1000) + 300;
      const good = await tokenFor(app, { userToken: rs({ sub: 'bob', name: 'Bob', iss: 'https://portal.example', aud: 'csp-assistant', exp }) });
      expect(good.status).to.equal(200);
      expect(good.json.user).to.deep.equal({ id: 'web:bob', name: 'Bob' });
      expect((await tokenFor(app, { userToken: rs({ sub: 'bob', iss: 'https://other.example', aud: 'csp-assistant', exp }) })).status).to.equal(401);
      expect((await tokenFor(app, { userToken: rs({ sub: 'bob', iss: 'https://portal.example', aud: 'another-app', exp }) })).status).to.equal(401);
      expect((await tokenFor(app, { persona: 'nobody-persona-reseller-admin' })).status).to.equal(401);
      expect((await fetch(`${app.baseUrl}/oidc/.well-known/openid-configuration`)).status, 'no demo provider outside demo mode').to.equal(404);
    } finally {
      await app.stop();
      keys.close();
    }
  });

  it('exchanges DIRECT_LINE_SECRET for a token with the Azure channel, never giving the secret to the browser', async () => {
    const secret = 'azure-direct-line-secret-value';
    let seenAuth = '';
    const azure: Server = createServer((req, res) => {
      seenAuth = String(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ conversationId: 'azure-conv', token: 'azure-token', expires_in: 1800 }));
    });
    await new Promise<void>((resolve) => azure.listen(0, '127.0.0.1', resolve));
    const port = (azure.address() as { port: number }).port;
    const app = await startAssistant({ DIRECT_LINE_SECRET: secret, DIRECT_LINE_ENDPOINT: `http://127.0.0.1:${port}/v3/directline` });
    try {
      const { status, json } = await tokenFor(app, { persona: 'persona-reseller-admin' });
      expect(status).to.equal(200);
      expect(json).to.deep.include({ token: 'azure-token', conversationId: 'azure-conv' });
      expect(seenAuth).to.equal(`Bearer ${secret}`);
      expect(JSON.stringify(json)).to.not.include(secret);
      expect(await (await fetch(`${app.baseUrl}/`)).text()).to.not.include(secret);
      expect((await fetch(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST' })).status).to.equal(404);
    } finally {
      await app.stop();
      azure.close();
    }
  });
});
