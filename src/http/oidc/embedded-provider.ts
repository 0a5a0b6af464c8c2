import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jose } from '../../security/jose.js';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { Request, Response, Server } from 'restify';
import { translate, type Locale } from '../../i18n/catalog.js';
import type { Logger } from '../../log.js';
import type { Persona } from '../../app/personas.js';
import { escapeHtml, pageLocale, sendPage } from '../pages.js';
import { GLOBAL_ADMIN_ROLE } from './sign-in.js';
import type { ExpiringValues } from '../../app/shared-state.port.js';
import { SharedProviderAdapter } from './shared-adapter.js';

/** The embedded OpenID provider of demo mode: where it is and the assistant's own client registration. */
export interface EmbeddedProvider {
  /** `${publicBaseUrl}/oidc`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Generated once the provider is first needed, or once for every instance sharing the store. */
  clientSecret(): Promise<string>;
  /** Mounts the provider under `/oidc` (before restify's body parser) and its demo login page. */
  routes(server: Server): void;
}

/** What the embedded provider needs: where it is served, its accounts and where to log. */
export interface EmbeddedProviderOptions {
  readonly publicBaseUrl: string;
  readonly personas: readonly Persona[];
  readonly defaultLocale: Locale;
  readonly log: Logger;
  /**
   * Where several instances keep the provider's keys, client secret, sessions, interactions and
   * codes, so a sign-in begun on one finishes on another; without it they live in this process.
   */
  readonly shared?: ExpiringValues;
}

/** What every instance of the provider must agree on. */
interface ProviderSecrets {
  readonly jwk: Record<string, unknown>;
  readonly clientSecret: string;
  readonly cookieKey: string;
}

const MOUNT = '/oidc';
const CLIENT_ID = 'csp-partner-assistant';
const SCOPES = 'openid profile email';

/**
 * A real OpenID provider (oidc-provider, a certified implementation) for laptops with no cloud
 * account: the demo personas are its accounts and their ID tokens carry Entra-like claims
 * (`oid`, `tid`, `wids`, `name`, `preferred_username`). Only ever built in demo mode.
 */
export function createEmbeddedProvider(options: EmbeddedProviderOptions): EmbeddedProvider {
  const issuer = `${options.publicBaseUrl}${MOUNT}`;
  const log = options.log.child({ component: 'oidc-provider' });
  const byOid = new Map(options.personas.map((p) => [p.oid, p]));
  // oidc-provider and its signing key are made with the first sign-in, not at start: a start
  // (and an instance that never signs anyone in) pays for neither. A failure is not kept.
  let running: Promise<Running> | undefined;
  const started = (): Promise<Running> => {
    if (!running) {
      const starting = startProvider(issuer, options, byOid, log);
      running = starting;
      starting.catch(() => {
        if (running === starting) running = undefined;
      });
    }
    return running;
  };
  const unavailable = (res: Response) => (err: unknown) => {
    log.error({ err }, 'embedded OpenID provider failed');
    if (!res.headersSent) sendPage(res, 503, options.defaultLocale, translate(options.defaultLocale, 'signin.unavailableTitle'), '');
  };

  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: async () => (await started()).clientSecret,
    routes: (server: Server) => {
      // oidc-provider reads its own request bodies (token endpoint, forms): it must run before restify parses them.
      server.pre((req, res, next) => {
        const path = req.path();
        if ((path !== MOUNT && !path.startsWith(`${MOUNT}/`)) || path.startsWith(`${MOUNT}/interaction/`)) return next();
        const raw = req as unknown as IncomingMessage & { originalUrl?: string };
        raw.originalUrl = raw.url;
        raw.url = (raw.url ?? '/').slice(MOUNT.length) || '/';
        started()
          .then(({ handle }) => handle(raw, res as unknown as ServerResponse))
          .catch(unavailable(res));
      });
      server.get(`${MOUNT}/interaction/:uid`, async (req: Request, res: Response) =>
        started().then(({ provider }) => loginPage(provider, options, req, res), unavailable(res)),
      );
      server.post(`${MOUNT}/interaction/:uid/login`, async (req: Request, res: Response) =>
        started().then(({ provider }) => login(provider, options, byOid, req, res), unavailable(res)),
      );
    },
  };
}

/** The provider once made: its request handler and the client secret the assistant signs in with. */
interface Running {
  readonly provider: Provider;
  readonly handle: ReturnType<Provider['callback']>;
  readonly clientSecret: string;
}

async function startProvider(issuer: string, options: EmbeddedProviderOptions, byOid: ReadonlyMap<string, Persona>, log: Logger): Promise<Running> {
  const { Provider, createMemoryAdapter } = await loadQuietly(log);
  const { exportJWK, generateKeyPair } = await jose();

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const generated: ProviderSecrets = {
    jwk: { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' },
    clientSecret: randomBytes(32).toString('base64url'),
    cookieKey: randomBytes(32).toString('base64url'),
  };
  // The first instance to start writes its secrets; the others take them.
  const { jwk: signingKey, clientSecret, cookieKey } = options.shared ? (JSON.parse(await options.shared.setIfAbsent('secrets', JSON.stringify(generated))) as ProviderSecrets) : generated;
  const shared = options.shared;

  const provider: Provider = new Provider(issuer, {
    // Alone, the state of a demo provider lives in memory on purpose: keys and the client secret are new at each start anyway.
    adapter: shared ? (model: string) => new SharedProviderAdapter(model, shared) : createMemoryAdapter(15),
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [`${options.publicBaseUrl}/auth/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [cookieKey] },
    claims: { openid: ['sub', 'oid', 'tid', 'wids'], profile: ['name', 'preferred_username'], email: ['email'] },
    // Entra ID puts these claims in the ID token of the code flow; so does this provider.
    conformIdTokenClaims: false,
    // Logout stays on: choosing another persona than the provider session's ends that session first.
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${new URL(issuer).pathname}/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => {
      const persona = byOid.get(sub);
      return persona ? { accountId: sub, claims: () => claimsOf(persona) } : undefined;
    },
    // The assistant is this provider's only, first-party client: its scopes need no consent screen.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const clientId = ctx.oidc.client?.clientId;
      const accountId = ctx.oidc.session?.accountId;
      if (!clientId || !accountId) return undefined;
      const existing = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(clientId);
      const found = existing ? await provider.Grant.find(existing) : undefined;
      if (found || clientId !== CLIENT_ID) return found;
      const grant = new provider.Grant({ clientId, accountId });
      grant.addOIDCScope(SCOPES);
      await grant.save();
      return grant;
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) => {
      const locale = pageLocale({ header: (name: string) => ctx.get(name) } as unknown as Request, options.defaultLocale);
      ctx.respond = false;
      sendPage(
        ctx.res as unknown as Response,
        ctx.res.statusCode >= 400 && ctx.res.statusCode < 500 ? ctx.res.statusCode : 400,
        locale,
        translate(locale, 'signin.failedTitle'),
        `<p>${escapeHtml(translate(locale, 'signin.demo.error', { error: out.error_description ?? out.error }))}</p>`,
      );
    },
  });
  // With a listener of its own, Koa does not print request errors to the console.
  provider.on('error', (err: Error) => log.warn({ err }, 'embedded OpenID provider request failed'));
  provider.on('server_error', (_ctx: unknown, err: Error) => log.error({ err }, 'embedded OpenID provider failed'));
  for (const event of ['authorization.error', 'grant.error', 'discovery.error', 'jwks.error']) {
    provider.on(event, (_ctx: unknown, err: Error) => log.info({ reason: err.message, event }, 'embedded OpenID provider refused a request'));
  }
  return { provider, handle: provider.callback(), clientSecret };
}

/** The claims of a persona's tokens, shaped like Entra ID's. */
function claimsOf(persona: Persona): Record<string, unknown> {
  return {
    sub: persona.oid,
    oid: persona.oid,
    tid: persona.tid,
    wids: persona.wids,
    name: persona.name,
    preferred_username: persona.username,
    email: persona.username,
  };
}

/** The demo login page: one button per persona, with name, organization and role. */
async function loginPage(provider: Provider, options: EmbeddedProviderOptions, req: Request, res: Response): Promise<void> {
  const locale = pageLocale(req, options.defaultLocale);
  const t = (key: string) => translate(locale, `signin.demo.${key}`);
  const interaction = await provider.interactionDetails(req, res).catch(() => undefined);
  if (!interaction || interaction.uid !== req.params.uid) return expired(res, locale);
  const buttons = options.personas
    .map((p) => {
      const role = `${t(`roles.${p.role}`)} · ${p.wids.includes(GLOBAL_ADMIN_ROLE) ? t('globalAdmin') : t('noRole')}`;
      return `<li><button type="submit" name="persona" value="${escapeHtml(p.oid)}" aria-describedby="d-${escapeHtml(p.id)}"><strong>${escapeHtml(p.name)}</strong></button>
<span id="d-${escapeHtml(p.id)}">${escapeHtml(p.organization)} — ${escapeHtml(role)} <small>(${escapeHtml(p.username)})</small></span></li>`;
    })
    .join('\n');
  const body = `<p>${escapeHtml(t('note'))}</p>
<form method="post" action="${escapeHtml(`${MOUNT}/interaction/${encodeURIComponent(interaction.uid)}/login`)}">
<fieldset style="border:0;padding:0;margin:0"><legend class="brand">${escapeHtml(t('legend'))}</legend>
<ul style="list-style:none;padding:0;display:grid;gap:.8rem">
${buttons}
</ul>
</fieldset>
</form>`;
  sendPage(res, 200, locale, t('title'), body);
}

/** Finishes the login interaction as the chosen persona and sends the browser back into the provider. */
async function login(provider: Provider, options: EmbeddedProviderOptions, byOid: ReadonlyMap<string, Persona>, req: Request, res: Response): Promise<void> {
  const locale = pageLocale(req, options.defaultLocale);
  const chosen = (req.body && typeof req.body === 'object' ? (req.body as { persona?: unknown }).persona : undefined);
  const interaction = await provider.interactionDetails(req, res).catch(() => undefined);
  if (!interaction || interaction.uid !== req.params.uid) return expired(res, locale);
  if (typeof chosen !== 'string' || !byOid.has(chosen)) {
    return sendPage(res, 400, locale, translate(locale, 'signin.failedTitle'), `<p>${escapeHtml(translate(locale, 'signin.reasons.missingUser'))}</p>`);
  }
  const returnTo = await provider.interactionResult(req, res, { login: { accountId: chosen } }, { mergeWithLastSubmission: false });
  res.writeHead(303, { Location: returnTo, 'Cache-Control': 'no-store' });
  res.end();
}

function expired(res: Response, locale: Locale): void {
  sendPage(res, 400, locale, translate(locale, 'signin.failedTitle'), `<p>${escapeHtml(translate(locale, 'signin.demo.expired'))}</p>`);
}

/**
 * Loads oidc-provider with its start-up notices sent to the log: on Node.js 20 it warns that it
 * prefers 22, which is expected here and should not reach the console unformatted.
 */
async function loadQuietly(log: Logger) {
  const { warn, info } = console;
  console.warn = (...args: unknown[]) => log.warn(args.map(String).join(' '));
  console.info = (...args: unknown[]) => log.info(args.map(String).join(' '));
  try {
    const [{ Provider }, { createMemoryAdapter }] = await Promise.all([import('oidc-provider'), import('oidc-provider/lib/adapters/memory_adapter.js')]);
    return { Provider, createMemoryAdapter };
  } finally {
    console.warn = warn;
    console.info = info;
  }
}
