import type { CustomerInvitation } from '../domain/customer/customer.js';
import { acceptedCustomer } from '../domain/customer/partner-center-acceptance.js';
import type { CustomerService } from './customer.service.js';
import type { PartnerCenter } from './partner-center.port.js';
import type { RecordStore } from './ports.js';

/** What one poll found: the invitations now accepted, and the lists Partner Center could not give. */
export interface PollReport {
  readonly accepted: readonly string[];
  readonly unavailable: number;
}

/**
 * How the assistant learns that a customer accepted an invitation that carried Partner Center's link:
 * it reads the customer lists of Partner Center (one per provider and reseller pair with invitations
 * waiting) and records an acceptance only for a customer it sees there. A list that cannot be read
 * changes nothing; the next pass asks again.
 */
export class PartnerCenterAcceptancePoll {
  constructor(
    private readonly deps: {
      readonly invitations: RecordStore<CustomerInvitation>;
      readonly partnerCenter: PartnerCenter;
      readonly customers: Pick<CustomerService, 'recordSeenAcceptance'>;
    },
  ) {}

  /** One pass; asks `proceed` before each list and stops when told no. */
  async runPass(proceed: () => Promise<boolean> = async () => true): Promise<PollReport> {
    const waiting = new Map<string, CustomerInvitation[]>();
    for await (const { value: inv } of this.deps.invitations.list()) {
      if (inv.status !== 'sent' || !inv.partnerCenter) continue;
      // Two-tier: the provider's customers shared with the reseller; reseller-only: the reseller's own customers.
      const key = `${inv.providerTenantId ?? inv.resellerId}|${inv.resellerId}`;
      waiting.set(key, [...(waiting.get(key) ?? []), inv]);
    }
    const accepted: string[] = [];
    let unavailable = 0;
    for (const [key, invitations] of waiting) {
      if (!(await proceed())) break;
      const [partner, reseller] = key.split('|');
      const listed = await this.deps.partnerCenter.customersOfReseller(partner, reseller);
      if (listed.kind !== 'ok') {
        unavailable++;
        continue;
      }
      for (const inv of invitations) {
        const seen = acceptedCustomer(inv, listed.value);
        if (!seen) continue;
        const recorded = await this.deps.customers.recordSeenAcceptance(inv.id, seen);
        if (recorded.ok) accepted.push(inv.id);
      }
    }
    return { accepted, unavailable };
  }
}
