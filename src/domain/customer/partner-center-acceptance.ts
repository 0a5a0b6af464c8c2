import { audit, SYSTEM_ACTOR } from '../actor.js';
import { fail, ok, type Result } from '../result.js';
import { applyAcceptance, type Customer, type CustomerInvitation } from './customer.js';

/** A customer as Partner Center lists it: what an acceptance is recognized by. */
export interface SeenCustomer {
  readonly tenantId: string;
  readonly domain: string;
  readonly companyName: string;
}

/** Who an acceptance seen in Partner Center is recorded in the name of: Partner Center, not a person the assistant never saw. */
export const PARTNER_CENTER_ACTOR = { userId: 'partner-center', name: 'Partner Center' } as const;

/**
 * Which of Partner Center's customers (if any) is the one a sent invitation with a Partner Center
 * link went to: the same domain as the invited admin's e-mail address. A name alone is not enough:
 * the assistant never claims an acceptance it cannot tie to the invitation.
 */
export function acceptedCustomer(inv: CustomerInvitation, seen: readonly SeenCustomer[]): SeenCustomer | undefined {
  if (inv.status !== 'sent' || !inv.partnerCenter) return undefined;
  const domain = (inv.adminEmail.split('@')[1] ?? '').toLowerCase();
  return domain ? seen.find((c) => c.domain.toLowerCase() === domain) : undefined;
}

/** The invitation accepted, as Partner Center showed it: once, only while it was sent, in Partner Center's name. */
export function acceptSeen(inv: CustomerInvitation, customer: SeenCustomer, customerId: string, now: Date): Result<CustomerInvitation> {
  if (inv.status !== 'sent' || !inv.partnerCenter) return fail('INVITATION.NOT_PENDING', 'customer.errors.notPending');
  return ok({
    ...inv,
    status: 'accepted',
    acceptedAt: now.toISOString(),
    customerId,
    history: [...inv.history, audit(SYSTEM_ACTOR, 'acceptedInPartnerCenter', now, customer.tenantId, customerId)],
  });
}

/**
 * The customer's relationships from an acceptance seen in Partner Center, with the tenant id Partner
 * Center reported. GDAP is not recorded: its approval is a separate step in the admin center that
 * the customer lists do not show.
 */
export function applySeenAcceptance(existing: Customer | undefined, inv: CustomerInvitation, customer: SeenCustomer, customerId: string, now: Date): Customer {
  const { delegatedAdmin: _notSeen, ...seen } = inv;
  const applied = applyAcceptance(existing, { ...seen, acceptedBy: { name: PARTNER_CENTER_ACTOR.name, email: PARTNER_CENTER_ACTOR.userId } }, customerId, now);
  return applied.tenantId === customer.tenantId ? applied : { ...applied, tenantId: customer.tenantId };
}
