import type { CustomFetch } from 'openid-client';
import type { Request, RequestHandler, Response, Server } from 'restify';
import type { Clock, RecordStore } from '../../app/ports.js';
import type { ExpiringValues } from '../../app/shared-state.port.js';
import type { Config } from '../../config.js';
import { translate } from '../../i18n/catalog.js';
import type { Logger } from '../../log.js';
import type { Persona } from '../../app/personas.js';
import { escapeHtml, pageLocale, sendPage } from '../pages.js';
import { sendError } from '../server.js';
import { createEmbeddedProvider } from './embedded-provider.js';
import { OidcSignIn, signInRoutes, type SignInAttempt, type WebSession, type WebSignIn } from './sign-in.js';

/** What the web sign-in is built from besides the configuration. */
export interface SignInSetupDeps {
  /** Where sign-in attempts and web sessions are kept. */
  readonly stores: { readonly sessions: RecordStore<WebSession>; readonly attempts: RecordStore<SignInAttempt> };
  readonly clock: Clock;
  readonly log: Logger;
  /** The demo personas: present only in demo mode, where the embedded provider serves them. */
  readonly personas?: readonly Persona[];
  /** Replaces fetch for the OpenID client (tests). */
  readonly fetch?: CustomFetch;
  /** Rate limit on starting a sign-in. */
  readonly throttle?: RequestHandler;
  /** Where instances sharing a store keep the embedded provider's state and keys (demo mode). */
  readonly providerState?: ExpiringValues;
}

/** The web sign-in and the routes that serve it (the embedded provider's too, in demo mode). */
export interface SignInSetup {
  readonly signIn: WebSignIn;
  readonly routes: (server: Server) => void;
}

/**
 * Builds the web chat's sign-in from the configuration: the OpenID client against `OIDC_ISSUER`,
 * or in demo mode against the embedded provider; with neither, `/auth/*` says sign-in is not set up.
 */
export async function setupSignIn(config: Config, deps: SignInSetupDeps): Promise<SignInSetup> {
  const { stores } = deps;
  const common = { ...stores, scopes: config.oidc?.scopes ?? 'openid profile email', publicBaseUrl: config.publicBaseUrl, clock: deps.clock, log: deps.log, defaultLocale: config.defaultLocale, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.throttle ? { throttle: deps.throttle } : {}) };
  if (config.oidc) {
    const signIn = new OidcSignIn({ ...common, issuer: config.oidc.issuer, clientId: config.oidc.clientId, clientSecret: config.oidc.clientSecret });
    return { signIn, routes: signInRoutes(signIn) };
  }
  if (config.demoMode && deps.personas) {
    const provider = createEmbeddedProvider({
      publicBaseUrl: config.publicBaseUrl,
      personas: deps.personas,
      defaultLocale: config.defaultLocale,
      log: deps.log,
      ...(deps.providerState ? { shared: deps.providerState } : {}),
    });
    // prompt=login: the embedded provider shows the persona list each time, so one can switch person.
    const signIn = new OidcSignIn({ ...common, issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, authParams: { prompt: 'login' } });
    return {
      signIn,
      routes: (server) => {
        provider.routes(server);
        signIn.routes(server);
      },
    };
  }
  return {
    signIn: { sessionOf: async () => undefined, onSignedIn: () => undefined },
    routes: (server) => {
      const notConfigured = async (req: Request, res: Response) => {
        const locale = pageLocale(req, config.defaultLocale);
        sendPage(res, 404, locale, translate(locale, 'signin.unavailableTitle'), `<p>${escapeHtml(translate(locale, 'signin.reasons.notConfigured'))}</p>`);
      };
      server.get('/auth/signin', notConfigured);
      server.get('/auth/callback', notConfigured);
      server.get('/auth/session', async (_req: Request, res: Response) => sendError(res, 401, 'Unauthorized', 'Not signed in.'));
      server.post('/auth/signout', async (_req: Request, res: Response) => {
        res.status(204);
        res.end();
      });
    },
  };
}
