import type { Request, RequestHandler, Response, Server } from 'restify';
import type { EnrollmentService } from '../app/enrollment.service.js';
import { translate, type Locale } from '../i18n/catalog.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

const TOKEN = /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{16,64}$/;

/**
 * The page the primary contact reaches from the verification e-mail. Opening the link only
 * shows a button: mail scanners that open links must not use up the single-use token.
 */
export function enrollmentRoutes(service: EnrollmentService, defaultLocale: Locale, throttle: RequestHandler) {
  return (server: Server): void => {

    server.get('/enrollment/verify/:token', throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, defaultLocale);
      const t = (key: string) => translate(locale, `enrollmentUi.page.${key}`);
      const token = String(req.params.token ?? '');
      if (!TOKEN.test(token)) {
        sendPage(res, 404, locale, t('title'), `<p>${escapeHtml(t('wrong'))}</p>`);
        return;
      }
      sendPage(
        res,
        200,
        locale,
        t('title'),
        `<p>${escapeHtml(t('confirm'))}</p><form method="post" action="/enrollment/verify/${escapeHtml(token)}"><button type="submit">${escapeHtml(t('button'))}</button></form>`,
      );
    });

    server.post('/enrollment/verify/:token', throttle, async (req: Request, res: Response) => {
      const locale = pageLocale(req, defaultLocale);
      const t = (key: string) => translate(locale, `enrollmentUi.page.${key}`);
      const token = String(req.params.token ?? '');
      const result = TOKEN.test(token) ? await service.verifyLink(token) : { outcome: 'wrong' as const };
      const status = result.outcome === 'verified' ? 200 : result.outcome === 'locked' ? 429 : result.outcome === 'wrong' ? 404 : 410;
      sendPage(res, status, locale, t('title'), `<p>${escapeHtml(t(result.outcome))}</p>`);
    });
  };
}
