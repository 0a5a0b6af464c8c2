import type { Request, RequestHandler, Response, Server } from 'restify';
import type { SignInTicket } from '../app/partner-center-sign-in.service.js';
import type { Logger } from '../log.js';
import { translate, type Locale } from '../i18n/catalog.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

/** The provider admin's sign-in for Partner Center's App+User calls (msal's authorization code flow). */
export interface PartnerCenterSignIn {
  signInUrl(redirectUri: string, state: string): Promise<string>;
  /** Redeems the code; keeps the account only when it is `expectedUserId` of the partner tenant. */
  completeSignIn(code: string, redirectUri: string, expectedUserId: string): Promise<{ ok: true; userName: string } | { ok: false; reason: string }>;
}

/**
 * /partner-center/sign-in?ticket=… sends a provider admin to Entra ID (with PARTNER_CENTER=api); the
 * ticket, signed by the assistant for that admin from chat and valid for minutes, travels as the
 * sign-in's state and comes back to /partner-center/signed-in. Entra ID proves who signed in; the
 * account is kept only when it is the admin the ticket names, in the partner tenant.
 */
export function partnerCenterRoutes(deps: {
  signIn: PartnerCenterSignIn;
  ticket: (token: string) => Promise<SignInTicket | undefined>;
  publicBaseUrl: string;
  defaultLocale: Locale;
  throttle: RequestHandler;
  log: Logger;
}) {
  const redirectUri = `${deps.publicBaseUrl}/partner-center/signed-in`;
  const page = (req: Request, res: Response, status: number, key: string, params: Record<string, string> = {}) => {
    const locale = pageLocale(req, deps.defaultLocale);
    sendPage(res, status, locale, translate(locale, 'partnerCenter.signIn.title'), `<p>${escapeHtml(translate(locale, key, params))}</p>`);
  };
  const query = (req: Request, name: string) => {
    const value = (req.query as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };
  return (server: Server): void => {
    server.get('/partner-center/sign-in', deps.throttle, async (req: Request, res: Response) => {
      const ticket = query(req, 'ticket');
      if (!(await deps.ticket(ticket))) return page(req, res, 403, 'partnerCenter.signIn.invalid');
      res.redirect(302, await deps.signIn.signInUrl(redirectUri, ticket), () => undefined);
    });
    server.get('/partner-center/signed-in', deps.throttle, async (req: Request, res: Response) => {
      const ticket = await deps.ticket(query(req, 'state'));
      const code = query(req, 'code');
      if (!ticket || !code) return page(req, res, 400, 'partnerCenter.signIn.invalid');
      try {
        const done = await deps.signIn.completeSignIn(code, redirectUri, ticket.userId);
        if (!done.ok) return page(req, res, 403, 'partnerCenter.signIn.otherAccount');
        page(req, res, 200, 'partnerCenter.signIn.done', { user: done.userName });
      } catch (error) {
        deps.log.warn({ err: error }, 'Partner Center sign-in failed');
        page(req, res, 502, 'partnerCenter.signIn.failed');
      }
    });
  };
}
