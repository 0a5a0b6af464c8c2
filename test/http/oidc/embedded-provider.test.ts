import { expect } from 'chai';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import type { StorageBackend } from '../../../src/storage/cas-store.js';
import { openStorage } from '../../../src/storage/open-storage.js';
import { GLOBAL_ADMIN_ROLE, type WebUser } from '../../../src/http/oidc/sign-in.js';
import { seedDir } from '../../../src/paths.js';
import { readPersonas } from '../../../src/storage/demo-personas.js';
import { startAssistant, type RunningAssistant } from '../../support/assistant.js';
import { CookieClient } from '../../support/browser-client.js';
import { choose, openLoginPage } from '../../support/demo-sign-in.js';

const seed = readPersonas(join(seedDir, 'personas.json'));
const persona = (name: string) => seed.personas.find((p) => p.name === name)!;

async function signInAs(browser: CookieClient, name: string, query?: string): Promise<Response> {
  const { action } = await openLoginPage(browser, query);
  return choose(browser, action, persona(name).oid);
}

describe('Sign-in against the embedded OpenID provider (demo mode)', () => {
  let run: RunningAssistant;
  before(async () => {
    // Many sign-ins from one address in a second: lift the per-address page rate limit.
    run = await startAssistant({ PAGE_RATE_PER_SECOND: '1000', PAGE_RATE_BURST: '1000' });
  });
  after(async () => run.stop());

  it('publishes a discovery document at /oidc with RS256 keys and the code flow with PKCE', async () => {
    const res = await fetch(`${run.baseUrl}/oidc/.well-known/openid-configuration`);
    expect(res.status).to.equal(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).to.equal(`${run.baseUrl}/oidc`);
    expect(doc.token_endpoint).to.equal(`${run.baseUrl}/oidc/token`);
    expect(doc.code_challenge_methods_supported).to.include('S256');
    const jwks = (await (await fetch(String(doc.jwks_uri))).json()) as { keys: { alg: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.alg)).to.deep.equal(['RS256']);
    expect(jwks.keys[0].d, 'no private part published').to.equal(undefined);
  });

  it('sends the browser to the provider with state, nonce and an S256 PKCE challenge, and binds the attempt to the browser', async () => {
    const browser = new CookieClient(run.baseUrl);
    const res = await browser.request('/auth/signin?returnTo=%2Fwebchat');
    expect(res.status).to.equal(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).to.equal(`${run.baseUrl}/oidc/auth`);
    expect(location.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(location.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).to.have.length.greaterThan(20);
    expect(location.searchParams.get('nonce')).to.have.length.greaterThan(20);
    expect(location.searchParams.get('redirect_uri')).to.equal(`${run.baseUrl}/auth/callback`);
    expect(location.searchParams.get('scope')).to.equal('openid profile email');
    const attemptCookie = browser.lastSetCookies.find((c) => c.startsWith('csp_signin='))!;
    expect(attemptCookie).to.include('HttpOnly').and.include('SameSite=Lax').and.not.include('Secure');
    expect(attemptCookie).to.include(`csp_signin=${location.searchParams.get('state')}`);
  });

  it('shows the personas as buttons with name, organization and role, in a page with the usual security headers', async () => {
    const { html, res } = await openLoginPage(new CookieClient(run.baseUrl));
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-security-policy')).to.include("default-src 'none'").and.include("form-action 'self'");
    expect(res.headers.get('x-frame-options')).to.equal('DENY');
    for (const p of seed.personas) {
      expect(html).to.include(`<button type="submit" name="persona" value="${p.oid}"`);
      expect(html).to.include(`<strong>${p.name}</strong>`);
      expect(html).to.include(p.organization);
    }
    expect(html).to.include('Demo Reseller S.r.l. — Admin agent · Global administrator');
    expect(html).to.include('Demo Reseller S.r.l. — sales agent · no directory role');
    expect(html).to.include('<legend');
  });

  it('speaks Italian on the login page when the browser prefers it', async () => {
    const { html } = await openLoginPage(new CookieClient(run.baseUrl, { 'accept-language': 'it-IT,it;q=0.9,en;q=0.5' }));
    expect(html).to.include('<html lang="it">');
    expect(html).to.include('Accesso dimostrativo');
    expect(html).to.include('Amministratore globale');
  });

  const expected: [string, boolean][] = [
    ['Giulia Bianchi', true],
    ['Marco Rossi', true],
    ['Sara Verdi', false],
    ['Anna Weber', true],
    ['Luca Ferri', false],
  ];
  for (const [name, globalAdmin] of expected) {
    it(`signs ${name} in with the persona's oid, tid and globalAdmin ${globalAdmin}, then goes back to returnTo`, async () => {
      const browser = new CookieClient(run.baseUrl);
      const back = await signInAs(browser, name);
      expect(back.status).to.equal(302);
      expect(back.headers.get('location')).to.equal('/webchat');
      const sessionCookie = browser.lastSetCookies.find((c) => c.startsWith('csp_session='))!;
      expect(sessionCookie).to.include('HttpOnly').and.include('SameSite=Lax').and.include('Path=/').and.include('Max-Age=28800');

      const res = await browser.request('/auth/session');
      expect(res.status).to.equal(200);
      const user = (await res.json()) as WebUser;
      const p = persona(name);
      expect(user).to.include({ userId: p.oid, tenantId: p.tid, name: p.name, username: p.username, globalAdmin, issuer: `${run.baseUrl}/oidc` });
      expect(p.wids.includes(GLOBAL_ADMIN_ROLE)).to.equal(globalAdmin);
      expect(Object.keys(user).sort()).to.deep.equal(['globalAdmin', 'issuer', 'name', 'signedInAt', 'tenantId', 'userId', 'username']);
    });
  }

  it('gives the rest of the server the signed-in user of a request and the bind value of the round trip', async () => {
    const seen: [WebUser, string | undefined][] = [];
    run.assistant.signIn.onSignedIn(async (user, bind) => {
      seen.push([user, bind]);
    });
    const browser = new CookieClient(run.baseUrl);
    const back = await signInAs(browser, 'Marco Rossi', 'bind=chat-user-42.opaque');
    expect(back.headers.get('location')).to.equal('/');
    expect(seen.map(([u, b]) => [u.userId, u.tenantId, b])).to.deep.equal([[persona('Marco Rossi').oid, seed.organization.tenantId, 'chat-user-42.opaque']]);
    const user = await run.assistant.signIn.sessionOf({ header: (n: string) => (n === 'cookie' ? `csp_session=${browser.jar.get('csp_session')}` : undefined) } as never);
    expect(user?.userId).to.equal(persona('Marco Rossi').oid);
  });

  it('asks for a persona again at the next sign-in, so one can switch person', async () => {
    const browser = new CookieClient(run.baseUrl);
    await signInAs(browser, 'Giulia Bianchi');
    await signInAs(browser, 'Sara Verdi');
    const user = (await (await browser.request('/auth/session')).json()) as WebUser;
    expect(user.name).to.equal('Sara Verdi');
    expect(user.globalAdmin).to.equal(false);
  });

  it('signs out: the session answers 401 afterwards, even with the old cookie', async () => {
    const browser = new CookieClient(run.baseUrl);
    await signInAs(browser, 'Anna Weber');
    const cookie = browser.jar.get('csp_session')!;
    const out = await browser.request('/auth/signout', { method: 'POST' });
    expect(out.status).to.equal(204);
    expect(browser.jar.has('csp_session')).to.equal(false);
    const res = await fetch(`${run.baseUrl}/auth/session`, { headers: { cookie: `csp_session=${cookie}` } });
    expect(res.status).to.equal(401);
    expect(await res.json()).to.deep.equal({ code: 'Unauthorized', message: 'Not signed in.' });
  });

  for (const returnTo of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', 'evil.example']) {
    it(`goes back to / instead of the open redirect ${JSON.stringify(returnTo)}`, async () => {
      const browser = new CookieClient(run.baseUrl);
      const back = await signInAs(browser, 'Sara Verdi', new URLSearchParams({ returnTo }).toString());
      expect(back.status).to.equal(302);
      expect(back.headers.get('location')).to.equal('/');
    });
  }

  it('keeps a local returnTo with its query', async () => {
    const back = await signInAs(new CookieClient(run.baseUrl), 'Sara Verdi', new URLSearchParams({ returnTo: '/webchat?lang=it' }).toString());
    expect(back.headers.get('location')).to.equal('/webchat?lang=it');
  });

  it('refuses a replayed callback and creates no second session', async () => {
    const browser = new CookieClient(run.baseUrl);
    const { action } = await openLoginPage(browser);
    const attempt = browser.jar.get('csp_signin')!;
    const toCallback = await browser.follow(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `persona=${persona('Giulia Bianchi').oid}` }, '/oidc/auth/');
    const callback = new URL(toCallback.headers.get('location')!);
    expect(callback.pathname).to.equal('/auth/callback');
    const first = await browser.request(callback.pathname + callback.search);
    expect(first.status).to.equal(302);

    const replay = new CookieClient(run.baseUrl);
    replay.jar.set('csp_signin', attempt);
    const second = await replay.request(callback.pathname + callback.search);
    expect(second.status).to.equal(400);
    expect(await second.text()).to.include('This sign-in attempt is unknown, expired or already used.');
    expect(replay.jar.has('csp_session')).to.equal(false);
  });

  it('refuses a callback from a browser that did not start the sign-in (login CSRF)', async () => {
    const victim = new CookieClient(run.baseUrl);
    const attacker = new CookieClient(run.baseUrl);
    const { action } = await openLoginPage(attacker);
    const toCallback = await attacker.follow(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `persona=${persona('Luca Ferri').oid}` }, '/oidc/auth/');
    const callback = new URL(toCallback.headers.get('location')!);
    const res = await victim.request(callback.pathname + callback.search);
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.include('Sign-in failed').and.include('Try again').and.include('href="/auth/signin?returnTo=%2F"');
    expect(victim.jar.has('csp_session')).to.equal(false);
  });

  it('refuses an unknown persona on the login form with a page, not a sign-in', async () => {
    const browser = new CookieClient(run.baseUrl);
    const { action } = await openLoginPage(browser);
    const res = await browser.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'persona=00000000-0000-4000-8000-000000000000' });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('does not identify the user');
  });

  it('shows an expired page for a login form without its interaction cookie', async () => {
    const { action } = await openLoginPage(new CookieClient(run.baseUrl));
    const res = await new CookieClient(run.baseUrl).request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `persona=${persona('Sara Verdi').oid}` });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('This sign-in page has expired.');
  });

  it('answers a bad authorization request on its own page, without a stack trace', async () => {
    const res = await fetch(`${run.baseUrl}/oidc/auth?client_id=someone-else&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcb`, { redirect: 'manual' });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.include('The demo identity provider could not complete the request').and.not.match(/at .*\.js:\d+/);
    expect(res.headers.get('content-security-policy')).to.include("default-src 'none'");
  });

  it('refuses the token endpoint without the client secret', async () => {
    const res = await fetch(`${run.baseUrl}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=x&client_id=csp-partner-assistant&client_secret=wrong&redirect_uri=x',
    });
    expect(res.status).to.equal(401);
    expect(((await res.json()) as { error: string }).error).to.equal('invalid_client');
  });

  it('answers /auth/session with 401 when no one is signed in', async () => {
    const res = await fetch(`${run.baseUrl}/auth/session`);
    expect(res.status).to.equal(401);
  });
});

describe('Sign-in when the store fails', () => {
  let run: RunningAssistant;
  before(async () => {
    const real = await openStorage('memory:');
    const failing = new Set(['signin-attempts', 'web-sessions']);
    const broken = (): never => {
      throw new Error('store offline');
    };
    const storage: StorageBackend = {
      kind: real.kind,
      namespace: (name) => (failing.has(name) ? { get: async () => broken(), compareAndSet: async () => broken(), entries: () => broken() } : real.namespace(name)),
      ping: () => real.ping(),
      close: () => real.close(),
    };
    run = await startAssistant({}, { storage });
  });
  after(async () => run.stop());

  it('answers the sign-in with a 503 page, not a 500 or the error', async () => {
    const res = await fetch(`${run.baseUrl}/auth/signin`, { redirect: 'manual' });
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('30');
    const html = await res.text();
    expect(html).to.include('because of a problem on this server').and.not.include('store offline');
  });

  it('answers /auth/session with 503, not 401 as if no one were signed in', async () => {
    const res = await fetch(`${run.baseUrl}/auth/session`, { headers: { cookie: 'csp_session=abc' } });
    expect(res.status).to.equal(503);
    expect(((await res.json()) as { code: string }).code).to.equal('ServiceUnavailable');
  });
});

describe('Demo mode', () => {
  const loopback = { HOST: '127.0.0.1', PUBLIC_BASE_URL: 'http://localhost:3978' };
  it('is on with no credentials, the server and its public address on loopback', () => {
    expect(loadConfig(loopback).demoMode).to.equal(true);
    expect(loadConfig(loopback).demoSignIn).to.equal(true);
    expect(loadConfig({}).demoMode).to.equal(true);
  });

  const off: [string, Record<string, string>][] = [
    ['a Bot Framework app id', { MicrosoftAppId: '00000000-0000-0000-0000-000000000001' }],
    ['an OpenID issuer', { OIDC_ISSUER: 'https://login.microsoftonline.com/organizations/v2.0', OIDC_CLIENT_ID: 'client' }],
    ['an embed JWT secret', { EMBED_JWT_SECRET: 'x'.repeat(32) }],
    ['an embed JWKS', { EMBED_JWKS_URL: 'https://portal.example/jwks' }],
    ['HOST on every interface', { HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' }],
    ['a public address elsewhere', { PUBLIC_BASE_URL: 'https://assistant.contoso.example' }],
  ];
  for (const [what, env] of off) {
    it(`is off with ${what}`, () => {
      const config = loadConfig({ ...loopback, ...env });
      expect(config.demoMode).to.equal(false);
      expect(config.demoSignIn).to.equal(false);
    });
  }

  it('reads the OpenID client settings, with openid profile email as default scopes', () => {
    const config = loadConfig({ OIDC_ISSUER: 'https://login.microsoftonline.com/organizations/v2.0/', OIDC_CLIENT_ID: 'app', OIDC_CLIENT_SECRET: 's3cret' });
    expect(config.oidc).to.deep.equal({ issuer: 'https://login.microsoftonline.com/organizations/v2.0', clientId: 'app', clientSecret: 's3cret', scopes: 'openid profile email' });
  });

  it('stops on an issuer without a client id, and on scopes without openid', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://login.microsoftonline.com/organizations/v2.0' })).to.throw(/OIDC_CLIENT_ID is required/);
    expect(() => loadConfig({ OIDC_SCOPES: 'profile email' })).to.throw(/OIDC_SCOPES must include openid/);
    expect(() => loadConfig({ OIDC_ISSUER: 'http://idp.example/', OIDC_CLIENT_ID: 'app' })).to.throw(/OIDC_ISSUER must use https/);
    expect(loadConfig({ OIDC_ISSUER: 'http://127.0.0.1:8080/realms/test', OIDC_CLIENT_ID: 'app' }).oidc?.issuer).to.equal('http://127.0.0.1:8080/realms/test');
  });
});
