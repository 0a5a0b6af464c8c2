import type { Request, RequestHandler, Response, Server } from 'restify';
import type { ReconciliationService } from '../app/reconciliation.service.js';
import { refusal } from '../bot/presenting.js';
import { resolveLocale, translate, translator, type Locale } from '../i18n/catalog.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

const STATUS: Record<string, number> = { 'RECONCILE.LINK_INVALID': 404, 'RECONCILE.LINK_EXPIRED': 410, 'PARTNER_CENTER.UNAVAILABLE': 503 };

/**
 * The reconciliation's CSV at /exports/reconciliation/<token>: a short-lived signed link from the
 * chat's card, naming the provider and the person, whose role is checked again (and Partner Center
 * asked again) when it is opened. Rate-limited per address; bad or expired links get a page.
 */
export function reconciliationRoutes(service: ReconciliationService, defaultLocale: Locale, throttle: RequestHandler) {
  return (server: Server): void => {
    server.get('/exports/reconciliation/:token', throttle, async (req: Request, res: Response) => {
      const locale = resolveLocale(typeof req.query?.lang === 'string' ? req.query.lang : undefined, pageLocale(req, defaultLocale));
      const exported = await service.download(String(req.params.token ?? ''), locale);
      if (!exported.ok) {
        sendPage(res, STATUS[exported.error.code] ?? 403, locale, translate(locale, 'partnerCenter.reconcile.title'), `<p>${escapeHtml(refusal(exported.error, translator(locale), locale))}</p>`);
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${exported.value.filename}"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      });
      res.end(exported.value.csv);
    });
  };
}
