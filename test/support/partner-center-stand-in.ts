import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/** What the stand-in answers a matching request with instead of the data (one fault per request, in order). */
export interface Fault {
  readonly status?: number;
  readonly retryAfter?: string;
  /** Wait this long before answering (a slow Partner Center). */
  readonly delayMs?: number;
  readonly body?: unknown;
}

/** One relationship as `GET /v1/relationships` lists it. */
export interface StandInRelationship {
  readonly id: string;
  readonly name: string;
  readonly relationshipType: 'IsIndirectCloudSolutionProviderOf' | 'IsIndirectResellerOf';
  readonly state: string;
  readonly mpnId?: string;
  readonly location?: string;
}

/** One customer as `GET /v1/customers` lists it, with the indirect reseller it was filtered on. */
export interface StandInCustomer {
  readonly id: string;
  readonly companyProfile: { readonly tenantId: string; readonly domain: string; readonly companyName: string };
  readonly relationshipToPartner: string;
  readonly indirectReseller: string;
}

/** The data the stand-in serves. */
export interface StandInData {
  mpn: Record<string, { partnerName: string; countryCode: string; status?: string; locationType?: string }>;
  relationships: StandInRelationship[];
  customers: StandInCustomer[];
  /** The partners of each customer, by customer id. */
  customerPartners: Record<string, StandInRelationship[]>;
  relationshipRequestUrl: string;
}

/** One request the stand-in received. */
export interface StandInRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body?: any;
  readonly at: number;
}

// Endpoints Microsoft documents as App+User only: an app-only token gets 403 there.
const APP_USER_ONLY = [/^\/pc\/v1\/profiles\/mpn$/, /^\/pc\/v1\/relationships$/, /^\/pc\/v1\/customers\/relationshiprequests$/, /^\/pc\/v1\/customers\/[^/]+\/relationships$/];

/**
 * A local stand-in of Entra ID's token endpoint, the Partner Center REST API (under /pc) and
 * Microsoft Graph's delegatedAdminRelationships (under /graph), serving the documented shapes:
 * paged collections with continuation tokens, 404 with error code 3000 for unknown PartnerIDs, and
 * whatever faults a test queues (401, 403, 429 with Retry-After, 5xx, slow answers).
 */
export class PartnerCenterStandIn {
  readonly requests: StandInRequest[] = [];
  readonly tokenRequests: Record<string, string>[] = [];
  /** Faults queued per path prefix; each matching request takes the first. */
  private readonly faults: { prefix: string; fault: Fault }[] = [];
  /** Access tokens issued, and whether they are an app's or the signed-in admin's. */
  private readonly tokens = new Map<string, { kind: 'app' | 'user'; expired: boolean }>();
  private readonly refreshTokens = new Map<string, { oid: string; tid: string; name: string }>();
  private readonly codes = new Map<string, { oid: string; tid: string; name: string }>();
  readonly gdap = new Map<string, { body: any; status: string }>();
  /** Items per page of the relationship lists (customers use the `size` asked for). */
  pageSize = 2;
  private server?: Server;
  private port = 0;

  constructor(
    readonly tenantId: string,
    public data: StandInData,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => {
        res.statusCode = 500;
        res.end(error.message);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Queues faults for requests whose path starts with `prefix` (e.g. /pc/v1/relationships). */
  fail(prefix: string, ...faults: Fault[]): void {
    for (const fault of faults) this.faults.push({ prefix, fault });
  }

  /** Every access token issued so far stops working (401) until a new one is fetched. */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expired = true;
  }

  /** A code for the authorization code flow, as Entra ID would give after an admin of `tid` signed in. */
  issueCode(user: { oid: string; tid: string; name: string }): string {
    const code = `code-${randomUUID()}`;
    this.codes.set(code, user);
    return code;
  }

  /** Requests to Partner Center or Graph (not the token endpoint) whose path starts with `prefix`. */
  calls(prefix: string): StandInRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** msal's network client for tests: every https URL of Entra ID goes to this stand-in instead. */
  networkClient(): INetworkModule {
    const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
      const target = new URL(url);
      const response = await fetch(`${this.url}/entra${target.pathname}${target.search}`, { method, headers: options?.headers, body: options?.body });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => (headers[key] = value));
      return { status: response.status, headers, body: (await response.json()) as T };
    };
    return { sendGetRequestAsync: (url, options) => send('GET', url, options), sendPostRequestAsync: (url, options) => send('POST', url, options) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => resolve(text));
    });
    if (url.pathname.startsWith('/entra/')) return this.entra(url, raw, res);
    const body = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, at: Date.now() });
    const index = this.faults.findIndex((f) => url.pathname.startsWith(f.prefix));
    if (index >= 0) {
      const [{ fault }] = this.faults.splice(index, 1);
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status) {
        if (fault.retryAfter) res.setHeader('Retry-After', fault.retryAfter);
        return json(res, fault.status, fault.body ?? { code: fault.status, description: `stand-in fault ${fault.status}` });
      }
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const held = token ? this.tokens.get(token) : undefined;
    if (!held || held.expired) return json(res, 401, { code: 401, description: 'The access token is missing, invalid or expired' });
    if (held.kind === 'app' && APP_USER_ONLY.some((p) => p.test(url.pathname))) return json(res, 403, { code: 600010, description: 'This operation requires App+User credentials' });
    if (url.pathname.startsWith('/pc/')) return this.partnerCenter(req.method ?? 'GET', url, req.headers, res);
    if (url.pathname.startsWith('/graph/')) return this.graph(req.method ?? 'GET', url, body, res);
    return json(res, 404, { code: 404, description: 'no such endpoint' });
  }

  private partnerCenter(method: string, url: URL, headers: IncomingMessage['headers'], res: ServerResponse): void {
    const path = url.pathname.slice('/pc'.length);
    const continuation = typeof headers['ms-continuationtoken'] === 'string' ? headers['ms-continuationtoken'] : undefined;
    if (method === 'GET' && path === '/v1/profiles/mpn') {
      const id = url.searchParams.get('mpnId') ?? '';
      const p = this.data.mpn[id];
      if (!p) return json(res, 404, { code: 3000, description: `MpnId ${id} not found`, errorName: 'MpnIdNotFound' });
      return json(res, 200, { mpnId: id, partnerName: p.partnerName, countryCode: p.countryCode, ...(p.status ? { status: p.status } : {}), ...(p.locationType ? { locationType: p.locationType } : {}), profileType: 'MpnProfile' });
    }
    if (method === 'GET' && path === '/v1/relationships') {
      const type = url.searchParams.get('relationship_type');
      const all = this.data.relationships.filter((r) => r.relationshipType === type);
      return this.page(res, all, this.pageSize, continuation, `/relationships?relationship_type=${type}`);
    }
    if (method === 'GET' && path === '/v1/customers/relationshiprequests') {
      return json(res, 200, { url: this.data.relationshipRequestUrl, attributes: { objectType: 'RelationshipRequest' } });
    }
    const partners = /^\/v1\/customers\/([^/]+)\/relationships$/.exec(path);
    if (method === 'GET' && partners) {
      const list = this.data.customerPartners[decodeURIComponent(partners[1])];
      if (!list) return json(res, 404, { code: 2000, description: 'Customer not found' });
      return json(res, 200, { totalCount: list.length, items: list, attributes: { objectType: 'Collection' } });
    }
    if (method === 'GET' && path === '/v1/customers') {
      const size = Math.max(1, Math.min(Number(url.searchParams.get('size') ?? '100') || 100, 500));
      const filter = url.searchParams.get('filter');
      const wanted = filter ? (JSON.parse(filter) as { Field: string; Value: string }) : undefined;
      const all = this.data.customers
        .filter((c) => !wanted || (wanted.Field === 'IndirectReseller' && c.indirectReseller.startsWith(wanted.Value)))
        .map(({ indirectReseller: _r, ...c }) => c);
      return this.page(res, all, size, continuation, `/customers?size=${size}&seekOperation=Next${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`);
    }
    json(res, 404, { code: 404, description: 'no such endpoint' });
  }

  private page(res: ServerResponse, all: unknown[], size: number, continuation: string | undefined, nextUri: string): void {
    const from = continuation ? Number(/^page-(\d+)$/.exec(continuation)?.[1] ?? NaN) : 0;
    if (!Number.isInteger(from)) return json(res, 400, { code: 400, description: 'bad continuation token' });
    const items = all.slice(from, from + size);
    const more = from + size < all.length;
    json(res, 200, {
      totalCount: items.length,
      items,
      links: {
        self: { uri: nextUri, method: 'GET', headers: [] },
        ...(more ? { next: { uri: nextUri, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: `page-${from + size}` }] } } : {}),
      },
      attributes: { objectType: 'Collection' },
    });
  }

  private graph(method: string, url: URL, body: any, res: ServerResponse): void {
    const path = url.pathname.slice('/graph'.length);
    if (method === 'POST' && path === '/v1.0/tenantRelationships/delegatedAdminRelationships') {
      if (!body?.displayName || !/^P\d+D$/.test(body?.duration ?? '') || !body?.accessDetails?.unifiedRoles?.length) {
        return json(res, 400, { error: { code: 'BadRequest', message: 'displayName, duration and accessDetails are required' } });
      }
      const id = `${randomUUID()}-${randomUUID()}`;
      this.gdap.set(id, { body, status: 'created' });
      return json(res, 201, { id, displayName: body.displayName, duration: body.duration, status: 'created', accessDetails: body.accessDetails });
    }
    const lock = /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/([^/]+)\/requests$/.exec(path);
    if (method === 'POST' && lock) {
      const relationship = this.gdap.get(decodeURIComponent(lock[1]));
      if (!relationship) return json(res, 404, { error: { code: 'NotFound', message: 'no such relationship' } });
      if (body?.action !== 'lockForApproval') return json(res, 400, { error: { code: 'BadRequest', message: 'unknown action' } });
      relationship.status = 'approvalPending';
      return json(res, 201, { id: randomUUID(), action: 'lockForApproval', status: 'created' });
    }
    json(res, 404, { error: { code: 'NotFound', message: 'no such endpoint' } });
  }

  private entra(url: URL, raw: string, res: ServerResponse): void {
    const path = url.pathname.slice('/entra'.length);
    const issuerBase = `https://login.microsoftonline.com/${this.tenantId}`;
    if (path.endsWith('/.well-known/openid-configuration')) {
      return json(res, 200, {
        issuer: `${issuerBase}/v2.0`,
        authorization_endpoint: `${issuerBase}/oauth2/v2.0/authorize`,
        token_endpoint: `${issuerBase}/oauth2/v2.0/token`,
        end_session_endpoint: `${issuerBase}/oauth2/v2.0/logout`,
        jwks_uri: `${issuerBase}/discovery/v2.0/keys`,
        response_types_supported: ['code'],
      });
    }
    if (path.includes('/discovery/instance')) {
      return json(res, 200, {
        tenant_discovery_endpoint: `${issuerBase}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net'] }],
      });
    }
    if (path.endsWith('/oauth2/v2.0/token')) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      this.tokenRequests.push(form);
      if (form.client_secret !== 'stand-in-secret') return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      const access = `at-${randomUUID()}`;
      if (form.grant_type === 'client_credentials') {
        this.tokens.set(access, { kind: 'app', expired: false });
        return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
      }
      const user = form.grant_type === 'authorization_code' ? this.codes.get(form.code) : form.grant_type === 'refresh_token' ? this.refreshTokens.get(form.refresh_token) : undefined;
      if (!user) return json(res, 400, { error: 'invalid_grant', error_description: 'AADSTS70000: The provided grant is invalid or expired.' });
      if (form.grant_type === 'authorization_code') this.codes.delete(form.code);
      const refresh = `rt-${randomUUID()}`;
      this.refreshTokens.set(refresh, user);
      this.tokens.set(access, { kind: 'user', expired: false });
      const now = Math.floor(Date.now() / 1000);
      const idToken = [
        b64({ alg: 'none', typ: 'JWT' }),
        b64({ aud: form.client_id, iss: `https://login.microsoftonline.com/${user.tid}/v2.0`, iat: now, nbf: now, exp: now + 3600, oid: user.oid, sub: user.oid, tid: user.tid, name: user.name, preferred_username: user.name, ver: '2.0' }),
        '',
      ].join('.');
      return json(res, 200, {
        token_type: 'Bearer',
        scope: form.scope,
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: access,
        refresh_token: refresh,
        id_token: idToken,
        client_info: Buffer.from(JSON.stringify({ uid: user.oid, utid: user.tid })).toString('base64url'),
      });
    }
    json(res, 404, { error: 'not_found' });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
