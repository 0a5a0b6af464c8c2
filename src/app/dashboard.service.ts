import type { Actor } from '../domain/actor.js';
import {
  countByAge,
  countByMonth,
  countInvitationStages,
  countLinkStages,
  type AgeBucket,
  type InvitationStage,
  type LinkStage,
  type MonthCount,
} from '../domain/pipeline.js';
import type { CustomerService } from './customer.service.js';
import type { EnrollmentService } from './enrollment.service.js';
import type { Clock } from './ports.js';
import type { ProviderService } from './provider.service.js';

/** What the Dashboard tab shows a user, whichever side of the channel they are on. */
export interface Dashboard {
  readonly enrollment?: { readonly status: string; readonly company: string };
  /** Authorized providers, and those waiting for the reseller's authorization or the provider's decision. */
  readonly indirectProviders?: readonly { name: string; since: string; state: 'authorized' | 'waitingForYou' | 'waitingForProvider' }[];
  readonly indirectResellers?: readonly { name: string; since: string }[];
  readonly customers?: readonly { name: string; domain: string }[];
  readonly approvals: readonly ({ kind: 'request'; reseller: string } | { kind: 'application'; company: string })[];
  /** Figures of the pipeline, per side the user may see: each present only where the access table lets them read its lists. */
  readonly pipeline: Pipeline;
}

/** Counts for the Dashboard's charts: a provider's desk, a reseller's agents and the operator's reviewers each see their own. */
export interface Pipeline {
  readonly provider?: {
    readonly relationships: Readonly<Record<LinkStage, number>>;
    readonly requestsByAge: Readonly<Record<AgeBucket, number>>;
    readonly sharedCustomersByMonth: readonly MonthCount[];
  };
  readonly reseller?: {
    readonly providers: Readonly<Record<LinkStage, number>>;
    readonly invitations: Readonly<Record<InvitationStage, number>>;
    readonly customersByMonth: readonly MonthCount[];
  };
  readonly reviews?: { readonly byAge: Readonly<Record<AgeBucket, number>> };
}

/** Gathers the user's enrollment, relationships, customers and pending approvals for the tab. */
export class DashboardService {
  constructor(
    private readonly enrollment: EnrollmentService,
    private readonly providers: ProviderService,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
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
    const reviewer = this.enrollment.isReviewer(actor);
    const applications = reviewer ? await this.enrollment.pendingReviews() : [];
    const pipeline = await this.pipeline(actor, requests.ok ? requests.value.map((l) => l.requestedAt) : undefined, reviewer ? applications.map((a) => a.submittedAt) : undefined);
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
      pipeline,
    };
  }

  /** The pipeline's figures, each read through the use case (and so the access rule) of the list it summarizes. */
  private async pipeline(actor: Actor, requestTimes: readonly (string | undefined)[] | undefined, reviewTimes: readonly (string | undefined)[] | undefined): Promise<Pipeline> {
    const now = this.clock.now();
    const asProvider = await this.providers.linksAsProvider(actor);
    const shared = await this.customers.sharedDates(actor);
    const asReseller = await this.providers.linksAsReseller(actor);
    const invitations = await this.customers.invitationsOf(actor);
    const acquired = await this.customers.acquiredDates(actor);
    return {
      ...(asProvider.ok && shared.ok && requestTimes
        ? {
            provider: {
              relationships: countLinkStages(asProvider.value.map((l) => l.status)),
              requestsByAge: countByAge(requestTimes, now),
              sharedCustomersByMonth: countByMonth(shared.value, now),
            },
          }
        : {}),
      ...(asReseller.ok && invitations.ok && acquired.ok
        ? {
            reseller: {
              providers: countLinkStages(asReseller.value.map((l) => l.status)),
              invitations: countInvitationStages(invitations.value, now),
              customersByMonth: countByMonth(acquired.value, now),
            },
          }
        : {}),
      ...(reviewTimes ? { reviews: { byAge: countByAge(reviewTimes, now) } } : {}),
    };
  }
}
