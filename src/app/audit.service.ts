import type { Action } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import { auditRows, type AuditRow, type AuditSource } from '../domain/audit/audit-trail.js';
import { toCsv } from '../domain/audit/csv.js';
import type { Organization } from '../domain/organization/organization.js';
import type { Provider } from '../domain/provider/provider.js';
import { fail, ok, type Result } from '../domain/result.js';
import { hasMessage, translate, type Locale } from '../i18n/catalog.js';
import type { AccessService } from './access.service.js';
import type { Clock, RecordStore } from './ports.js';
import type { ApplicationStore, CustomerInvitationStore, CustomerStore, LinkStore } from './indexes.js';
import type { SignedLinks } from './signed-links.port.js';

/** What exporting an audit trail reads: every record type an organization can be a party to. */
export interface AuditDeps {
  readonly access: AccessService;
  readonly organizations: RecordStore<Organization>;
  readonly providers: RecordStore<Provider>;
  readonly applications: ApplicationStore;
  readonly links: LinkStore;
  readonly customerInvitations: CustomerInvitationStore;
  readonly customers: CustomerStore;
  readonly signedLinks: SignedLinks;
  readonly clock: Clock;
  readonly publicBaseUrl: string;
}

/** An organization's audit trail, ready to show and to download. */
export interface AuditExport {
  readonly organization: string;
  readonly filename: string;
  /** The rows as a person reads them, in the caller's language, headers first. */
  readonly table: readonly (readonly string[])[];
  /** The same table as a CSV document (UTF-8 with BOM). */
  readonly csv: string;
}

/** Which organization an export is of: a reseller's (its Admin agents) or a provider's (its provider admins). */
type Scope = { readonly side: 'reseller'; readonly organization: Organization } | { readonly side: 'provider'; readonly provider: Provider };

/** The `kind` of signed audit download links, so that no other signed link opens one. */
export const AUDIT_LINK_KIND = 'audit-export';
/** How long a download link works. */
export const AUDIT_LINK_MINUTES = 5;

const ACTIONS = { reseller: 'organization.exportAudit', provider: 'provider.exportAudit' } as const satisfies Record<Scope['side'], Action>;
/** Events whose detail names a person and role codes. */
const ROLE_DETAILS = new Set(['rolesChanged', 'colleagueInvited', 'colleagueJoined']);
const HEADERS = ['when', 'type', 'record', 'what', 'who', 'organization', 'detail'] as const;

/**
 * The audit trail of the caller's organization: every entry of every record it is a party to
 * (its organization or provider record, its enrollment applications, its provider relationships,
 * customer invitations and customers), for its Admin agents (reseller) or provider admins, as a
 * table and as CSV, and through short-lived signed download links re-checked at download time.
 */
export class AuditService {
  constructor(private readonly deps: AuditDeps) {}

  /** The caller's organization's audit trail, in their language; refused naming the role it needs. */
  async export(actor: Actor | undefined, locale: Locale, side?: Scope['side']): Promise<Result<AuditExport>> {
    const scope = await this.scopeOf(actor, side);
    return scope.ok ? ok(await this.build(scope.value, locale)) : scope;
  }

  /**
   * A download link for the caller's organization's trail: signed, for a few minutes, naming the
   * caller and the organization. The route checks the caller's role again when it is opened.
   */
  async downloadLink(actor: Actor | undefined, locale: Locale): Promise<Result<{ url: string; organization: string; entries: number; minutes: number }>> {
    const scope = await this.scopeOf(actor);
    if (!scope.ok) return scope;
    const exported = await this.build(scope.value, locale);
    const tenantId = scope.value.side === 'reseller' ? scope.value.organization.tenantId : scope.value.provider.tenantId;
    const exp = Math.floor(this.deps.clock.now().getTime() / 1000) + AUDIT_LINK_MINUTES * 60;
    const token = await this.deps.signedLinks.sign({ id: `${scope.value.side}:${tenantId}`, kind: AUDIT_LINK_KIND, subject: actor!.userId, exp });
    return ok({
      url: `${this.deps.publicBaseUrl}/exports/audit/${token}?lang=${locale}`,
      organization: exported.organization,
      entries: exported.table.length - 1,
      minutes: AUDIT_LINK_MINUTES,
    });
  }

  private async build(scope: Scope, locale: Locale): Promise<AuditExport> {
    const sources = await this.sourcesOf(scope);
    const name = scope.side === 'reseller' ? scope.organization.name : scope.provider.name;
    const id = scope.side === 'reseller' ? scope.organization.tenantId : scope.provider.tenantId;
    // Organizations outside the records: the caller's own, the operator (its reviewers) and the assistant's own steps.
    const operator = translate(locale, 'audit.operator');
    const known = { [id]: name, system: translate(locale, 'audit.assistant'), ...Object.fromEntries(this.deps.access.reviewerIds.map((r) => [r, operator])) };
    const rows = auditRows(sources, known);
    const people = new Map<string, string>(scope.side === 'reseller' ? scope.organization.members.map((m) => [m.userId, m.name]) : [...(scope.provider.members ?? []), ...(scope.provider.admins ?? [])].map((m) => [m.userId, m.name]));
    const table = [HEADERS.map((h) => translate(locale, `audit.headers.${h}`)), ...rows.map((row) => this.cells(row, locale, people))];
    const filename = `audit-trail-${this.deps.clock.now().toISOString().slice(0, 10)}.csv`;
    return { organization: name, filename, table, csv: toCsv(table) };
  }

  /**
   * The export a download link names, for the person it names, if they still hold the role:
   * the link says which export and for whom, the records say whether it is allowed.
   */
  async download(token: string, locale: Locale): Promise<Result<AuditExport>> {
    const verified = await this.deps.signedLinks.verify(token, AUDIT_LINK_KIND, this.deps.clock.now());
    if (!verified.ok) return fail(verified.reason === 'expired' ? 'AUDIT.LINK_EXPIRED' : 'AUDIT.LINK_INVALID', `audit.page.${verified.reason}`);
    const [side, tenantId] = verified.claims.id.split(':');
    if ((side !== 'reseller' && side !== 'provider') || !tenantId) return fail('AUDIT.LINK_INVALID', 'audit.page.invalid');
    // The person as the organization's records know them; the tenant is the one the link was issued in.
    const actor: Actor = { userId: verified.claims.subject, name: verified.claims.subject, tenantId };
    return this.export(actor, locale, side);
  }

  private cells(row: AuditRow, locale: Locale, people: ReadonlyMap<string, string>): string[] {
    const own = `audit.events.${row.type}.${row.what}`;
    const shared = row.type === 'enrollment' ? `enrollmentUi.events.${row.what}` : row.type === 'providerLink' ? `provider.events.${row.what}` : own;
    const key = [own, shared].find((k) => hasMessage(locale, k));
    return [row.at, translate(locale, `audit.types.${row.type}`), row.record, key ? translate(locale, key) : row.what, row.who, row.organization, this.detail(row, locale, people)];
  }

  /** Role changes keep `<user id or e-mail>: <role codes>`: a reader gets the person's name and the roles' names. */
  private detail(row: AuditRow, locale: Locale, people: ReadonlyMap<string, string>): string {
    if (!ROLE_DETAILS.has(row.what)) return row.detail;
    const found = /^([^:]+): ([^;]*)(;.*)?$/.exec(row.detail);
    if (!found) return row.detail;
    const [, whom, codes, rest = ''] = found;
    const roles = codes.split(',').filter((c) => c && c !== '-').map((c) => (hasMessage(locale, `access.roles.${c}`) ? translate(locale, `access.roles.${c}`) : c));
    return `${people.get(whom) ?? whom}: ${roles.length ? roles.join(', ') : translate(locale, 'audit.noRole')}${rest}`;
  }

  /** The organization whose trail the caller may export: the reseller side first, then the provider side. */
  private async scopeOf(actor: Actor | undefined, only?: Scope['side']): Promise<Result<Scope>> {
    const asReseller = only === 'provider' ? undefined : await this.deps.access.asReseller(ACTIONS.reseller, actor);
    if (asReseller?.ok) return ok({ side: 'reseller', organization: asReseller.value.scope });
    const asProvider = only === 'reseller' ? undefined : await this.deps.access.asProvider(ACTIONS.provider, actor);
    if (asProvider?.ok) return ok({ side: 'provider', provider: asProvider.value.scope });
    if (!asReseller) return asProvider!;
    if (!asProvider) return asReseller;
    // Refused on both sides: the refusal of the side the caller belongs to names the role they lack.
    return (await this.deps.access.providerOf(actor)) ? asProvider : asReseller;
  }

  private async sourcesOf(scope: Scope): Promise<AuditSource[]> {
    const id = scope.side === 'reseller' ? scope.organization.tenantId : scope.provider.tenantId;
    const sources: AuditSource[] = [];
    const people: Record<string, string> = {};
    if (scope.side === 'reseller') {
      const org = scope.organization;
      for (const m of org.members) people[m.userId] = org.name;
      sources.push({ type: 'organization', record: org.name, history: org.history, parties: { [org.tenantId]: org.name }, people });
      for await (const { value: app } of this.deps.applications.listBy('byTenant', org.tenantId)) {
        if (!app.history.length) continue;
        sources.push({ type: 'enrollment', record: app.legal?.legalName ?? app.mpn?.organizationName ?? org.name, history: app.history, parties: { [org.tenantId]: org.name }, people: { [app.applicantId]: org.name } });
      }
    } else {
      const p = scope.provider;
      for (const person of [...(p.members ?? []), ...(p.admins ?? [])]) people[person.userId] = p.name;
      for (const approver of p.approverIds) people[approver] = p.name;
      sources.push({ type: 'provider', record: p.name, history: p.history ?? [], parties: { [p.tenantId]: p.name }, people });
    }
    // The organization's own records through the indexes: as a reseller and as a provider, each once.
    const seen = new Set<string>();
    const links = [this.deps.links.listBy('byReseller', id), this.deps.links.listBy('byProvider', id)];
    for await (const { value: link } of concat(links)) {
      if (seen.has(link.id)) continue;
      seen.add(link.id);
      const parties = { [link.resellerId]: link.resellerName, [link.providerTenantId]: link.providerName };
      sources.push({ type: 'providerLink', record: link.resellerId === id ? link.providerName : link.resellerName, history: link.history, parties, people });
    }
    for await (const { value: inv } of this.deps.customerInvitations.listBy('byParty', id)) {
      const parties: Record<string, string> = { [inv.resellerId]: inv.resellerName, ...(inv.providerTenantId ? { [inv.providerTenantId]: inv.providerName ?? '' } : {}), ...(inv.customerId ? { [inv.customerId]: inv.companyName } : {}) };
      sources.push({ type: 'customerInvitation', record: inv.companyName, history: inv.history, parties, people });
    }
    for await (const { value: customer } of this.deps.customers.listBy('byParty', id)) {
      const parties = Object.fromEntries([[customer.id, customer.companyName], ...customer.relationships.map((r) => [r.partnerId, r.partnerName])]);
      sources.push({ type: 'customer', record: customer.companyName, history: customer.history ?? [], parties, people });
    }
    return sources;
  }
}

/** The items of several async lists, one list after the other. */
async function* concat<T>(lists: readonly AsyncIterable<T>[]): AsyncIterable<T> {
  for (const list of lists) yield* list;
}
