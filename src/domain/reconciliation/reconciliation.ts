import { audit, type Actor } from '../actor.js';
import type { Customer } from '../customer/customer.js';
import type { ProviderLink } from '../provider/provider-link.js';
import { fail, ok, type Result } from '../result.js';

/** An Indirect reseller as Partner Center lists it for the provider. */
export interface CenterReseller {
  readonly tenantId: string;
  readonly name: string;
  readonly state: string;
  readonly partnerId?: string;
  readonly country?: string;
}

/** A customer Partner Center lists as shared by the provider and one reseller. */
export interface CenterCustomer {
  readonly tenantId: string;
  readonly domain: string;
  readonly companyName: string;
  readonly resellerId: string;
}

/** Where a difference lies. */
export type DifferenceKind = 'partnerCenterOnly' | 'assistantOnly' | 'mismatch';

/** One difference between the assistant and Partner Center. */
export interface Difference {
  /** Stable within a comparison: what an import names. */
  readonly key: string;
  readonly kind: DifferenceKind;
  readonly what: 'reseller' | 'customer';
  readonly name: string;
  readonly resellerId: string;
  readonly tenantId?: string;
  readonly domain?: string;
  /** The state in the assistant and in Partner Center (mismatches), or the domain / PartnerID. */
  readonly assistantState?: string;
  readonly partnerCenterState?: string;
  readonly partnerId?: string;
  readonly country?: string;
}

/** What both sides hold for one provider. */
export interface Sides {
  readonly providerTenantId: string;
  readonly links: readonly ProviderLink[];
  readonly customers: readonly Customer[];
  readonly centerResellers: readonly CenterReseller[];
  /** Partner Center's shared customers, for every reseller either side knows. */
  readonly centerCustomers: readonly CenterCustomer[];
}

const ACTIVE = 'active';

/**
 * Compares the provider's relationships and shared customers in the assistant with Partner Center's:
 * in Partner Center only, in the assistant only (an authorized relationship, or a customer with the
 * provider's relationship), and state mismatches (a relationship active on one side only).
 */
export function compare(sides: Sides): Difference[] {
  const out: Difference[] = [];
  const links = new Map(sides.links.filter((l) => l.providerTenantId === sides.providerTenantId).map((l) => [l.resellerId.toLowerCase(), l]));
  const center = new Map(sides.centerResellers.map((r) => [r.tenantId.toLowerCase(), r]));
  for (const [id, r] of center) {
    const link = links.get(id);
    const base = { what: 'reseller' as const, name: r.name, resellerId: id, tenantId: id, ...(r.partnerId ? { partnerId: r.partnerId } : {}), ...(r.country ? { country: r.country } : {}) };
    if (!link || link.status === 'ended' || link.status === 'declined') {
      if (r.state === ACTIVE) out.push({ key: `reseller:${id}`, kind: 'partnerCenterOnly', ...base, partnerCenterState: r.state, ...(link ? { assistantState: link.status } : {}) });
    } else if ((link.status === 'authorized') !== (r.state === ACTIVE)) {
      out.push({ key: `reseller:${id}`, kind: 'mismatch', ...base, assistantState: link.status, partnerCenterState: r.state });
    }
  }
  for (const [id, link] of links) {
    if (link.status === 'authorized' && !center.has(id)) out.push({ key: `reseller:${id}`, kind: 'assistantOnly', what: 'reseller', name: link.resellerName, resellerId: id, tenantId: id, assistantState: link.status });
  }
  const shared = sides.customers.filter((c) => c.relationships.some((r) => r.kind === 'provider' && r.partnerId === sides.providerTenantId));
  const matched = new Set<string>();
  for (const c of sides.centerCustomers) {
    const mine = shared.find((s) => s.resellerId.toLowerCase() === c.resellerId.toLowerCase() && (s.tenantId ? s.tenantId.toLowerCase() === c.tenantId.toLowerCase() : s.domain.toLowerCase() === c.domain.toLowerCase()));
    if (mine) matched.add(mine.id);
    else out.push({ key: `customer:${c.resellerId.toLowerCase()}|${c.tenantId.toLowerCase()}`, kind: 'partnerCenterOnly', what: 'customer', name: c.companyName, resellerId: c.resellerId.toLowerCase(), tenantId: c.tenantId.toLowerCase(), domain: c.domain });
  }
  for (const c of shared) {
    if (!matched.has(c.id)) out.push({ key: `customer:${c.id}`, kind: 'assistantOnly', what: 'customer', name: c.companyName, resellerId: c.resellerId, domain: c.domain, ...(c.tenantId ? { tenantId: c.tenantId } : {}) });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.what.localeCompare(b.what) || a.name.localeCompare(b.name));
}

/** The detail of an import: where it came from. */
const IMPORTED = 'importedFromPartnerCenter';

/** Imports an Indirect reseller Partner Center lists: the relationship becomes authorized, unless it already is. */
export function importReseller(current: ProviderLink | undefined, d: Difference, provider: { tenantId: string; name: string }, actor: Actor, now: Date): Result<ProviderLink> {
  if (d.kind !== 'partnerCenterOnly' || d.what !== 'reseller') return fail('RECONCILE.NOT_IMPORTABLE', 'partnerCenter.reconcile.nothingToImport');
  if (current && current.status === 'authorized') return fail('RECONCILE.CHANGED', 'partnerCenter.reconcile.nothingToImport');
  const at = now.toISOString();
  return ok({
    ...(current ?? { id: `${provider.tenantId}|${d.resellerId}`, history: [] }),
    providerTenantId: provider.tenantId,
    providerName: provider.name,
    resellerId: d.resellerId,
    resellerName: current?.resellerName ?? d.name,
    ...(d.partnerId ? { resellerPartnerId: d.partnerId } : {}),
    ...(d.country ? { resellerCountry: d.country } : {}),
    status: 'authorized',
    authorizedAt: at,
    authorizedBy: actor.userId,
    endedAt: undefined,
    history: [...(current?.history ?? []), audit(actor, IMPORTED, now, 'Partner Center')],
  });
}

/** Imports a customer Partner Center lists as shared with a reseller: the reseller's and the provider's relationships, with its tenant id. */
export function importCustomer(current: Customer | undefined, d: Difference, id: string, parties: { provider: { tenantId: string; name: string }; resellerName: string }, actor: Actor, now: Date): Result<Customer> {
  if (d.kind !== 'partnerCenterOnly' || d.what !== 'customer' || !d.tenantId) return fail('RECONCILE.NOT_IMPORTABLE', 'partnerCenter.reconcile.nothingToImport');
  if (current?.relationships.some((r) => r.kind === 'provider' && r.partnerId === parties.provider.tenantId)) return fail('RECONCILE.CHANGED', 'partnerCenter.reconcile.nothingToImport');
  const since = now.toISOString();
  const base: Customer = current ?? { id, companyName: d.name, domain: d.domain ?? '', resellerId: d.resellerId, relationships: [], createdAt: since, history: [] };
  const wanted = [
    { partnerId: d.resellerId, partnerName: parties.resellerName, kind: 'reseller' as const },
    { partnerId: parties.provider.tenantId, partnerName: parties.provider.name, kind: 'provider' as const },
  ].filter((w) => !base.relationships.some((r) => r.partnerId === w.partnerId));
  return ok({
    ...base,
    tenantId: d.tenantId,
    relationships: [...base.relationships, ...wanted.map((w) => ({ ...w, since, invitationId: IMPORTED }))],
    history: [...(base.history ?? []), audit(actor, IMPORTED, now, `Partner Center; ${d.tenantId}`, id)],
  });
}
