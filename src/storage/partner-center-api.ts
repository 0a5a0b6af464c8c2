import { randomUUID } from 'node:crypto';
import type {
  AcceptanceLink,
  GdapRequest,
  PartnerCenter,
  PartnerCenterCustomer,
  PartnerCenterHealth,
  PartnerCenterResult,
  PartnerIdCheck,
  PartnerRelationship,
} from '../app/partner-center.port.js';
import type { PartnerProfile } from '../domain/enrollment/enrollment.js';
import { TokenUnavailable, type Resource } from './partner-center-tokens.js';

/** Where tokens come from: app-only, or App+User in the name of the provider admin who signed in. */
export interface TokenSource {
  appOnly(resource: Resource, fresh?: boolean): Promise<string>;
  appUser(resource: Resource, fresh?: boolean): Promise<string>;
  /** Why App+User calls cannot be made now (no admin signed in), or undefined when they can. */
  appUserProblem?(): Promise<string | undefined>;
}

/** How the API adapter reaches Partner Center and Microsoft Graph, and how patient it is. */
export interface PartnerCenterApiOptions {
  /** The partner tenant the app is registered in: the one organization this instance speaks for. */
  readonly partnerTenantId: string;
  readonly partnerCenterUrl: string;
  readonly graphUrl: string;
  readonly tokens: TokenSource;
  /** Time limit of one HTTP answer (ms). */
  readonly timeoutMs?: number;
  /** Tries of one call, the first included, on 429, 5xx and no answer. */
  readonly attempts?: number;
  /** Base of the exponential backoff between tries (ms); each wait is a random share of it (full jitter). */
  readonly backoffMs?: number;
  /** The longest Retry-After honoured (ms): longer, and the call is reported unavailable at once. */
  readonly maxRetryAfterMs?: number;
  /** Customers asked for per page. */
  readonly pageSize?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** The GDAP roles the assistant offers, by their Entra role template ids. */
export const GDAP_ROLE_IDS: Readonly<Record<string, string>> = {
  'Directory Readers': '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Service Support Administrator': 'f023fd81-a637-4b56-95fd-791ac0226033',
  'License Administrator': '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
};

/** Where the customer's admin approves a locked GDAP relationship. */
export const GDAP_INVITATION_URL = 'https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/';

const MAX_PAGES = 500;
const HEALTH_TTL_MS = 30_000;

type Auth = 'appOnly' | 'appUser';
type Answer = { status: number; body: unknown; headers: Headers };
type Call = { api: Resource; method: 'GET' | 'POST'; url: string; auth: Auth; body?: unknown; headers?: Record<string, string> };

/**
 * The Partner Center REST API (api.partnercenter.microsoft.com) and Microsoft Graph behind the
 * PartnerCenter port. Every call: a token (refreshed once after a 401), a time limit, retries with
 * exponential backoff and full jitter on 5xx and no answer, Retry-After honoured up to a bound on 429;
 * lists follow their continuation tokens to the last page.
 */
export class PartnerCenterApi implements PartnerCenter {
  readonly kind = 'api' as const;
  private readonly o: Required<Omit<PartnerCenterApiOptions, 'fetch'>> & { fetch: typeof fetch };
  private lastFailure?: { at: number; reason: string };
  private probe?: { at: number; reason?: string };

  constructor(options: PartnerCenterApiOptions) {
    this.o = {
      timeoutMs: 10_000,
      attempts: 4,
      backoffMs: 500,
      maxRetryAfterMs: 30_000,
      pageSize: 100,
      fetch: globalThis.fetch.bind(globalThis),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      now: Date.now,
      ...options,
      partnerTenantId: options.partnerTenantId.toLowerCase(),
      partnerCenterUrl: options.partnerCenterUrl.replace(/\/+$/, ''),
      graphUrl: options.graphUrl.replace(/\/+$/, ''),
    };
  }

  /** A partner program sign-in is not something the API lists: the PartnerID is checked on its own instead. */
  async profilesForSignIn(): Promise<PartnerProfile[]> {
    return [];
  }

  async checkPartnerId(partnerId: string): Promise<PartnerCenterResult<PartnerIdCheck>> {
    const id = partnerId.trim();
    const answer = await this.send({ api: 'partnerCenter', method: 'GET', url: `${this.o.partnerCenterUrl}/v1/profiles/mpn?mpnId=${encodeURIComponent(id)}`, auth: 'appUser' });
    if (answer.kind !== 'ok') return answer;
    const body = record(answer.value.body);
    const country = text(body.countryCode ?? body.country ?? record(body.address).country).toUpperCase();
    return {
      kind: 'ok',
      value: {
        partnerId: text(body.mpnId) || id,
        organizationName: text(body.partnerName ?? body.companyName ?? body.name) || id,
        // The API answers 404 (code 3000) for ids it does not know; a status, when given, says more.
        active: !body.status || /^active$/i.test(text(body.status)),
        location: !/^global$/i.test(text(body.locationType ?? body.mpnIdType)),
        country,
      },
    };
  }

  async indirectResellers(providerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>> {
    if (!this.own(providerTenantId)) return notOurs();
    return this.relationships('IsIndirectCloudSolutionProviderOf');
  }

  async indirectProviders(resellerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>> {
    if (!this.own(resellerTenantId)) return notOurs();
    return this.relationships('IsIndirectResellerOf');
  }

  async customersOfReseller(providerTenantId: string, resellerTenantId: string): Promise<PartnerCenterResult<PartnerCenterCustomer[]>> {
    if (!this.own(providerTenantId)) return notOurs();
    const filter = JSON.stringify({ Field: 'IndirectReseller', Value: resellerTenantId, Operator: 'starts_with' });
    const own = providerTenantId.toLowerCase() === resellerTenantId.toLowerCase();
    const query = `size=${this.o.pageSize}${own ? '' : `&filter=${encodeURIComponent(filter)}`}`;
    const items = await this.pages({ api: 'partnerCenter', method: 'GET', url: `${this.o.partnerCenterUrl}/v1/customers?${query}`, auth: 'appOnly' });
    if (items.kind !== 'ok') return items;
    return {
      kind: 'ok',
      value: items.value.map((raw) => {
        const item = record(raw);
        const profile = record(item.companyProfile);
        const tenantId = (text(profile.tenantId) || text(item.id)).toLowerCase();
        return { id: text(item.id).toLowerCase() || tenantId, tenantId, domain: text(profile.domain), companyName: text(profile.companyName), relationshipToPartner: text(item.relationshipToPartner).toLowerCase() };
      }),
    };
  }

  async partnersOfCustomer(customerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>> {
    const items = await this.pages({ api: 'partnerCenter', method: 'GET', url: `${this.o.partnerCenterUrl}/v1/customers/${encodeURIComponent(customerTenantId)}/relationships`, auth: 'appUser' });
    return items.kind === 'ok' ? { kind: 'ok', value: items.value.map(relationship) } : items;
  }

  async customerRelationshipLink(partnerTenantId: string): Promise<PartnerCenterResult<AcceptanceLink>> {
    if (!this.own(partnerTenantId)) return notOurs();
    const answer = await this.send({ api: 'partnerCenter', method: 'GET', url: `${this.o.partnerCenterUrl}/v1/customers/relationshiprequests`, auth: 'appUser' });
    if (answer.kind !== 'ok') return answer;
    const url = text(record(answer.value.body).url);
    if (!/^https:\/\//.test(url)) return { kind: 'unavailable', reason: 'Partner Center answered without a relationship request link' };
    return { kind: 'ok', value: { source: 'partnerCenter', url } };
  }

  async gdapInvitation(partnerTenantId: string, request: GdapRequest): Promise<PartnerCenterResult<AcceptanceLink>> {
    if (!this.own(partnerTenantId)) return notOurs();
    const roles = request.roles.map((name) => GDAP_ROLE_IDS[name]);
    if (!roles.length || roles.some((id) => !id)) return { kind: 'notAllowed', reason: 'a GDAP role the assistant does not offer' };
    const base = `${this.o.graphUrl}/v1.0/tenantRelationships/delegatedAdminRelationships`;
    const created = await this.send({
      api: 'graph',
      method: 'POST',
      url: base,
      auth: 'appOnly',
      body: {
        // Graph wants a unique display name of at most 50 characters.
        displayName: `${request.displayName.slice(0, 40)} ${randomUUID().slice(0, 8)}`,
        duration: `P${request.durationDays}D`,
        ...(request.customerTenantId ? { customer: { tenantId: request.customerTenantId } } : {}),
        accessDetails: { unifiedRoles: roles.map((roleDefinitionId) => ({ roleDefinitionId })) },
      },
    });
    if (created.kind !== 'ok') return created;
    const id = text(record(created.value.body).id);
    if (!/^[\w-]+$/.test(id)) return { kind: 'unavailable', reason: 'Graph created a relationship without an id' };
    const locked = await this.send({ api: 'graph', method: 'POST', url: `${base}/${encodeURIComponent(id)}/requests`, auth: 'appOnly', body: { action: 'lockForApproval' } });
    if (locked.kind !== 'ok') return locked;
    return { kind: 'ok', value: { source: 'partnerCenter', url: `${GDAP_INVITATION_URL}${id}`, id } };
  }

  async health(): Promise<PartnerCenterHealth> {
    const now = this.o.now();
    if (!this.probe || now - this.probe.at >= HEALTH_TTL_MS) {
      // A cheap app-only read, one try, short time limit: readiness must not wait on retries.
      const answer = await this.send({ api: 'partnerCenter', method: 'GET', url: `${this.o.partnerCenterUrl}/v1/customers?size=1`, auth: 'appOnly' }, { attempts: 1, timeoutMs: Math.min(this.o.timeoutMs, 2000) });
      this.probe = { at: now, ...(answer.kind === 'unavailable' ? { reason: answer.reason } : {}) };
    }
    // Partner Center answers, but without a provider admin's sign-in most calls (App+User) cannot be made; asked afresh each time.
    const reason = this.probe.reason ?? (await this.o.tokens.appUserProblem?.());
    return reason ? { adapter: 'api', status: 'degraded', reason } : { adapter: 'api', status: 'ok' };
  }

  /** The last call that found Partner Center unavailable, for logs. */
  get lastUnavailable(): { at: number; reason: string } | undefined {
    return this.lastFailure;
  }

  private own(tenantId: string): boolean {
    return tenantId.toLowerCase() === this.o.partnerTenantId;
  }

  private async relationships(type: PartnerRelationship['relationshipType']): Promise<PartnerCenterResult<PartnerRelationship[]>> {
    const items = await this.pages({ api: 'partnerCenter', method: 'GET', url: `${this.o.partnerCenterUrl}/v1/relationships?relationship_type=${type}`, auth: 'appUser' });
    return items.kind === 'ok' ? { kind: 'ok', value: items.value.map(relationship) } : items;
  }

  /** Every item of a Partner Center collection, following `links.next` and its MS-ContinuationToken. */
  private async pages(first: Call): Promise<PartnerCenterResult<unknown[]>> {
    const items: unknown[] = [];
    let call: Call | undefined = first;
    for (let page = 0; call; page++) {
      if (page >= MAX_PAGES) return this.unavailable(`more than ${MAX_PAGES} pages: the continuation never ended`);
      const answer = await this.send(call);
      if (answer.kind !== 'ok') return answer;
      const body = record(answer.value.body);
      if (Array.isArray(body.items)) items.push(...(body.items as unknown[]));
      call = this.nextPage(first, record(record(body.links).next));
    }
    return { kind: 'ok', value: items };
  }

  private nextPage(first: Call, next: Record<string, unknown>): Call | undefined {
    const uri = text(next.uri);
    if (!uri) return undefined;
    const headers: Record<string, string> = {};
    for (const h of Array.isArray(next.headers) ? (next.headers as unknown[]) : []) {
      const { key, value } = record(h);
      // Only the continuation token is taken from the answer: other headers stay ours.
      if (/^ms-continuationtoken$/i.test(text(key))) headers['MS-ContinuationToken'] = text(value);
    }
    const base = this.o.partnerCenterUrl;
    const url = /^https?:\/\//.test(uri) ? uri : `${base}${uri.startsWith('/v1/') ? '' : '/v1'}${uri.startsWith('/') ? '' : '/'}${uri}`;
    // A next link elsewhere would carry our token to another host.
    if (new URL(url).origin !== new URL(base).origin) return undefined;
    return { ...first, url, headers };
  }

  /** One call with its token, time limit and retries; the answer classified into the port's outcomes. */
  private async send(call: Call, limits: { attempts?: number; timeoutMs?: number } = {}): Promise<PartnerCenterResult<Answer>> {
    const attempts = limits.attempts ?? this.o.attempts;
    const timeoutMs = limits.timeoutMs ?? this.o.timeoutMs;
    let refreshed = false;
    let lastProblem = '';
    for (let attempt = 0; attempt < attempts; ) {
      let token: string;
      try {
        token = call.auth === 'appOnly' ? await this.o.tokens.appOnly(call.api, refreshed) : await this.o.tokens.appUser(call.api, refreshed);
      } catch (error) {
        if (error instanceof TokenUnavailable) return this.unavailable(error.message);
        throw error;
      }
      let answer: Answer;
      try {
        answer = await this.fetchOnce(call, token, timeoutMs);
      } catch (error) {
        lastProblem = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `unreachable (${(error as Error).message})`;
        attempt++;
        if (attempt < attempts) await this.o.sleep(this.backoff(attempt));
        continue;
      }
      const { status } = answer;
      if (status >= 200 && status < 300) return { kind: 'ok', value: answer };
      if (status === 401) {
        // An expired or revoked token: one new token, then the answer stands.
        if (refreshed) return this.unavailable(`${host(call.url)} refused the token even after a refresh (401)`);
        refreshed = true;
        continue;
      }
      if (status === 403) return { kind: 'notAllowed', reason: describe(answer.body) || 'forbidden (403)' };
      if (status === 404) return { kind: 'notFound', ...(errorCode(answer.body) ? { code: errorCode(answer.body) } : {}) };
      if (status === 429) {
        const wait = retryAfter(answer.headers.get('retry-after'), this.o.now());
        attempt++;
        if (wait > this.o.maxRetryAfterMs) return this.unavailable(`${host(call.url)} throttled the assistant for ${Math.ceil(wait / 1000)} s (429)`);
        lastProblem = 'throttled (429)';
        if (attempt < attempts) await this.o.sleep(wait || this.backoff(attempt));
        continue;
      }
      if (status >= 500) {
        lastProblem = `answered ${status}`;
        attempt++;
        if (attempt < attempts) await this.o.sleep(this.backoff(attempt));
        continue;
      }
      return this.unavailable(`${host(call.url)} answered ${status}: ${describe(answer.body)}`);
    }
    return this.unavailable(`${host(call.url)} ${lastProblem} after ${attempts} ${attempts === 1 ? 'try' : 'tries'}`);
  }

  private async fetchOnce(call: Call, token: string, timeoutMs: number): Promise<Answer> {
    const response = await this.o.fetch(call.url, {
      method: call.method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'MS-RequestId': randomUUID(),
        'MS-CorrelationId': randomUUID(),
        ...(call.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...call.headers,
      },
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    const raw = await response.text();
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw.replace(/^\uFEFF/, '')) : undefined;
    } catch {
      // Not JSON (an HTML error page of a proxy): kept as text for the reason.
      body = raw.slice(0, 200);
    }
    return { status: response.status, body, headers: response.headers };
  }

  private backoff(attempt: number): number {
    // Full jitter: a random wait up to the exponential bound, so many clients do not retry in step.
    return Math.floor(this.o.random() * this.o.backoffMs * 2 ** (attempt - 1));
  }

  private unavailable<T>(reason: string): PartnerCenterResult<T> {
    this.lastFailure = { at: this.o.now(), reason };
    return { kind: 'unavailable', reason };
  }
}

function notOurs<T>(): PartnerCenterResult<T> {
  return { kind: 'notAllowed', reason: 'the assistant speaks to Partner Center only for the partner tenant it is registered in' };
}

function relationship(raw: unknown): PartnerRelationship {
  const item = record(raw);
  const type = text(item.relationshipType);
  return {
    tenantId: text(item.id).toLowerCase(),
    name: text(item.name),
    relationshipType: /IsIndirectResellerOf/i.test(type) ? 'IsIndirectResellerOf' : 'IsIndirectCloudSolutionProviderOf',
    state: text(item.state).toLowerCase() || 'active',
    ...(text(item.mpnId) ? { partnerId: text(item.mpnId) } : {}),
    ...(text(item.location) ? { country: text(item.location).toUpperCase() } : {}),
  };
}

/** Retry-After in ms: seconds, or an HTTP date. */
function retryAfter(header: string | null, now: number): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

function errorCode(body: unknown): string | undefined {
  const code = record(body).code ?? record(record(body).error).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

function describe(body: unknown): string {
  const b = record(body);
  const description = text(b.description ?? record(b.error).message);
  return (description || (typeof body === 'string' ? body : '')).slice(0, 200);
}

function host(url: string): string {
  return new URL(url).host;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}
