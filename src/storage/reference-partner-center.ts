import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type {
  AcceptanceLink,
  PartnerCenter,
  PartnerCenterCustomer,
  PartnerCenterHealth,
  PartnerCenterResult,
  PartnerIdCheck,
  PartnerRelationship,
} from '../app/partner-center.port.js';
import type { RecordStore } from '../app/ports.js';
import type { Customer } from '../domain/customer/customer.js';
import type { PartnerProfile } from '../domain/enrollment/enrollment.js';
import type { ProviderLink } from '../domain/provider/provider-link.js';

const ReferenceData = z.object({
  signIns: z.record(
    z.string(),
    z.array(
      z.object({
        partnerId: z.string().regex(/^\d+$/),
        organizationName: z.string().min(1),
        country: z.string().length(2),
        active: z.boolean(),
      }),
    ),
  ),
});

/** The assistant's own records the embedded Partner Center answers relationships and customers from. */
export interface ReferenceLedger {
  readonly links: RecordStore<ProviderLink>;
  readonly customers: RecordStore<Customer>;
}

/**
 * The embedded Partner Center: fictional organization profiles from data-seed/partner-profiles.json
 * and, for relationships and customers, the assistant's own ledger, so its answers always agree with
 * the assistant (a reconciliation finds nothing); links are the assistant's own signed pages.
 */
export class ReferencePartnerCenter implements PartnerCenter {
  readonly kind = 'reference' as const;
  private readonly signIns: Map<string, PartnerProfile[]>;

  constructor(
    file: string,
    private readonly ledger?: ReferenceLedger,
  ) {
    const data = ReferenceData.parse(JSON.parse(readFileSync(file, 'utf8')));
    this.signIns = new Map(Object.entries(data.signIns).map(([name, profiles]) => [name.toLowerCase(), profiles]));
  }

  async profilesForSignIn(userName: string): Promise<PartnerProfile[]> {
    return this.signIns.get(userName.trim().toLowerCase()) ?? [];
  }

  async checkPartnerId(partnerId: string): Promise<PartnerCenterResult<PartnerIdCheck>> {
    const id = partnerId.trim();
    for (const profiles of this.signIns.values()) {
      const p = profiles.find((candidate) => candidate.partnerId === id);
      // The shipped profiles are all location PartnerIDs (the ones a CSP tenant maps to).
      if (p) return { kind: 'ok', value: { partnerId: p.partnerId, organizationName: p.organizationName, active: p.active, location: true, country: p.country } };
    }
    return { kind: 'notFound', code: '3000' };
  }

  async indirectResellers(providerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>> {
    const found: PartnerRelationship[] = [];
    for await (const { value: link } of this.links()) {
      if (link.providerTenantId === providerTenantId && link.status === 'authorized') {
        found.push({ tenantId: link.resellerId, name: link.resellerName, relationshipType: 'IsIndirectCloudSolutionProviderOf', state: 'active', ...opt('partnerId', link.resellerPartnerId), ...opt('country', link.resellerCountry) });
      }
    }
    return { kind: 'ok', value: found };
  }

  async indirectProviders(resellerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>> {
    const found: PartnerRelationship[] = [];
    for await (const { value: link } of this.links()) {
      if (link.resellerId === resellerTenantId && link.status === 'authorized') {
        found.push({ tenantId: link.providerTenantId, name: link.providerName, relationshipType: 'IsIndirectResellerOf', state: 'active' });
      }
    }
    return { kind: 'ok', value: found };
  }

  async customersOfReseller(providerTenantId: string, resellerTenantId: string): Promise<PartnerCenterResult<PartnerCenterCustomer[]>> {
    const found: PartnerCenterCustomer[] = [];
    for await (const { value: c } of this.customers()) {
      const own = providerTenantId === resellerTenantId;
      if (c.resellerId === resellerTenantId && (own || c.relationships.some((r) => r.kind === 'provider' && r.partnerId === providerTenantId))) {
        const tenantId = c.tenantId ?? c.id;
        found.push({ id: tenantId, tenantId, domain: c.domain, companyName: c.companyName, relationshipToPartner: 'reseller' });
      }
    }
    return { kind: 'ok', value: found };
  }

  async partnersOfCustomer(customerTenantId: string): Promise<PartnerCenterResult<PartnerRelationship[]>> {
    for await (const { value: c } of this.customers()) {
      if ((c.tenantId ?? c.id) !== customerTenantId) continue;
      return {
        kind: 'ok',
        value: c.relationships.map((r) => ({
          tenantId: r.partnerId,
          name: r.partnerName,
          relationshipType: r.kind === 'provider' ? 'IsIndirectCloudSolutionProviderOf' : 'IsIndirectResellerOf',
          state: 'active',
        })),
      };
    }
    return { kind: 'notFound' };
  }

  async customerRelationshipLink(): Promise<PartnerCenterResult<AcceptanceLink>> {
    return { kind: 'ok', value: { source: 'assistant' } };
  }

  async gdapInvitation(): Promise<PartnerCenterResult<AcceptanceLink>> {
    return { kind: 'ok', value: { source: 'assistant' } };
  }

  async health(): Promise<PartnerCenterHealth> {
    return { adapter: 'reference', status: 'ok' };
  }

  private async *links(): AsyncIterable<{ value: ProviderLink }> {
    if (this.ledger) yield* this.ledger.links.list();
  }

  private async *customers(): AsyncIterable<{ value: Customer }> {
    if (this.ledger) yield* this.ledger.customers.list();
  }
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
