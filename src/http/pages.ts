import { createReadStream } from 'node:fs';
import type { Request, RequestHandler, Response } from 'restify';
import type { RateLimit } from '../app/shared-state.port.js';
import { translate, type Locale } from '../i18n/catalog.js';
import { sendError } from './server.js';

/** Headers every page sends: no scripts, no framing, no referrer (links carry tokens). */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** The page language from Accept-Language: Italian when it comes first among the two, else English. */
export function pageLocale(req: Request, fallback: Locale): Locale {
  const header = String(req.header('accept-language') ?? '');
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((x) => x.lang === 'it' || x.lang === 'en')
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked[0]?.lang as Locale | undefined) ?? fallback;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Sends a small, script-free HTML page in the assistant's style. `body` must already be escaped. */
export function sendPage(res: Response, status: number, locale: Locale, title: string, body: string): void {
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(translate(locale, 'common.appName'))}</title>
<style>
body{font-family:"Segoe UI",system-ui,-apple-system,sans-serif;margin:0;background:#f5f5f5;color:#242424}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin-top:0}
p{line-height:1.5}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#5b5fc7;color:#fff;cursor:pointer}
button:focus{outline:3px solid #242424;outline-offset:2px}
.brand{color:#616161;font-size:.9rem;margin-bottom:1rem}
</style>
</head>
<body>
<main>
<div class="brand">${escapeHtml(translate(locale, 'common.appName'))}</div>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
  res.end(html);
}

/**
 * One rate limit per client address for every page reached by a link (verification, invitations,
 * sign-in), shared by every instance on the same store: past it, 429 with Retry-After and the reason.
 */
export function pageThrottle(limit: RateLimit): RequestHandler {
  return (req: Request, res: Response, next: (error?: false | Error) => void) => {
    limit.consume(req.socket.remoteAddress ?? '?').then(
      (decision) => {
        if (decision.allowed) return next();
        const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        res.header('Retry-After', String(seconds));
        sendError(res, 429, 'TooManyRequests', `Too many requests from this address: try again in ${seconds} s.`);
        next(false);
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

/**
 * Streams a file the assistant ships (a script bundle): 200 once it is open, a 404 with the reason
 * when it is missing (say, a checkout that was never built), never an unhandled stream error.
 */
export function sendStatic(res: Response, file: string, type: string, cache: string): Promise<void> {
  // The route awaits this: an async restify handler that returns before answering lets restify answer first.
  return new Promise((resolve) => {
    const stream = createReadStream(file);
    stream.once('open', () => {
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' });
      stream.pipe(res);
      res.once('close', () => resolve());
    });
    stream.once('error', (error) => {
      if (res.headersSent) res.destroy(error);
      else {
        res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ code: 'NotFound', message: 'This file is not there: run npm run build.' }));
      }
      resolve();
    });
  });
}

