import type { Request, RequestHandler, Response, Server } from 'restify';
import type { CustomerService } from '../app/customer.service.js';
import type { CustomerInvitation } from '../domain/customer/customer.js';
import type { DomainError } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

const STATUS: Record<string, number> = { 'INVITATION.INVALID': 404, 'INVITATION.EXPIRED': 410, 'INVITATION.REVOKED': 410, 'INVITATION.USED': 410 };

/**
 * The customer's acceptance page at /invitations/<token>: who invites, what the customer grants,
 * and Accept with the admin's name, e-mail and company confirmed. Works without JavaScript;
 * security headers come from sendPage; requests are rate-limited per address.
 */
export function customerRoutes(service: CustomerService, defaultLocale: Locale, throttle: RequestHandler) {
  return (server: Server): void => {

    server.get('/invitations/:token', throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, defaultLocale);
      const token = String(req.params.token ?? '');
      const opened = await service.openLink(token);
      if (!opened.ok) return refusePage(res, locale, opened.error);
      sendPage(res, 200, locale, translate(locale, 'customer.page.title'), acceptForm(opened.value, token, locale, [], {}));
    });

    server.post('/invitations/:token', throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, defaultLocale);
      const token = String(req.params.token ?? '');
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const field = (v: unknown) => (typeof v === 'string' ? v : '');
      const who = { name: field(body.name), email: field(body.email), companyConfirmed: body.company === 'yes' };
      const result = await service.accept(token, who);
      const t = (key: string, params?: Record<string, string>) => translate(locale, `customer.page.${key}`, params);
      if (result.ok) {
        sendPage(res, 200, locale, t('title'), `<p>${escapeHtml(t('accepted', { reseller: result.value.resellerName }))}</p>`);
        return;
      }
      if (!result.error.fields) return refusePage(res, locale, result.error);
      const opened = await service.openLink(token);
      if (!opened.ok) return refusePage(res, locale, opened.error);
      const problems = result.error.fields.map((f) => `${fieldLabel(f.field, locale, opened.value)}: ${translate(locale, f.messageKey, f.params)}`);
      sendPage(res, 400, locale, t('title'), acceptForm(opened.value, token, locale, problems, who));
    });
  };
}

function refusePage(res: Response, locale: Locale, error: DomainError): void {
  sendPage(res, STATUS[error.code] ?? 400, locale, translate(locale, 'customer.page.title'), `<p>${escapeHtml(translate(locale, error.messageKey))}</p>`);
}

function fieldLabel(field: string, locale: Locale, inv: CustomerInvitation): string {
  return field === 'company' ? translate(locale, 'customer.page.company', { customer: inv.companyName }) : translate(locale, `customer.page.${field}`);
}

function acceptForm(inv: CustomerInvitation, token: string, locale: Locale, problems: string[], typed: { name?: string; email?: string }): string {
  const t = (key: string, params?: Record<string, string | number>) => escapeHtml(translate(locale, `customer.page.${key}`, params));
  const parties = { reseller: inv.resellerName, provider: inv.providerName ?? '', customer: inv.companyName };
  const gdap = inv.delegatedAdmin ? `<p>${t('gdap', { roles: inv.delegatedAdmin.roles.join(', '), days: inv.delegatedAdmin.durationDays })}</p>` : '';
  const errors = problems.length
    ? `<div role="alert" style="color:#a4262c"><p><strong>${t('fix')}</strong></p><ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`
    : '';
  const intro = inv.addsProviderTo ? 'introAddProvider' : inv.providerName ? 'introTwoTier' : 'introResellerOnly';
  const grants = inv.addsProviderTo ? t('grantsProvider', parties) : `${t('grants')}${inv.providerName ? ` ${t('grantsProvider', parties)}` : ''}`;
  return `<p>${t(intro, parties)}</p>
<p>${grants}</p>
${gdap}${errors}<form method="post" action="/invitations/${escapeHtml(token)}">
<p><label for="name">${t('name')}</label><br><input id="name" name="name" required maxlength="200" value="${escapeHtml(typed.name ?? '')}"></p>
<p><label for="email">${t('email')}</label><br><input id="email" name="email" type="email" required maxlength="254" value="${escapeHtml(typed.email ?? inv.adminEmail)}"></p>
<p><input id="company" name="company" type="checkbox" value="yes" required> <label for="company">${t('company', parties)}</label></p>
<p><button type="submit">${t('accept')}</button></p>
</form>`;
}
