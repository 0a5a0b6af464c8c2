import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Server } from 'restify';
import type { SignedLinks } from '../app/signed-links.port.js';
import type { Logger } from '../log.js';
import { translate, type Locale } from '../i18n/catalog.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

/** The provider admin's sign-in for Partner Center's App+User calls (msal's authorization code flow). */
export interface PartnerCenterSignIn {
  signInUrl(redirectUri: string, state: string): Promise<string>;
  completeSignIn(code: string, redirectUri: string): Promise<{ ok: true; userName: string } | { ok: false; reason: string }>;
}

const STATE_KIND = 'partner-center-sign-in';
const STATE_SECONDS = 600;

/**
 * /partner-center/sign-in sends a provider admin to Entra ID (with PARTNER_CENTER=api); the answer
 * comes back to /partner-center/signed-in with a signed, 10-minute state. Entra ID proves who signed
 * in; only an account of the partner tenant itself is kept, for the App+User calls.
 */
export function partnerCenterRoutes(deps: { signIn: PartnerCenterSignIn; signedLinks: SignedLinks; publicBaseUrl: string; defaultLocale: Locale; throttle: RequestHandler; log: Logger; now: () => Date }) {
  const redirectUri = `${deps.publicBaseUrl}/partner-center/signed-in`;
  return (server: Server): void => {
    server.get('/partner-center/sign-in', deps.throttle, async (_req: Request, res: Response) => {
      const state = await deps.signedLinks.sign({ id: randomUUID(), kind: STATE_KIND, subject: 'admin', exp: Math.floor(deps.now().getTime() / 1000) + STATE_SECONDS });
      res.redirect(302, await deps.signIn.signInUrl(redirectUri, state), () => undefined);
    });
    server.get('/partner-center/signed-in', deps.throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, deps.defaultLocale);
      const title = translate(locale, 'partnerCenter.signIn.title');
      const query = (req.query ?? {}) as Record<string, unknown>;
      const state = typeof query.state === 'string' ? query.state : '';
      const code = typeof query.code === 'string' ? query.code : '';
      const checked = await deps.signedLinks.verify(state, STATE_KIND, deps.now());
      if (!checked.ok || !code) {
        sendPage(res, 400, locale, title, `<p>${escapeHtml(translate(locale, 'partnerCenter.signIn.invalid'))}</p>`);
        return;
      }
      try {
        const done = await deps.signIn.completeSignIn(code, redirectUri);
        if (!done.ok) {
          sendPage(res, 403, locale, title, `<p>${escapeHtml(translate(locale, 'partnerCenter.signIn.otherTenant'))}</p>`);
          return;
        }
        sendPage(res, 200, locale, title, `<p>${escapeHtml(translate(locale, 'partnerCenter.signIn.done', { user: done.userName }))}</p>`);
      } catch (error) {
        deps.log.warn({ err: error }, 'Partner Center sign-in failed');
        sendPage(res, 502, locale, title, `<p>${escapeHtml(translate(locale, 'partnerCenter.signIn.failed'))}</p>`);
      }
    });
  };
}
