import type { Actor } from '../domain/actor.js';
import { toCsv } from '../domain/audit/csv.js';
import type { Customer } from '../domain/customer/customer.js';
import type { ProviderLink } from '../domain/provider/provider-link.js';
import type { Provider } from '../domain/provider/provider.js';
import { compare, importCustomer, importReseller, type CenterCustomer, type Difference, type DifferenceKind } from '../domain/reconciliation/reconciliation.js';
import { fail, ok, type Result } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { AccessService } from './access.service.js';
import type { PartnerCenter, PartnerCenterResult } from './partner-center.port.js';
import { mutate, type Clock, type RecordStore } from './ports.js';
import type { SignedLinks } from './signed-links.port.js';
import type { Notifier } from './notifier.port.js';

/** What a reconciliation reads and writes. */
export interface ReconciliationDeps {
  readonly access: AccessService;
  readonly links: RecordStore<ProviderLink>;
  readonly customers: RecordStore<Customer>;
  readonly partnerCenter: PartnerCenter;
  readonly signedLinks: SignedLinks;
  readonly clock: Clock;
  readonly publicBaseUrl: string;
  /** For the scheduled run: the directory's providers, who to tell, and what they were last told. */
  readonly providers?: RecordStore<Provider>;
  readonly notifier?: Notifier;
  readonly notices?: RecordStore<ReconciliationNotice>;
}

/** What the provider admins were last told by the scheduled run, so the same differences are told once. */
export interface ReconciliationNotice {
  readonly signature: string;
  readonly at: string;
}

/** Notification kinds of the reconciliation. */
export const RECONCILIATION_NOTICES = { differences: 'partnerCenter.reconcile' } as const;

/** The differences between the assistant and Partner Center for one provider, at one instant. */
export interface ReconciliationReport {
  readonly provider: { readonly tenantId: string; readonly name: string };
  readonly at: string;
  readonly rows: readonly Difference[];
  readonly counts: Readonly<Record<DifferenceKind, number>>;
}

/** The `kind` of signed CSV download links, so that no other signed link opens one. */
export const RECONCILIATION_LINK_KIND = 'reconciliation-export';
/** How long a download link works. */
export const RECONCILIATION_LINK_MINUTES = 5;
const MAX_KEYS = 500;
const HEADERS = ['kind', 'what', 'name', 'tenantId', 'domain', 'reseller', 'assistantState', 'partnerCenterState'] as const;

/**
 * Reconciliation for a provider's admins: compares the provider's Indirect resellers and shared
 * customers in the assistant with Partner Center's, imports (on confirmation, with compare-and-set
 * writes) what only Partner Center has, and exports the differences as CSV through short-lived
 * signed links re-checked when opened. With the embedded adapter both sides are the same ledger.
 */
export class ReconciliationService {
  constructor(private readonly deps: ReconciliationDeps) {}

  /** The differences now, for a provider admin; refused naming the role it needs. */
  async report(actor: Actor | undefined): Promise<Result<ReconciliationReport>> {
    const granted = await this.deps.access.asProvider('provider.reconcile', actor);
    if (!granted.ok) return granted;
    return this.compareNow(granted.value.scope);
  }

  /**
   * Imports the rows only Partner Center has, among those the admin confirmed (`keys`): read again
   * from Partner Center now, never from the card; each write is compare-and-set, and a row that
   * changed meanwhile (someone imported or authorized it) is skipped.
   */
  async importFromPartnerCenter(actor: Actor | undefined, keys: readonly string[]): Promise<Result<{ imported: number; skipped: number }>> {
    const granted = await this.deps.access.asProvider('provider.reconcile', actor);
    if (!granted.ok) return granted;
    const provider = granted.value.scope;
    const report = await this.compareNow(provider);
    if (!report.ok) return report;
    const wanted = new Set(keys.slice(0, MAX_KEYS));
    const rows = report.value.rows.filter((r) => r.kind === 'partnerCenterOnly' && wanted.has(r.key));
    if (!rows.length) return fail('RECONCILE.NOTHING', 'partnerCenter.reconcile.nothingToImport');
    const now = this.deps.clock.now();
    const parties = { tenantId: provider.tenantId, name: provider.name };
    const resellerNames = new Map<string, string>();
    for (const r of report.value.rows) if (r.what === 'reseller') resellerNames.set(r.resellerId, r.name);
    for await (const { value: link } of this.deps.links.list()) if (link.providerTenantId === provider.tenantId) resellerNames.set(link.resellerId, link.resellerName);
    let imported = 0;
    let skipped = 0;
    // Relationships first, so that a customer's reseller is known when its customers follow.
    for (const row of [...rows].sort((a, b) => (a.what === b.what ? 0 : a.what === 'reseller' ? -1 : 1))) {
      const saved =
        row.what === 'reseller'
          ? await mutate(this.deps.links, `${provider.tenantId}|${row.resellerId}`, (current) => importReseller(current, row, parties, actor!, now))
          : await mutate(this.deps.customers, `${row.resellerId}|${row.domain || row.tenantId}`, (current) =>
              importCustomer(current, row, `${row.resellerId}|${row.domain || row.tenantId}`, { provider: parties, resellerName: resellerNames.get(row.resellerId) ?? row.resellerId }, actor!, now),
            );
      if (saved.ok) imported++;
      else skipped++;
    }
    return ok({ imported, skipped });
  }

  /** A download link for the caller's differences as CSV: signed, for a few minutes, naming the caller and the provider. */
  async downloadLink(actor: Actor | undefined, locale: Locale): Promise<Result<{ url: string; minutes: number }>> {
    const granted = await this.deps.access.asProvider('provider.reconcile', actor);
    if (!granted.ok) return granted;
    const exp = Math.floor(this.deps.clock.now().getTime() / 1000) + RECONCILIATION_LINK_MINUTES * 60;
    const token = await this.deps.signedLinks.sign({ id: `provider:${granted.value.scope.tenantId}`, kind: RECONCILIATION_LINK_KIND, subject: actor!.userId, exp });
    return ok({ url: `${this.deps.publicBaseUrl}/exports/reconciliation/${token}?lang=${locale}`, minutes: RECONCILIATION_LINK_MINUTES });
  }

  /** The CSV a download link names, compared again now, for the person it names if they still hold the role. */
  async download(token: string, locale: Locale): Promise<Result<{ filename: string; csv: string }>> {
    const verified = await this.deps.signedLinks.verify(token, RECONCILIATION_LINK_KIND, this.deps.clock.now());
    if (!verified.ok) return fail(verified.reason === 'expired' ? 'RECONCILE.LINK_EXPIRED' : 'RECONCILE.LINK_INVALID', verified.reason === 'expired' ? 'partnerCenter.reconcile.csvExpired' : 'audit.page.invalid');
    const [side, tenantId] = verified.claims.id.split(':');
    if (side !== 'provider' || !tenantId) return fail('RECONCILE.LINK_INVALID', 'audit.page.invalid');
    const report = await this.report({ userId: verified.claims.subject, name: verified.claims.subject, tenantId });
    if (!report.ok) return report;
    const t = (key: string) => translate(locale, `partnerCenter.reconcile.${key}`);
    const table = [
      HEADERS.map((h) => t(`headers.${h}`)),
      ...report.value.rows.map((r) => [t(`kind.${r.kind}`), t(`what.${r.what}`), r.name, r.tenantId ?? '', r.domain ?? '', r.resellerId, r.assistantState ?? '', r.partnerCenterState ?? '']),
    ];
    return ok({ filename: `reconciliation-${report.value.at.slice(0, 10)}.csv`, csv: toCsv(table) });
  }

  /**
   * The scheduled run for the partner tenant the instance speaks for (when it is a provider of the
   * directory): compares, and tells its provider admins when differences appear or change; the same
   * differences are told once. Imports nothing: that needs an admin's confirmation.
   */
  async scheduledPass(providerTenantId: string): Promise<{ rows: number; told: number } | undefined> {
    const { providers, notifier, notices } = this.deps;
    const provider = providers ? (await providers.get(providerTenantId))?.value : undefined;
    if (!provider || !notifier || !notices) return undefined;
    const report = await this.compareNow(provider);
    if (!report.ok) return undefined;
    const signature = report.value.rows.map((r) => `${r.kind}:${r.key}`).join('\n');
    const told = await mutate(notices, providerTenantId, (last) =>
      (last?.signature ?? '') === signature ? fail('RECONCILE.TOLD', 'partnerCenter.reconcile.none') : ok({ signature, at: report.value.at }),
    );
    if (!told.ok || !report.value.rows.length) return { rows: report.value.rows.length, told: 0 };
    let sent = 0;
    for (const admin of provider.admins ?? []) {
      if (await notifier.notify(admin.userId, { kind: RECONCILIATION_NOTICES.differences, data: { count: report.value.rows.length, ...report.value.counts } })) sent++;
    }
    return { rows: report.value.rows.length, told: sent };
  }

  private async compareNow(provider: Provider): Promise<Result<ReconciliationReport>> {
    const pc = this.deps.partnerCenter;
    const P = provider.tenantId;
    const resellers = await pc.indirectResellers(P);
    if (resellers.kind !== 'ok') return refused(resellers);
    const links: ProviderLink[] = [];
    for await (const { value } of this.deps.links.list()) if (value.providerTenantId === P) links.push(value);
    const customers: Customer[] = [];
    for await (const { value } of this.deps.customers.list()) if (value.relationships.some((r) => r.kind === 'provider' && r.partnerId === P)) customers.push(value);
    const resellerIds = new Set([...resellers.value.filter((r) => r.state === 'active').map((r) => r.tenantId), ...links.filter((l) => l.status === 'authorized').map((l) => l.resellerId)]);
    const centerCustomers: CenterCustomer[] = [];
    for (const resellerId of resellerIds) {
      const listed = await pc.customersOfReseller(P, resellerId);
      if (listed.kind !== 'ok') return refused(listed);
      centerCustomers.push(...listed.value.map((c) => ({ tenantId: c.tenantId, domain: c.domain, companyName: c.companyName, resellerId })));
    }
    const rows = compare({ providerTenantId: P, links, customers, centerResellers: resellers.value, centerCustomers });
    const count = (kind: DifferenceKind) => rows.filter((r) => r.kind === kind).length;
    return ok({
      provider: { tenantId: P, name: provider.name },
      at: this.deps.clock.now().toISOString(),
      rows,
      counts: { partnerCenterOnly: count('partnerCenterOnly'), assistantOnly: count('assistantOnly'), mismatch: count('mismatch') },
    });
  }
}

function refused<T>(result: Exclude<PartnerCenterResult<unknown>, { kind: 'ok' }>): Result<T> {
  if (result.kind === 'unavailable') return fail('PARTNER_CENTER.UNAVAILABLE', 'partnerCenter.reconcile.unavailable');
  if (result.kind === 'notAllowed') return fail('PARTNER_CENTER.NOT_ALLOWED', 'partnerCenter.notAllowed', { reason: result.reason });
  return fail('PARTNER_CENTER.NOT_FOUND', 'partnerCenter.reconcile.unavailable');
}
