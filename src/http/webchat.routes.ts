import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { translate, type Locale } from '../i18n/catalog.js';
import type { Logger } from '../log.js';
import type { DirectLineChannel } from './directline/channel.js';
import type { EmbedIdentity } from './embed-identity.js';
import type { WebUser } from '../bot/identity.js';
import { escapeHtml, pageLocale, sendStatic } from './pages.js';
import { sendError } from './server.js';
import { sendTokenError } from './token-errors.js';

/** How the web chat page gets its Direct Line: the built-in channel, or Azure with the secret. */
export interface WebChatDeps {
  readonly channel?: DirectLineChannel;
  readonly azure?: { readonly secret: string; readonly endpoint: string };
  readonly identity: EmbedIdentity;
  /** The OpenID Connect sign-in, when the server offers one (Entra ID, or the embedded provider in demo mode). */
  readonly signIn?: {
    sessionOf(req: Request): Promise<{ userId: string; tenantId: string; name: string; globalAdmin: boolean } | undefined>;
    /** Whether this is the embedded demo provider (the page says so). */
    readonly demo: boolean;
  };
  readonly publicBaseUrl: string;
  readonly defaultLocale: Locale;
  readonly publicDir: string;
  readonly projectRoot: string;
  readonly log: Logger;
  /** Remembers which proven user an Azure Direct Line user id stands for (the bot looks it up on each turn). */
  readonly bindAzureUser?: (directLineUserId: string, user: WebUser) => Promise<void>;
}

/**
 * The web chat embed: the page at `/`, its scripts (Web Chat's own browser bundle, served
 * here, no CDN), and the token endpoint that binds a Direct Line token to a server-known user.
 * The Direct Line secret never reaches the browser.
 */
export function webChatRoutes(deps: WebChatDeps) {
  return (server: Server): void => {
    // Web Chat's prebuilt browser bundle, copied from the dev dependency by `npm run build`, so a
    // production install (npm ci --omit=dev) carries neither Web Chat nor React.
    const bundle = join(deps.projectRoot, 'dist', 'public', 'webchat.js');

    server.get('/', async (req: Request, res: Response) => page(req, res, deps));
    server.get('/webchat', async (req: Request, res: Response) => page(req, res, deps));
    server.get('/webchat/webchat.js', async (_req: Request, res: Response) => sendStatic(res, bundle, 'application/javascript; charset=utf-8', 'public, max-age=86400'));
    server.get('/webchat/app.js', async (_req: Request, res: Response) => sendStatic(res, join(deps.publicDir, 'webchat-app.js'), 'application/javascript; charset=utf-8', 'no-cache'));

    server.post('/api/directline/token', async (req: Request, res: Response) => {
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { userToken?: unknown; persona?: unknown; locale?: unknown };
      const locale = typeof body.locale === 'string' && /^[A-Za-z]{2}(-[A-Za-z]{2})?$/.test(body.locale) ? body.locale : undefined;
      let user: WebUser | undefined;
      try {
        user = await identify(req, body, deps);
      } catch (error) {
        if (sendTokenError(res, error, deps.log, 'userToken')) return;
        throw error;
      }
      if (!user) {
        return sendError(res, 401, 'Unauthorized', deps.signIn ? 'Sign in first (GET /auth/signin).' : 'A valid userToken signed by the portal is required.');
      }
      if (deps.azure) {
        const directLineUserId = `dl_${user.userId}`;
        await deps.bindAzureUser?.(directLineUserId, user);
        const answer = await fetch(`${deps.azure.endpoint}/tokens/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${deps.azure.secret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ user: { id: directLineUserId, name: user.name } }),
        });
        if (!answer.ok) {
          deps.log.error({ status: answer.status }, 'Direct Line token exchange failed');
          return sendError(res, 502, 'BadGateway', 'The Direct Line service did not issue a token.');
        }
        const token = (await answer.json()) as { token: string; conversationId: string; expires_in: number };
        res.json({ token: token.token, conversationId: token.conversationId, expires_in: token.expires_in, domain: deps.azure.endpoint, user: publicUser(user) });
        return;
      }
      const issued = await deps.channel!.issue(user, locale);
      res.json({ ...issued, domain: `${deps.publicBaseUrl}/v3/directline`, user: publicUser(user) });
    });
  };
}

/**
 * The proven user a Direct Line token is issued to: the OpenID Connect session (user, tenant and
 * directory role from a verified ID token), or the portal's signed token (a user, with a tenant only where the operator trusts the portal for it).
 * Nothing else in the request counts.
 */
async function identify(req: Request, body: { userToken?: unknown }, deps: WebChatDeps): Promise<WebUser | undefined> {
  const session = deps.signIn ? await deps.signIn.sessionOf(req) : undefined;
  if (session) return { userId: session.userId, name: session.name, tenantId: session.tenantId, globalAdmin: session.globalAdmin, proof: 'openid' };
  if (typeof body.userToken === 'string' && deps.identity.configured) {
    const embedded = await deps.identity.verify(body.userToken, new Date());
    return embedded ? { userId: embedded.id, name: embedded.name, proof: 'portal', ...(embedded.tenantId ? { tenantId: embedded.tenantId } : {}) } : undefined;
  }
  return undefined;
}

/** What the page may know of its signed-in user: the name and id, never anything it could replay as proof. */
function publicUser(user: WebUser): { id: string; name: string } {
  return { id: user.userId, name: user.name };
}

function page(req: Request, res: Response, deps: WebChatDeps): void {
  const locale = pageLocale(req, deps.defaultLocale);
  const t = (key: string, params?: Record<string, string>) => translate(locale, `webchat.${key}`, params);
  const texts = { signedInAs: t('signedInAs'), error: t('error') };
  const signIn = deps.signIn
    ? `<div id="signin" class="card" hidden><h2>${escapeHtml(t(deps.signIn.demo ? 'demoTitle' : 'signInTitle'))}</h2><p>${escapeHtml(t(deps.signIn.demo ? 'demoNote' : 'signInNote'))}</p>
<a id="signin-link" class="button" href="/auth/signin?returnTo=${encodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)}">${escapeHtml(t('signIn'))}</a></div>`
    : `<div id="signin" class="card"><p>${escapeHtml(t('noIdentity'))}</p></div>`;
  const signOut = deps.signIn ? ` <form id="signout" method="post" action="/auth/signout" hidden><button type="submit" class="link">${escapeHtml(t('signOut'))}</button></form>` : '';
  const connect = deps.azure ? ` ${new URL(deps.azure.endpoint).origin} wss://${new URL(deps.azure.endpoint).host}` : '';
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t('title'))}</title>
<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(ICON)}">
<style>
html,body{height:100%;margin:0;font-family:"Segoe UI",system-ui,-apple-system,sans-serif;background:#f5f5f5;color:#242424}
#app{display:flex;flex-direction:column;height:100%;max-width:48rem;margin:0 auto;background:#fff;box-shadow:0 0 6px rgba(0,0,0,.1)}
header{display:flex;align-items:center;gap:.75rem;padding:.75rem 1rem;background:#5b5fc7;color:#fff}
header h1{font-size:1.1rem;margin:0}header p{margin:0;font-size:.85rem;opacity:.9}
.card{margin:1rem;padding:1rem;border:1px solid #e0e0e0;border-radius:8px}
.card h2{margin-top:0;font-size:1.1rem}
select,button,.button{font:inherit;padding:.5rem;margin:.25rem 0;max-width:100%}
button,.button{display:inline-block;background:#5b5fc7;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer;text-decoration:none}
button.link{background:none;color:#5b5fc7;text-decoration:underline;padding:0 .25rem}
#signout{display:inline}
button:focus,select:focus,.button:focus{outline:3px solid #242424;outline-offset:2px}
#session{padding:.25rem 1rem;font-size:.85rem;color:#616161}
#webchat{flex:1;min-height:0}
#status{color:#a4262c;padding:0 1rem}
</style>
</head>
<body>
<div id="app" data-locale="${locale}" data-signin="${deps.signIn ? 'oidc' : 'portal'}" data-text="${escapeHtml(JSON.stringify(texts))}">
<header>${ICON}<div><h1>${escapeHtml(t('title'))}</h1><p>${escapeHtml(t('subtitle'))}</p></div></header>
${signIn}
<div id="session" hidden><span id="who"></span>${signOut}</div>
<p id="status" role="alert"></p>
<div id="webchat" role="main" hidden></div>
</div>
<script src="/webchat/webchat.js"></script>
<script src="/webchat/app.js"></script>
</body>
</html>`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self' ws: wss:${connect}; media-src 'self' blob:; frame-ancestors 'self'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}


const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" width="36" height="36" viewBox="0 0 36 36" aria-hidden="true"><rect width="36" height="36" rx="8" fill="#fff"/><path d="M9 12h18v10H17l-5 4v-4H9z" fill="#5b5fc7"/><circle cx="14" cy="17" r="1.5" fill="#fff"/><circle cx="18" cy="17" r="1.5" fill="#fff"/><circle cx="22" cy="17" r="1.5" fill="#fff"/></svg>';
