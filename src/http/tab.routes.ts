import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { AuditService } from '../app/audit.service.js';
import type { DashboardService, Pipeline } from '../app/dashboard.service.js';
import { refusal } from '../bot/presenting.js';
import { GLOBAL_ADMIN_ROLE, type Actor } from '../domain/actor.js';
import { AGE_BUCKETS, INVITATION_STAGES, LINK_STAGES, type MonthCount } from '../domain/pipeline.js';
import { resolveLocale, translate, translator, type Locale } from '../i18n/catalog.js';
import type { Logger } from '../log.js';
import type { Persona } from '../app/personas.js';
import { sendCsv } from './audit.routes.js';
import { escapeHtml, pageLocale, sendStatic } from './pages.js';
import { sendError } from './server.js';
import { TenantNotAllowed, type SsoVerifier } from './sso.js';
import { sendTokenError } from './token-errors.js';

/** What the Teams Dashboard tab needs. */
export interface TabDeps {
  readonly dashboards: DashboardService;
  /** Exports the caller's organization's audit trail (Admin agents, provider admins). */
  readonly audits: AuditService;
  readonly sso: SsoVerifier;
  readonly personas?: readonly Persona[];
  readonly defaultLocale: Locale;
  readonly projectRoot: string;
  readonly publicDir: string;
  readonly log: Logger;
}

/**
 * The Dashboard tab: a page that runs Teams JS (served from this server), gets an SSO token and
 * calls /api/tab/dashboard, which validates it; with the same token /api/tab/audit.csv exports the
 * organization's audit trail for its Admin agents and provider admins. Outside Teams the page says to open it in
 * Teams, unless the demo sign-in is on.
 */
export function tabRoutes(deps: TabDeps) {
  return (server: Server): void => {
    const teamsJs = join(deps.projectRoot, 'node_modules', '@microsoft', 'teams-js', 'dist', 'umd', 'MicrosoftTeams.min.js');
    server.get('/tab', async (req: Request, res: Response) => page(req, res, deps));
    server.get('/tab/teams.js', async (_req: Request, res: Response) => file(res, teamsJs));
    server.get('/tab/app.js', async (_req: Request, res: Response) => file(res, join(deps.publicDir, 'tab-app.js')));

    server.get('/api/tab/dashboard', async (req: Request, res: Response) => {
      const locale = resolveLocale(String(req.query?.locale ?? ''), deps.defaultLocale);
      const actor = await tabActor(req, res, deps);
      if (!actor) return;
      const d = await deps.dashboards.of(actor);
      const t = (key: string, params?: Record<string, string>) => translate(locale, `tab.${key}`, params);
      const list = (items: readonly string[] | undefined) => (items ? (items.length ? items : [t('none')]) : undefined);
      res.json({
        title: t('hello', { name: actor.name }),
        pipeline: t('pipeline'),
        ...figures(d.pipeline, locale),
        sections: [
          {
            title: t('enrollment'),
            // A provider's user has nothing to enroll: the section is for resellers and those about to become one.
            items: d.enrollment
              ? [`${d.enrollment.company ? `${d.enrollment.company}: ` : ''}${translate(locale, `enrollmentUi.statuses.${d.enrollment.status}`)}`]
              : d.indirectResellers
                ? undefined
                : [t('noEnrollment')],
          },
          { title: t('indirectProviders'), items: list(d.indirectProviders?.map((p) => (p.state === 'authorized' ? p.name : t(p.state, { provider: p.name })))) },
          { title: t('indirectResellers'), items: list(d.indirectResellers?.map((p) => p.name)) },
          { title: t('customers'), items: list(d.customers?.map((c) => `${c.name} (${c.domain})`)) },
          {
            title: t('approvals'),
            items: list(d.approvals.map((a) => (a.kind === 'request' ? t('requestFrom', { reseller: a.reseller }) : t('applicationFrom', { company: a.company })))),
          },
        ].filter((s) => s.items !== undefined),
      });
    });

    server.get('/api/tab/audit.csv', async (req: Request, res: Response) => {
      const locale = resolveLocale(String(req.query?.locale ?? ''), deps.defaultLocale);
      const actor = await tabActor(req, res, deps);
      if (!actor) return;
      const exported = await deps.audits.export(actor, locale);
      if (!exported.ok) return sendError(res, 403, 'Forbidden', refusal(exported.error, translator(locale), locale));
      sendCsv(res, exported.value);
    });
  };
}

/** One bar of a chart: its label as drawn, the full label for the data list and text alternative, and its count. */
interface Bar {
  readonly label: string;
  readonly fullLabel: string;
  readonly value: number;
}

/** A chart as the tab draws it: `bars` are horizontal categories, `columns` a time series. */
interface Chart {
  readonly id: string;
  readonly kind: 'bars' | 'columns';
  readonly title: string;
  readonly bars: readonly Bar[];
}

/** Month names per language, built once, on first use (a formatter per request costs more than the formatting; see presenting.ts). */
const MONTHS: Partial<Record<Locale, { short: Intl.DateTimeFormat; long: Intl.DateTimeFormat }>> = {};
const TAGS: Record<Locale, string> = { en: 'en-GB', it: 'it-IT' };

function monthFormats(locale: Locale): { short: Intl.DateTimeFormat; long: Intl.DateTimeFormat } {
  return (MONTHS[locale] ??= {
    short: new Intl.DateTimeFormat(TAGS[locale], { month: 'short', timeZone: 'UTC' }),
    long: new Intl.DateTimeFormat(TAGS[locale], { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  });
}

/** The counts summary and the charts of the pipeline, in the user's language. */
function figures(pipeline: Pipeline, locale: Locale): { summary: string[]; charts: Chart[] } {
  const t = (key: string, params?: Record<string, number>) => translate(locale, `tab.${key}`, params);
  const categories = (keys: readonly string[], group: string, counts: Readonly<Record<string, number>>): Bar[] =>
    keys.map((k) => ({ label: t(`charts.${group}.${k}`), fullLabel: t(`charts.${group}.${k}`), value: counts[k] ?? 0 }));
  const { short, long } = monthFormats(locale);
  const months = (series: readonly MonthCount[]): Bar[] =>
    series.map(({ month, count }) => {
      const first = new Date(`${month}-01T00:00:00Z`);
      return { label: short.format(first).replace('.', ''), fullLabel: long.format(first), value: count };
    });
  const summary: string[] = [];
  const charts: Chart[] = [];
  const { provider, reseller, reviews } = pipeline;
  if (provider) {
    summary.push(t('summary.requestsWaiting', { count: provider.relationships.requested }), t('summary.resellersAuthorized', { count: provider.relationships.authorized }));
    charts.push(
      { id: 'relationships', kind: 'bars', title: t('charts.relationships'), bars: categories(LINK_STAGES, 'stages', provider.relationships) },
      { id: 'requests-by-age', kind: 'bars', title: t('charts.requestsByAge'), bars: categories(AGE_BUCKETS, 'ages', provider.requestsByAge) },
      { id: 'shared-customers', kind: 'columns', title: t('charts.sharedCustomers'), bars: months(provider.sharedCustomersByMonth) },
    );
  }
  if (reseller) {
    summary.push(t('summary.providersWaiting', { count: reseller.providers.waitingForAuthorization }), t('summary.invitationsOpen', { count: reseller.invitations.sent }));
    charts.push(
      { id: 'providers', kind: 'bars', title: t('charts.providers'), bars: categories(LINK_STAGES, 'stages', reseller.providers) },
      { id: 'invitations', kind: 'bars', title: t('charts.invitations'), bars: categories(INVITATION_STAGES, 'invitationStages', reseller.invitations) },
      { id: 'customers-by-month', kind: 'columns', title: t('charts.customersByMonth'), bars: months(reseller.customersByMonth) },
    );
  }
  if (reviews) {
    summary.push(t('summary.reviewsWaiting', { count: Object.values(reviews.byAge).reduce((a, b) => a + b, 0) }));
    charts.push({ id: 'reviews-by-age', kind: 'bars', title: t('charts.reviewsByAge'), bars: categories(AGE_BUCKETS, 'ages', reviews.byAge) });
  }
  return { summary, charts };
}

/**
 * The tab's caller, from the SSO bearer token Teams gave the page (or, in demo mode only, a
 * persona); undefined when the answer (401, 403) has been sent already.
 */
async function tabActor(req: Request, res: Response, deps: TabDeps): Promise<Actor | undefined> {
  let actor: Actor | undefined;
  const header = String(req.header('authorization') ?? '');
  const persona = String(req.header('x-demo-persona') ?? '');
  try {
    // Teams SSO: an Entra token whose signature, audience, issuer and tenant were verified, as proven as an OpenID sign-in (so a reviewer sees the review queue).
    if (header.startsWith('Bearer ')) actor = { ...(await deps.sso.verify(header.slice(7))), proof: 'openid' };
    else if (persona && deps.personas) {
      // Demo mode only: the persona's identity as the embedded OpenID provider would prove it.
      const p = deps.personas.find((x) => x.id === persona);
      if (p) actor = { userId: p.oid, name: p.name, tenantId: p.tid, proof: 'openid', globalAdmin: p.wids.includes(GLOBAL_ADMIN_ROLE) };
    }
  } catch (error) {
    if (error instanceof TenantNotAllowed) {
      deps.log.info({ tenantId: error.tenantId }, 'SSO token of a tenant not served here');
      sendError(res, 403, 'Forbidden', 'Your organization does not use this assistant yet.');
      return undefined;
    }
    if (sendTokenError(res, error, deps.log, 'SSO token')) return undefined;
    throw error;
  }
  if (!actor) sendError(res, 401, 'Unauthorized', 'An SSO token from Teams is required.');
  return actor;
}

function page(req: Request, res: Response, deps: TabDeps): void {
  const locale = resolveLocale(String(req.query?.locale ?? ''), pageLocale(req, deps.defaultLocale));
  const t = (key: string) => escapeHtml(translate(locale, `tab.${key}`));
  const texts = {
    outsideTeams: translate(locale, 'tab.outsideTeams'),
    error: translate(locale, 'tab.error'),
    signInFailed: translate(locale, 'tab.signInFailed'),
    downloading: translate(locale, 'audit.tab.downloading'),
    downloaded: translate(locale, 'audit.tab.downloaded'),
    refused: translate(locale, 'audit.tab.refused'),
  };
  const demo = deps.personas
    ? `<form id="demo" hidden><label for="persona">${t('demo')}</label> <select id="persona">${deps.personas
        .map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(`${p.name} — ${translate(locale, `webchat.roles.${p.role}`)}`)}</option>`)
        .join('')}</select> <button type="submit">${t('show')}</button></form>`
    : '';
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('title')}</title>
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;padding:1rem;background:var(--bg);color:var(--fg)}
body{--bg:#f5f5f5;--fg:#242424;--card:#fff;--line:#d1d1d1;--accent:#4f52b2;--bar:#5b5fc7;--bar2:#0f6cbd;--on-bar:#fff;--focus:#242424}
body.dark{--bg:#1f1f1f;--fg:#fff;--card:#292929;--line:#5c5c5c;--accent:#7f85f5;--bar:#7f85f5;--bar2:#62abf5;--on-bar:#000;--focus:#fff}
body.contrast{--bg:#000;--fg:#fff;--card:#000;--line:#fff;--accent:#ffff01;--bar:#ffff01;--bar2:#1aebff;--on-bar:#000;--focus:#1aebff}
h1{font-size:1.3rem}h2{font-size:1.1rem}section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:.75rem 0}
section h2{font-size:1rem;margin:0 0 .5rem;color:var(--accent)}ul{margin:0;padding-left:1.2rem}
button,select{font:inherit;padding:.4rem;max-width:100%}
main{max-width:64rem;margin:0 auto}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.5rem;list-style:none;padding:0;margin:.75rem 0}
.summary li{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--bar);border-radius:8px;padding:.6rem .8rem;font-weight:600;overflow-wrap:anywhere}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,18rem),1fr));gap:.75rem}
figure.chart{position:relative;margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;min-width:0}
figure.chart:focus{outline:3px solid var(--focus);outline-offset:2px}
figure.chart figcaption{font-weight:600;margin:0 0 .5rem;color:var(--accent);overflow-wrap:anywhere}
svg.plot{display:block;width:100%}
.plot .bar{fill:var(--bar)}.plot .col{fill:var(--bar2)}.plot .axis{stroke:var(--line);stroke-width:1}
body.contrast .plot .bar,body.contrast .plot .col{stroke:var(--fg);stroke-width:1}
.plot text{fill:var(--fg);font-size:13px;font-family:inherit}.plot text.value{font-weight:700}.plot text.on{fill:var(--on-bar)}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
</style>
</head>
<body>
<main id="tab" data-locale="${locale}" data-text="${escapeHtml(JSON.stringify(texts))}">
<h1 id="heading">${t('title')}</h1>
<p id="message" role="status">${t('loading')}</p>
${demo}
<h2 id="pipeline" hidden>${t('pipeline')}</h2>
<ul id="summary" class="summary" hidden></ul>
<div id="charts" class="charts"></div>
<div id="sections"></div>
<p><button id="export-audit" type="button" hidden>${escapeHtml(translate(locale, 'audit.tab.download'))}</button></p>
<p id="export-status" role="status" aria-live="polite"></p>
</main>
<script src="/tab/teams.js"></script>
<script src="/tab/app.js"></script>
</body>
</html>`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft https://*.office.com",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}

function file(res: Response, path: string): Promise<void> {
  return sendStatic(res, path, 'application/javascript; charset=utf-8', 'no-cache');
}
