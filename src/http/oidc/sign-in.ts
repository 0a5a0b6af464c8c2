import { createHash, randomBytes } from 'node:crypto';
import type * as client from 'openid-client';
import type { Request, RequestHandler, Response, Server } from 'restify';
import type { Clock, RecordStore } from '../../app/ports.js';
import { isLoopback } from '../../config.js';
import { translate, type Catalog, type Locale } from '../../i18n/catalog.js';
import type { Logger } from '../../log.js';
import { escapeHtml, pageLocale, sendPage } from '../pages.js';
import { sendError } from '../server.js';

/** Entra ID's role template id of the Global Administrator directory role (in the `wids` claim). */
export const GLOBAL_ADMIN_ROLE = '62e90394-69f5-4237-9190-012177145e10';

/** A user signed in to the web chat through OpenID Connect: only claims of a verified ID token. */
export interface WebUser {
  /** The user's object id (`oid`). */
  readonly userId: string;
  /** The user's Entra tenant (`tid`). */
  readonly tenantId: string;
  readonly name: string;
  /** `preferred_username` (usually the sign-in e-mail address). */
  readonly username: string;
  /** Whether `wids` holds the Global Administrator role template. */
  readonly globalAdmin: boolean;
  /** The `iss` of the ID token. */
  readonly issuer: string;
  /** ISO time of the sign-in. */
  readonly signedInAt: string;
}

/** A web session as stored: the user and when the session ends. */
export interface WebSession extends WebUser {
  readonly expiresAt: string;
}

/** The per-attempt secrets of one sign-in round trip, kept on the server under its `state`. */
export interface SignInAttempt {
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly bind?: string;
  readonly expiresAt: string;
}

/** Called after each successful sign-in, with the opaque `bind` value the round trip carried, if any. */
export type SignedInHandler = (user: WebUser, bind: string | undefined) => Promise<void>;

/** What the rest of the server uses: the signed-in user of a request, and a hook on each sign-in. */
export interface WebSignIn {
  /** The signed-in user of this request (its `csp_session` cookie), or undefined. */
  sessionOf(req: Request): Promise<WebUser | undefined>;
  /** Registers a handler run after each verified sign-in, before the browser is sent back. */
  onSignedIn(handler: SignedInHandler): void;
}

/** How the sign-in client reaches its OpenID provider and where it keeps attempts and sessions. */
export interface SignInOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** The secret, or how to get it when the provider makes it on first use (the embedded one). */
  readonly clientSecret?: string | (() => Promise<string>);
  readonly scopes: string;
  readonly publicBaseUrl: string;
  readonly sessions: RecordStore<WebSession>;
  readonly attempts: RecordStore<SignInAttempt>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultLocale: Locale;
  /** Hours a web session lasts (8 by default). */
  readonly sessionHours?: number;
  /** Extra authorization request parameters (the embedded provider gets `prompt=login`, so a persona can be chosen each time). */
  readonly authParams?: Readonly<Record<string, string>>;
  /** Replaces fetch for every call to the provider (tests route Entra ID's addresses to a stand-in). */
  readonly fetch?: client.CustomFetch;
  /** Rate limit on starting a sign-in (each start stores an attempt). */
  readonly throttle?: RequestHandler;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'csp_session';
const ATTEMPT_COOKIE = 'csp_signin';
const ATTEMPT_MINUTES = 10;
const MAX_BIND_LENGTH = 2048;
const RETRY_AFTER_SECONDS = 30;
const SWEEP_EVERY_MS = 5 * 60_000;

type Reason = keyof Catalog['signin']['reasons'];

/** A refused sign-in: the status, the catalog key of the reason and its parameters. */
interface Refusal {
  readonly status: 400 | 503;
  readonly reason: Reason;
  readonly params?: Record<string, string>;
}

/** openid-client, loaded by the first sign-in: a start does not need it (it and oauth4webapi are 35 ms of loading). */
let openidClient: Promise<typeof client> | undefined;
const loadClient = () => (openidClient ??= import('openid-client'));

/** What signs a user in: openid-client and the provider's discovered configuration. */
interface Discovered {
  readonly client: typeof client;
  readonly config: client.Configuration;
}

/**
 * The web chat's OpenID Connect client (authorization code + PKCE with openid-client): the
 * `/auth/*` routes, server-side sign-in attempts and web sessions. The same code signs users in
 * against Microsoft Entra ID and against the embedded demo provider.
 */
export class OidcSignIn implements WebSignIn {
  private configuration?: Promise<Discovered>;
  private readonly handlers: SignedInHandler[] = [];
  private readonly redirectUri: string;
  private readonly secureCookies: boolean;
  private lastSweep = 0;

  constructor(private readonly options: SignInOptions) {
    this.redirectUri = `${options.publicBaseUrl}/auth/callback`;
    this.secureCookies = options.publicBaseUrl.startsWith('https://');
  }

  onSignedIn(handler: SignedInHandler): void {
    this.handlers.push(handler);
  }

  async sessionOf(req: Request): Promise<WebUser | undefined> {
    const id = cookies(req).get(SESSION_COOKIE);
    if (!id) return undefined;
    const key = sessionKey(id);
    const record = await this.options.sessions.get(key);
    if (!record) return undefined;
    if (Date.parse(record.value.expiresAt) <= this.options.clock.now().getTime()) {
      await this.options.sessions.delete(key, record.version);
      return undefined;
    }
    const { expiresAt: _expiresAt, ...user } = record.value;
    return user;
  }

  /** Adds the `/auth/*` routes to the server. */
  routes(server: Server): void {
    const start = async (req: Request, res: Response) => this.guarded(req, res, () => this.start(req, res));
    if (this.options.throttle) server.get('/auth/signin', this.options.throttle, start);
    else server.get('/auth/signin', start);
    server.get('/auth/callback', async (req: Request, res: Response) => this.guarded(req, res, () => this.callback(req, res)));
    server.get('/auth/session', async (req: Request, res: Response) => {
      const user = await this.sessionOf(req).catch((error: unknown) => error as Error);
      if (user instanceof Error) {
        this.options.log.error({ err: user }, 'web session could not be read');
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        return sendError(res, 503, 'ServiceUnavailable', 'The session store is not available; try again shortly.');
      }
      if (!user) return sendError(res, 401, 'Unauthorized', 'Not signed in.');
      res.header('Cache-Control', 'no-store');
      res.json(user);
    });
    server.post('/auth/signout', async (req: Request, res: Response) => {
      const id = cookies(req).get(SESSION_COOKIE);
      if (id) {
        const record = await this.options.sessions.get(sessionKey(id));
        if (record) await this.options.sessions.delete(sessionKey(id), record.version);
      }
      res.setHeader('Set-Cookie', this.cookie(SESSION_COOKIE, '', 0, '/'));
      res.status(204);
      res.end();
    });
  }

  /** Runs a page flow; a failure of the store or of this code becomes a 503 page, never a 500 with internals. */
  private async guarded(req: Request, res: Response, flow: () => Promise<void>): Promise<void> {
    try {
      await flow();
    } catch (error) {
      this.options.log.error({ err: error, path: req.path() }, 'sign-in failed unexpectedly');
      if (!res.headersSent) this.refuse(res, pageLocale(req, this.options.defaultLocale), { status: 503, reason: 'failed' }, '/');
    }
  }

  private async start(req: Request, res: Response): Promise<void> {
    const locale = pageLocale(req, this.options.defaultLocale);
    const returnTo = safeReturnTo(req.query?.returnTo);
    const bind = typeof req.query?.bind === 'string' && req.query.bind.length <= MAX_BIND_LENGTH ? req.query.bind : undefined;
    const discovered = await this.config().catch((error: unknown) => error as Error);
    if (discovered instanceof Error) return this.refuse(res, locale, unreachable(this.options.log, discovered), returnTo, bind);
    const { client, config } = discovered;

    const state = client.randomState();
    const attempt: SignInAttempt = {
      codeVerifier: client.randomPKCECodeVerifier(),
      nonce: client.randomNonce(),
      returnTo,
      ...(bind ? { bind } : {}),
      expiresAt: new Date(this.options.clock.now().getTime() + ATTEMPT_MINUTES * 60_000).toISOString(),
    };
    await this.options.attempts.compareAndSet(state, 0, attempt);
    this.sweepNowAndThen();
    const url = client.buildAuthorizationUrl(config, {
      ...this.options.authParams,
      redirect_uri: this.redirectUri,
      scope: this.options.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(attempt.codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce: attempt.nonce,
    });
    // The state is also bound to this browser, so a callback started elsewhere (login CSRF) fails.
    res.setHeader('Set-Cookie', this.cookie(ATTEMPT_COOKIE, state, ATTEMPT_MINUTES * 60, '/auth'));
    redirect(res, url.href);
  }

  private async callback(req: Request, res: Response): Promise<void> {
    const locale = pageLocale(req, this.options.defaultLocale);
    res.setHeader('Set-Cookie', this.cookie(ATTEMPT_COOKIE, '', 0, '/auth'));
    const query = new URL(req.url ?? '/', 'http://callback.invalid').searchParams;
    const state = query.get('state') ?? '';
    const attempt = state && state === cookies(req).get(ATTEMPT_COOKIE) ? await this.takeAttempt(state) : undefined;
    if (!attempt) return this.refuse(res, locale, { status: 400, reason: 'badState' }, '/');

    const discovered = await this.config().catch((error: unknown) => error as Error);
    if (discovered instanceof Error) return this.refuse(res, locale, unreachable(this.options.log, discovered), attempt.returnTo, attempt.bind);
    const { client, config } = discovered;

    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(`${this.redirectUri}?${query}`), {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      const refusal = classify(error, this.options.log, client);
      return this.refuse(res, locale, refusal, attempt.returnTo, attempt.bind);
    }
    const identity = identityOf(claims, this.options.clock.now());
    if ('reason' in identity) {
      this.options.log.info({ reason: identity.reason, issuer: claims?.iss }, 'sign-in refused');
      return this.refuse(res, locale, { status: 400, reason: identity.reason }, attempt.returnTo, attempt.bind);
    }
    try {
      for (const handler of this.handlers) await handler(identity, attempt.bind);
      const id = randomBytes(32).toString('base64url');
      const hours = this.options.sessionHours ?? 8;
      const expiresAt = new Date(this.options.clock.now().getTime() + hours * 3_600_000).toISOString();
      await this.options.sessions.compareAndSet(sessionKey(id), 0, { ...identity, expiresAt });
      res.setHeader('Set-Cookie', [this.cookie(ATTEMPT_COOKIE, '', 0, '/auth'), this.cookie(SESSION_COOKIE, id, hours * 3600, '/')]);
    } catch (error) {
      this.options.log.error({ err: error }, 'sign-in verified but not recorded');
      return this.refuse(res, locale, { status: 503, reason: 'notFinished' }, attempt.returnTo, attempt.bind);
    }
    this.options.log.info({ userId: identity.userId, tenantId: identity.tenantId, globalAdmin: identity.globalAdmin }, 'signed in');
    redirect(res, attempt.returnTo);
  }

  /** Removes the attempt so that a state works once; undefined when unknown, expired or taken by a concurrent callback. */
  private async takeAttempt(state: string): Promise<SignInAttempt | undefined> {
    const record = await this.options.attempts.get(state);
    if (!record || !(await this.options.attempts.delete(state, record.version))) return undefined;
    return Date.parse(record.value.expiresAt) > this.options.clock.now().getTime() ? record.value : undefined;
  }

  /** Removes abandoned attempts and ended sessions, at most every five minutes, without holding up the request. */
  private sweepNowAndThen(): void {
    const now = this.options.clock.now().getTime();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    const sweep = async <T extends { expiresAt: string }>(store: RecordStore<T>) => {
      for await (const record of store.list()) {
        if (Date.parse(record.value.expiresAt) <= now) await store.delete(record.id, record.version);
      }
    };
    Promise.all([sweep(this.options.attempts), sweep(this.options.sessions)]).catch((error: unknown) =>
      this.options.log.warn({ err: error }, 'sweeping expired sign-in records failed'),
    );
  }

  /** The provider's discovered configuration, fetched once; a failure is not kept, so the next request tries again. */
  private config(): Promise<Discovered> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  private async discover(): Promise<Discovered> {
    const client = await loadClient();
    const issuer = new URL(this.options.issuer);
    // openid-client refuses plain http; only the embedded provider on this computer uses it.
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
    const secret = this.options.clientSecret;
    const config = await client.discovery(issuer, this.options.clientId, typeof secret === 'function' ? await secret() : secret, undefined, {
      // Also verify the ID token's signature against the provider's keys, not only TLS.
      execute: [client.enableNonRepudiationChecks, ...(insecure ? [client.allowInsecureRequests] : [])],
      timeout: 10,
      ...(this.options.fetch ? { [client.customFetch]: this.options.fetch } : {}),
    });
    return { client, config };
  }

  private refuse(res: Response, locale: Locale, refusal: Refusal, returnTo: string, bind?: string): void {
    const t = (key: string, params?: Record<string, string>) => translate(locale, `signin.${key}`, params);
    const again = `/auth/signin?${new URLSearchParams({ returnTo, ...(bind ? { bind } : {}) })}`;
    if (refusal.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    sendPage(
      res,
      refusal.status,
      locale,
      t(refusal.status === 503 ? 'unavailableTitle' : 'failedTitle'),
      `<p id="reason">${escapeHtml(t(`reasons.${refusal.reason}`, refusal.params))}</p>\n<p><a href="${escapeHtml(again)}">${escapeHtml(t('tryAgain'))}</a></p>`,
    );
  }

  private cookie(name: string, value: string, maxAgeSeconds: number, path: string): string {
    return [`${name}=${value}`, `Path=${path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(this.secureCookies ? ['Secure'] : [])].join('; ');
  }
}

/** Builds the sign-in routes for the server's route list. */
export function signInRoutes(signIn: OidcSignIn) {
  return (server: Server): void => signIn.routes(server);
}

/** A local path to go back to after sign-in: one leading `/`, no scheme, no `//` or `/\`; anything else is `/`. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!/^\/(?![/\\])/.test(value) || /[\u0000-\u001f\\]/.test(value)) return '/';
  return value;
}

/** The web user of a verified ID token's claims, or the reason it cannot sign in. */
function identityOf(claims: client.IDToken | undefined, now: Date): WebUser | { reason: Reason } {
  if (!claims) return { reason: 'tokenRefused' };
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const userId = text(claims.oid);
  const tenantId = text(claims.tid);
  if (!tenantId) return { reason: 'missingTenant' };
  if (!userId) return { reason: 'missingUser' };
  const username = text(claims.preferred_username) ?? text(claims.email) ?? '';
  const wids = Array.isArray(claims.wids) ? claims.wids.filter((w): w is string => typeof w === 'string') : [];
  return {
    userId,
    tenantId,
    name: text(claims.name) ?? (username || userId),
    username,
    globalAdmin: wids.includes(GLOBAL_ADMIN_ROLE),
    issuer: claims.iss,
    signedInAt: now.toISOString(),
  };
}

/** Maps what openid-client threw to a refusal with a clear reason. */
function classify(error: unknown, log: Logger, openid: typeof client): Refusal {
  if (error instanceof openid.AuthorizationResponseError) {
    log.info({ error: error.error, description: error.error_description }, 'identity provider returned an error');
    return { status: 400, reason: 'providerRefused', params: { error: error.error } };
  }
  if (error instanceof openid.ResponseBodyError) {
    log.info({ error: error.error, status: error.status }, 'token endpoint refused the code');
    return error.status >= 500 ? unreachable(log, error) : { status: 400, reason: 'codeRefused' };
  }
  const code = (error as { code?: string }).code;
  const detail = (error as { cause?: { message?: string; cause?: { claim?: string; claims?: Record<string, unknown> } } }).cause;
  if (isNetworkFailure(error) || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') return unreachable(log, error);
  log.info({ code, reason: detail?.message ?? (error as Error).message }, 'ID token refused');
  switch (code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED': {
      const claim = detail?.cause?.claim;
      // Entra ID's multi-tenant issuer is the template with the token's tid: without tid it cannot match.
      if (claim === 'iss' && detail?.cause?.claims && typeof detail.cause.claims.tid !== 'string') return { status: 400, reason: 'missingTenant' };
      if (claim === 'iss') return { status: 400, reason: 'wrongIssuer' };
      if (claim === 'aud' || claim === 'azp') return { status: 400, reason: 'wrongAudience' };
      if (claim === 'nonce') return { status: 400, reason: 'wrongNonce' };
      return { status: 400, reason: 'tokenRefused' };
    }
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return { status: 400, reason: 'expired' };
    case 'OAUTH_KEY_SELECTION_FAILED':
      return { status: 400, reason: 'badSignature' };
    case 'OAUTH_INVALID_RESPONSE':
      return /signature/i.test(detail?.message ?? '') ? { status: 400, reason: 'badSignature' } : { status: 400, reason: 'tokenRefused' };
    default:
      return { status: 400, reason: 'tokenRefused' };
  }
}

function redirect(res: Response, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

function isNetworkFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (error instanceof TypeError && /fetch failed/i.test(error.message)) || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT';
}

function unreachable(log: Logger, error: unknown): Refusal {
  if (isNetworkFailure(error)) log.warn({ err: error }, 'identity provider unreachable');
  else log.error({ err: error }, 'identity provider answered unexpectedly (check OIDC_ISSUER and its discovery document)');
  return { status: 503, reason: 'unreachable' };
}

/** Sessions are stored under a hash of the cookie, so a copy of the store cannot be replayed as cookies. */
function sessionKey(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}

function cookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.header('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return out;
}
