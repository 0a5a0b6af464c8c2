import type { Request, RequestHandler, Response, Server } from 'restify';
import type { AuditExport, AuditService } from '../app/audit.service.js';
import { refusal } from '../bot/presenting.js';
import { resolveLocale, translate, translator, type Locale } from '../i18n/catalog.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

const STATUS: Record<string, number> = { 'AUDIT.LINK_INVALID': 404, 'AUDIT.LINK_EXPIRED': 410 };

/**
 * The audit trail's download at /exports/audit/<token>: a short-lived signed link from the chat's
 * export card. The link names the export and the person; their role is checked again from the
 * records when it is opened. Rate-limited per address; bad or expired links get a page.
 */
export function auditRoutes(service: AuditService, defaultLocale: Locale, throttle: RequestHandler) {
  return (server: Server): void => {
    server.get('/exports/audit/:token', throttle, async (req: Request, res: Response) => {
      const locale = resolveLocale(typeof req.query?.lang === 'string' ? req.query.lang : undefined, pageLocale(req, defaultLocale));
      const exported = await service.download(String(req.params.token ?? ''), locale);
      if (!exported.ok) {
        const status = STATUS[exported.error.code] ?? 403;
        sendPage(res, status, locale, translate(locale, 'audit.page.title'), `<p>${escapeHtml(refusal(exported.error, translator(locale), locale))}</p>`);
        return;
      }
      sendCsv(res, exported.value);
    });
  };
}

/** Answers with an export as a CSV attachment that no cache keeps. */
export function sendCsv(res: Response, exported: AuditExport): void {
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${exported.filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(exported.csv);
}
