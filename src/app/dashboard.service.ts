import type { Actor } from '../domain/actor.js';
import type { CustomerService } from './customer.service.js';
import type { EnrollmentService } from './enrollment.service.js';
import type { ProviderService } from './provider.service.js';

/** What the Dashboard tab shows a user, whichever side of the channel they are on. */
export interface Dashboard {
  readonly enrollment?: { readonly status: string; readonly company: string };
  /** Authorized providers, and those waiting for the reseller's authorization or the provider's decision. */
  readonly indirectProviders?: readonly { name: string; since: string; state: 'authorized' | 'waitingForYou' | 'waitingForProvider' }[];
  readonly indirectResellers?: readonly { name: string; since: string }[];
  readonly customers?: readonly { name: string; domain: string }[];
  readonly approvals: readonly ({ kind: 'request'; reseller: string } | { kind: 'application'; company: string })[];
}

/** Gathers the user's enrollment, relationships, customers and pending approvals for the tab. */
export class DashboardService {
  constructor(
    private readonly enrollment: EnrollmentService,
    private readonly providers: ProviderService,
    private readonly customers: CustomerService,
  ) {}

  /** The dashboard of one user. */
  async of(actor: Actor): Promise<Dashboard> {
    const app = await this.enrollment.current(actor);
    // A member of an organization enrolled here has no application of their own: the organization's status is theirs.
    const organization = app ? undefined : await this.enrollment.organizationOf(actor);
    const providers = await this.providers.indirectProviders(actor);
    const resellers = await this.providers.indirectResellers(actor, '', 1);
    const customers = await this.customers.customers(actor, '', 1);
    const requests = await this.providers.pendingRequests(actor);
    const applications = this.enrollment.isReviewer(actor) ? await this.enrollment.pendingReviews() : [];
    return {
      ...(app ? { enrollment: { status: app.status, company: app.legal?.legalName ?? app.mpn?.organizationName ?? '' } } : {}),
      ...(organization ? { enrollment: { status: 'approved', company: organization.name } } : {}),
      ...(providers.ok
        ? {
            indirectProviders: providers.value.map((l) => ({
              name: l.providerName,
              since: l.authorizedAt ?? '',
              state: l.status === 'authorized' ? ('authorized' as const) : l.status === 'requested' ? ('waitingForProvider' as const) : ('waitingForYou' as const),
            })),
          }
        : {}),
      ...(resellers.ok ? { indirectResellers: resellers.value.items.map((l) => ({ name: l.resellerName, since: l.authorizedAt ?? '' })) } : {}),
      ...(customers.ok ? { customers: customers.value.items.map((r) => ({ name: r.customer.companyName, domain: r.customer.domain })) } : {}),
      approvals: [
        ...(requests.ok ? requests.value : []).map((l) => ({ kind: 'request' as const, reseller: l.resellerName })),
        ...applications.map((a) => ({ kind: 'application' as const, company: a.legal?.legalName ?? a.applicantName })),
      ],
    };
  }
}
