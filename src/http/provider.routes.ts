import type { Request, RequestHandler, Response, Server } from 'restify';
import type { ProviderService } from '../app/provider.service.js';
import { translate, type Locale } from '../i18n/catalog.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

/**
 * The page a reseller reaches from a provider's invitation e-mail: who invites, what
 * authorizing grants, and the code an Admin agent types in the assistant to accept. It
 * changes nothing itself; tampered, expired and used links get a clear page.
 */
export function providerRoutes(service: ProviderService, defaultLocale: Locale, throttle: RequestHandler, botAppId?: string) {
  return (server: Server): void => {
    server.get('/providers/invitations/:token', throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, defaultLocale);
      const t = (key: string, params?: Record<string, string>) => translate(locale, `provider.page.${key}`, params);
      const result = await service.checkInvitation(String(req.params.token ?? ''));
      if (!result.ok) {
        const status = result.error.code === 'LINK.INVITATION_INVALID' ? 404 : 410;
        const reason = result.error.code === 'LINK.INVITATION_EXPIRED' ? 'expired' : result.error.code === 'LINK.INVITATION_USED' ? 'used' : 'invalid';
        sendPage(res, status, locale, t('title'), `<p>${escapeHtml(t(reason))}</p>`);
        return;
      }
      const provider = result.value.provider.name;
      const command = `${translate(locale, 'provider.commands.accept').split('|')[0]} ${result.value.invitation.id}`;
      sendPage(
        res,
        200,
        locale,
        t('title'),
        `<p>${escapeHtml(t('intro', { provider }))}</p><p><strong>${escapeHtml(t('grants', { provider }))}</strong></p><p>${escapeHtml(t('how'))}</p><p><code>${escapeHtml(command)}</code></p>` +
          `<p><a href="/#say=${encodeURIComponent(command)}">${escapeHtml(t('openWebChat'))}</a>` +
          (botAppId
            ? ` · <a href="https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(botAppId)}&amp;message=${encodeURIComponent(command)}">${escapeHtml(t('openTeams'))}</a>`
            : '') +
          '</p>',
      );
    });
  };
}
