import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import type { Clock } from '../../../src/app/ports.js';
import type { WebUser } from '../../../src/http/oidc/sign-in.js';
import { startAssistant, type RunningAssistant } from '../../support/assistant.js';
import { CLIENT_ID, ENTRA, EntraStandIn, routedTo, TENANT, USER, validClaims } from '../../support/entra-stand-in.js';
import { CookieClient } from '../../support/browser-client.js';
import { freePort } from '../../support/free-port.js';

describe('Sign-in against Entra ID (multi-tenant, through a local stand-in)', () => {
  const entra = new EntraStandIn();
  let now = new Date();
  const clock: Clock = { now: () => now };
  let run: RunningAssistant;

  before(async () => {
    await entra.start();
    run = await startAssistant(
      { OIDC_ISSUER: `${ENTRA}/organizations/v2.0`, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: 'client-secret-value', PAGE_RATE_PER_SECOND: '1000', PAGE_RATE_BURST: '1000' },
      { oidcFetch: routedTo(() => entra.base), clock },
    );
  });
  after(async () => {
    await run.stop();
    await entra.stop();
  });
  beforeEach(() => {
    now = new Date();
  });

  /** Starts a sign-in; returns the browser, the authorization request and a function that answers it with an ID token. */
  async function begin(query = 'returnTo=%2Fwebchat', headers: Record<string, string> = {}) {
    const browser = new CookieClient(run.baseUrl, headers);
    const res = await browser.request(`/auth/signin?${query}`);
    expect(res.status).to.equal(302);
    const authorize = new URL(res.headers.get('location')!);
    const state = authorize.searchParams.get('state')!;
    const nonce = authorize.searchParams.get('nonce')!;
    const answer = async (idToken: string | undefined) => {
      const code = randomUUID();
      if (idToken) entra.tokens.set(code, idToken);
      return browser.request(`/auth/callback?${new URLSearchParams({ code, state, session_state: randomUUID() })}`);
    };
    return { browser, authorize, state, nonce, answer };
  }

  async function sessionOf(browser: CookieClient): Promise<{ status: number; user?: WebUser }> {
    const res = await browser.request('/auth/session');
    return res.status === 200 ? { status: 200, user: (await res.json()) as WebUser } : { status: res.status };
  }

  it('sends the browser to Entra ID’s authorize endpoint with the registered redirect URI, scopes, state, nonce and PKCE', async () => {
    const { authorize } = await begin();
    expect(authorize.origin + authorize.pathname).to.equal(`${ENTRA}/organizations/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).to.include({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${run.baseUrl}/auth/callback`,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.has('prompt'), 'no demo-only prompt against Entra ID').to.equal(false);
  });

  it('signs in a global administrator: the tenant issuer is accepted, globalAdmin is true, PKCE verifier and secret reach the token endpoint', async () => {
    const { browser, nonce, answer } = await begin();
    const back = await answer(await entra.sign(validClaims(nonce)));
    expect(back.status).to.equal(302);
    expect(back.headers.get('location')).to.equal('/webchat');
    const request = entra.tokenRequests.at(-1)!;
    expect(request.get('code_verifier')).to.match(/^[A-Za-z0-9_-]{43,128}$/);
    expect(request.get('client_secret')).to.equal('client-secret-value');
    expect(request.get('redirect_uri')).to.equal(`${run.baseUrl}/auth/callback`);
    const { user } = await sessionOf(browser);
    expect(user).to.include({ userId: USER, tenantId: TENANT, name: 'Chiara Esposito', username: 'chiara@tailspin.example', globalAdmin: true, issuer: `${ENTRA}/${TENANT}/v2.0` });
  });

  it('signs in a user without the Global Administrator role with globalAdmin false', async () => {
    const { browser, nonce, answer } = await begin();
    await answer(await entra.sign(validClaims(nonce, { wids: ['b79fbf4d-3ef9-4689-8143-76b194e85509'] })));
    expect((await sessionOf(browser)).user).to.include({ userId: USER, globalAdmin: false });
  });

  it('signs in a user whose token has no wids at all with globalAdmin false', async () => {
    const { browser, nonce, answer } = await begin();
    await answer(await entra.sign(validClaims(nonce, { wids: undefined })));
    expect((await sessionOf(browser)).user).to.include({ userId: USER, globalAdmin: false });
  });

  const refused: [string, (nonce: string) => Promise<string>, string][] = [
    ['another tenant’s issuer', (nonce) => entra.sign(validClaims(nonce, { iss: `${ENTRA}/00000000-1111-4222-8333-444444444444/v2.0` })), 'The identity token was issued by an unexpected identity provider.'],
    ['a foreign issuer', (nonce) => entra.sign(validClaims(nonce, { iss: 'https://evil.example/v2.0' })), 'The identity token was issued by an unexpected identity provider.'],
    ['another application as audience', (nonce) => entra.sign(validClaims(nonce, { aud: 'another-app' })), 'The identity token was issued for another application.'],
    ['an expired token', (nonce) => entra.sign(validClaims(nonce, { iat: Math.floor(Date.now() / 1000) - 7200, nbf: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })), 'The identity token has expired.'],
    ['another attempt’s nonce', (_nonce) => entra.sign(validClaims('a-nonce-from-another-attempt')), 'The identity token does not belong to this sign-in attempt.'],
    ['no tid', (nonce) => entra.sign(validClaims(nonce, { tid: undefined })), 'The identity token does not say which organization (tenant) you belong to.'],
    ['no oid', (nonce) => entra.sign(validClaims(nonce, { oid: undefined })), 'The identity token does not identify the user.'],
    ['a forged signature', async (nonce) => entra.sign(validClaims(nonce), (await generateKeyPair('RS256')).privateKey), 'The identity token’s signature is not valid.'],
  ];
  for (const [what, token, reason] of refused) {
    it(`refuses a token with ${what}, says why, and creates no session`, async () => {
      const { browser, nonce, answer } = await begin();
      const res = await answer(await token(nonce));
      expect(res.status).to.equal(400);
      expect(res.headers.get('content-type')).to.include('text/html');
      const html = await res.text();
      expect(html).to.include('Sign-in failed').and.include(reason).and.include('>Try again</a>');
      expect(html).to.include('href="/auth/signin?returnTo=%2Fwebchat"');
      expect(browser.jar.has('csp_session')).to.equal(false);
      expect((await sessionOf(browser)).status).to.equal(401);
    });
  }

  it('says why in Italian when the browser prefers it', async () => {
    const { nonce, answer } = await begin('returnTo=%2F', { 'accept-language': 'it' });
    const res = await answer(await entra.sign(validClaims(nonce, { aud: 'another-app' })));
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.include('Accesso non riuscito').and.include('Il token di identità è stato emesso per un’altra applicazione.').and.include('>Riprova</a>');
  });

  it('refuses a code the token endpoint does not accept', async () => {
    const { browser, answer } = await begin();
    const res = await answer(undefined);
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('The identity provider refused the sign-in code.');
    expect(browser.jar.has('csp_session')).to.equal(false);
  });

  it('shows the error Entra ID sent back instead of a code', async () => {
    const { browser, state } = await begin();
    const res = await browser.request(`/auth/callback?${new URLSearchParams({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent.', state })}`);
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('The identity provider did not sign you in (access_denied).');
  });

  it('answers 503 with Retry-After when the token endpoint is down', async () => {
    const { nonce, answer } = await begin();
    entra.tokenEndpointDown = true;
    try {
      const res = await answer(await entra.sign(validClaims(nonce)));
      expect(res.status).to.equal(503);
      expect(res.headers.get('retry-after')).to.equal('30');
      expect(await res.text()).to.include('The identity provider cannot be reached right now.');
    } finally {
      entra.tokenEndpointDown = false;
    }
  });

  it('refuses the same callback twice', async () => {
    const { browser, nonce, state } = await begin();
    const attempt = browser.jar.get('csp_signin')!;
    const code = randomUUID();
    entra.tokens.set(code, await entra.sign(validClaims(nonce)));
    const callback = `/auth/callback?${new URLSearchParams({ code, state })}`;
    expect((await browser.request(callback)).status).to.equal(302);
    const replay = new CookieClient(run.baseUrl);
    replay.jar.set('csp_signin', attempt);
    entra.tokens.set(code, await entra.sign(validClaims(nonce)));
    const second = await replay.request(callback);
    expect(second.status).to.equal(400);
    expect(await second.text()).to.include('This sign-in attempt is unknown, expired or already used.');
    expect(replay.jar.has('csp_session')).to.equal(false);
  });

  it('refuses a sign-in attempt older than ten minutes', async () => {
    const { nonce, answer } = await begin();
    now = new Date(Date.now() + 11 * 60_000);
    const res = await answer(await entra.sign(validClaims(nonce)));
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('This sign-in attempt is unknown, expired or already used.');
  });

  it('removes abandoned sign-in attempts from the store', async () => {
    const attempts = run.assistant.storage.namespace('signin-attempts');
    const abandoned = await begin();
    expect(await attempts.get(abandoned.state)).to.be.a('string');
    now = new Date(Date.now() + 11 * 60_000);
    const next = await begin();
    for (let i = 0; i < 50 && (await attempts.get(abandoned.state)) !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await attempts.get(abandoned.state)).to.equal(undefined);
    expect(await attempts.get(next.state)).to.be.a('string');
  });

  it('ends the web session after eight hours', async () => {
    const { browser, nonce, answer } = await begin();
    await answer(await entra.sign(validClaims(nonce)));
    now = new Date(Date.now() + 7.9 * 3_600_000);
    expect((await sessionOf(browser)).status).to.equal(200);
    now = new Date(Date.now() + 8.1 * 3_600_000);
    expect((await sessionOf(browser)).status).to.equal(401);
  });

  it('hands the bind value and the verified identity to the registered callback', async () => {
    const seen: [string, string, boolean, string | undefined][] = [];
    run.assistant.signIn.onSignedIn(async (user, bind) => {
      seen.push([user.userId, user.tenantId, user.globalAdmin, bind]);
    });
    const { nonce, answer } = await begin(new URLSearchParams({ bind: 'portal-user:7f3a', returnTo: '/webchat' }).toString());
    const res = await answer(await entra.sign(validClaims(nonce)));
    expect(res.headers.get('location')).to.equal('/webchat');
    expect(seen).to.deep.equal([[USER, TENANT, true, 'portal-user:7f3a']]);
  });
});

describe('Sign-in when Entra ID cannot be reached', () => {
  let run: RunningAssistant;
  before(async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    run = await startAssistant({ OIDC_ISSUER: `${ENTRA}/organizations/v2.0`, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: 'secret' }, { oidcFetch: routedTo(() => closed) });
  });
  after(async () => run.stop());

  it('answers 503 with Retry-After and a page that offers to try again, never a 500', async () => {
    const res = await fetch(`${run.baseUrl}/auth/signin?returnTo=%2Fwebchat`, { redirect: 'manual' });
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('30');
    const html = await res.text();
    expect(html).to.include('Sign-in is unavailable').and.include('The identity provider cannot be reached right now.').and.include('href="/auth/signin?returnTo=%2Fwebchat"');
    expect(html).to.not.match(/TypeError|fetch failed|at .*\.js/);
  });
});

describe('Sign-in behind an https public address', () => {
  const entra = new EntraStandIn();
  let run: RunningAssistant;
  before(async () => {
    await entra.start();
    run = await startAssistant(
      { PUBLIC_BASE_URL: 'https://assistant.contoso.example', OIDC_ISSUER: `${ENTRA}/organizations/v2.0`, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: 'secret' },
      { oidcFetch: routedTo(() => entra.base) },
    );
  });
  after(async () => {
    await run.stop();
    await entra.stop();
  });

  it('marks its cookies Secure and registers the https callback', async () => {
    const res = await fetch(`${run.baseUrl}/auth/signin`, { redirect: 'manual' });
    expect(res.status).to.equal(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).to.equal('https://assistant.contoso.example/auth/callback');
    expect(res.headers.getSetCookie().find((c) => c.startsWith('csp_signin='))).to.include('Secure').and.include('HttpOnly');
  });
});

describe('Sign-in with no identity provider and no demo mode', () => {
  let run: RunningAssistant;
  before(async () => {
    run = await startAssistant({ EMBED_JWT_SECRET: 'e'.repeat(32) });
  });
  after(async () => run.stop());

  it('says sign-in is not set up, serves no embedded provider, and knows no session', async () => {
    const res = await fetch(`${run.baseUrl}/auth/signin`, { redirect: 'manual' });
    expect(res.status).to.equal(404);
    expect(await res.text()).to.include('Sign-in is not set up on this server.');
    expect((await fetch(`${run.baseUrl}/oidc/.well-known/openid-configuration`)).status).to.equal(404);
    expect((await fetch(`${run.baseUrl}/auth/session`)).status).to.equal(401);
  });
});
