import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { Locale } from '../i18n/catalog.js';
import type { Logger } from '../log.js';
import { escapeHtml, pageLocale, sendPage } from './pages.js';

/** The pages the Teams manifest links as privacy statement and terms of use. */
type LegalPage = 'privacy' | 'terms';

/**
 * The privacy statement and terms of use at /privacy and /terms, in the browser's language: the
 * operator's own text from `<DATA_DIR>/pages/<page>.<en|it>.txt` when it is there, else the shipped
 * one from data-seed/pages. Plain text: the first line is the title, blank lines part paragraphs.
 */
export function legalRoutes(deps: { readonly dataDir: string; readonly seedDir: string; readonly defaultLocale: Locale; readonly log: Logger }) {
  const show = (page: LegalPage) => async (req: Request, res: Response) => {
    const locale = pageLocale(req, deps.defaultLocale);
    const text = (await readText(join(deps.dataDir, 'pages', `${page}.${locale}.txt`), deps.log)) ?? (await readFile(join(deps.seedDir, 'pages', `${page}.${locale}.txt`), 'utf8'));
    const [title = page, ...rest] = text.replace(/\r\n/g, '\n').trim().split('\n');
    const paragraphs = rest.join('\n').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    sendPage(res, 200, locale, title.trim(), paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n'));
  };
  return (server: Server): void => {
    server.get('/privacy', show('privacy'));
    server.get('/terms', show('terms'));
  };
}

/** The operator's text, or undefined when they have none (any other failure is logged and the shipped text shown). */
async function readText(file: string, log: Logger): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error, file }, 'operator page could not be read; showing the shipped text');
    return undefined;
  }
}
