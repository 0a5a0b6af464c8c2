import type { Request, RequestHandler, Response, Server } from 'restify';
import { roleList, type ColleagueService, type OpenedInvitation } from '../app/colleague.service.js';
import type { Actor } from '../domain/actor.js';
import type { DomainError } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { WebUser } from './oidc/sign-in.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

const STATUS: Record<string, number> = { 'COLLEAGUE.INVALID': 404, 'COLLEAGUE.EXPIRED': 410, 'COLLEAGUE.REVOKED': 410, 'COLLEAGUE.USED': 410, 'COLLEAGUE.OTHER_TENANT': 403, 'ACCESS.SIGN_IN': 401 };

/** What the page needs to know about the web sign-in: the signed-in user of a request, when sign-in is offered here. */
export interface ColleaguePageSignIn {
  sessionOf(req: Request): Promise<WebUser | undefined>;
}

/**
 * The page a colleague reaches from an Admin agent's invitation e-mail, at /colleagues/<token>:
 * who invites to which organization with which role; sign in (OpenID Connect) with a work account
 * of that organization, then Join. It also shows the code to type in Teams. The page itself never
 * decides who someone is: only the verified sign-in does.
 */
export function colleagueRoutes(deps: {
  readonly service: ColleagueService;
  readonly defaultLocale: Locale;
  readonly throttle: RequestHandler;
  readonly publicBaseUrl: string;
  readonly signIn?: ColleaguePageSignIn;
  readonly botAppId?: string;
}) {
  const { service, defaultLocale, throttle } = deps;
  const origin = new URL(deps.publicBaseUrl).origin;
  return (server: Server): void => {
    server.get('/colleagues/:token', throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, defaultLocale);
      const token = String(req.params.token ?? '');
      const opened = await service.open(token);
      if (!opened.ok) return refusePage(res, locale, opened.error);
      const user = await deps.signIn?.sessionOf(req);
      if (opened.value.invitation.status === 'accepted') {
        if (user && opened.value.invitation.acceptedBy?.userId === user.userId) return joinedPage(res, locale, opened.value);
        return refusePage(res, locale, { code: 'COLLEAGUE.USED', messageKey: 'colleague.errors.used' });
      }
      sendPage(res, 200, locale, translate(locale, 'colleague.page.title'), invitationPage(opened.value, token, locale, user, deps));
    });

    server.post('/colleagues/:token', throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, defaultLocale);
      const token = String(req.params.token ?? '');
      // The session cookie is SameSite=Lax; a form posted from another site is refused outright as well.
      const from = req.header('origin');
      if (from && from !== origin) return refusePage(res, locale, { code: 'COLLEAGUE.OTHER_ORIGIN', messageKey: 'colleague.page.signInFirst' }, 403);
      const user = await deps.signIn?.sessionOf(req);
      if (!user) {
        const opened = await service.open(token);
        if (!opened.ok) return refusePage(res, locale, opened.error);
        sendPage(res, 401, locale, translate(locale, 'colleague.page.title'), `<p role="alert">${escapeHtml(translate(locale, 'colleague.page.signInFirst'))}</p>${invitationPage(opened.value, token, locale, undefined, deps)}`);
        return;
      }
      const accepted = await service.accept(actorOf(user), { token });
      if (!accepted.ok) return refusePage(res, locale, accepted.error);
      joinedPage(res, locale, accepted.value);
    });
  };
}

/** The proven web user as the domain sees an actor. */
function actorOf(user: WebUser): Actor {
  return { userId: user.userId, tenantId: user.tenantId.toLowerCase(), name: user.name, proof: 'openid', globalAdmin: user.globalAdmin };
}

function invitationPage(
  opened: OpenedInvitation,
  token: string,
  locale: Locale,
  user: WebUser | undefined,
  deps: { readonly signIn?: ColleaguePageSignIn; readonly botAppId?: string },
): string {
  const { organization, invitation } = opened;
  const t = (key: string, params?: Record<string, string>) => escapeHtml(translate(locale, `colleague.page.${key}`, params));
  const params = { inviter: invitation.invitedBy.name, organization: organization.name, roles: roleList(invitation, locale) };
  const path = `/colleagues/${encodeURIComponent(token)}`;
  const signInHref = `/auth/signin?returnTo=${encodeURIComponent(path)}`;
  let action: string;
  if (!deps.signIn) action = `<p>${t('noSignIn')}</p>`;
  else if (!user) action = `<p>${t('signInHow', params)}</p><p><a class="button" href="${escapeHtml(signInHref)}">${t('signIn')}</a></p>`;
  else if (user.tenantId.toLowerCase() !== organization.tenantId) {
    action = `<p>${t('signedInAs', { name: user.name, username: user.username })}</p><p role="alert">${t('otherTenant', params)}</p><p><a href="${escapeHtml(signInHref)}">${t('signIn')}</a></p>`;
  } else {
    action = `<p>${t('signedInAs', { name: user.name, username: user.username })}</p><form method="post" action="${escapeHtml(path)}"><p><button type="submit">${t('join', params)}</button></p></form>`;
  }
  const command = `${translate(locale, 'colleague.commands.join').split('|')[0]} ${invitation.id}`;
  const teams = deps.botAppId
    ? ` <a href="https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(deps.botAppId)}&amp;message=${encodeURIComponent(command)}">${t('openTeams')}</a>`
    : '';
  return `<p>${t('intro', params)}</p>${action}<p>${t('teams')}</p><p><code>${escapeHtml(command)}</code>${teams}</p>`;
}

function joinedPage(res: Response, locale: Locale, opened: OpenedInvitation): void {
  const t = (key: string, params?: Record<string, string>) => escapeHtml(translate(locale, `colleague.page.${key}`, params));
  sendPage(res, 200, locale, translate(locale, 'colleague.page.title'), `<p>${t('joined', { organization: opened.organization.name, roles: roleList(opened.invitation, locale) })}</p><p><a href="/">${t('openChat')}</a></p>`);
}

function refusePage(res: Response, locale: Locale, error: DomainError, status?: number): void {
  sendPage(res, status ?? STATUS[error.code] ?? 400, locale, translate(locale, 'colleague.page.title'), `<p role="alert">${escapeHtml(translate(locale, error.messageKey, error.params))}</p>`);
}
