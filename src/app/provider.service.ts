import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import { hasRole, type Organization } from '../domain/organization/organization.js';
import {
  authorize,
  decideRequest,
  endRelationship,
  invite,
  linkId,
  requestConnection,
  type ProviderLink,
} from '../domain/provider/provider-link.js';
import { paginate, registerProvider, searchDirectory, type DirectoryQuery, type Page, type Provider } from '../domain/provider/provider.js';
import { fail, ok, type Result } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { Delivery } from './notifier.port.js';
import { mutate, type InvitationContext, type RecordStore } from './ports.js';

/** A provider's invitation to a reseller, reachable through a signed link. */
export interface ResellerInvitation {
  readonly id: string;
  readonly providerTenantId: string;
  readonly email: string;
  readonly partnerId?: string;
  readonly expiresAt: string;
  readonly usedAt?: string;
  readonly createdBy: string;
}

/** Where the approvers' copies of a request card were posted. */
export interface ApprovalCards {
  readonly requestedAt: string;
  readonly deliveries: readonly Delivery[];
}

/** Who the caller is on the reseller side. */
export interface ResellerSide {
  readonly organization: Organization;
  readonly isAdminAgent: boolean;
}

/** What the provider use cases need. */
export interface ProviderDeps extends InvitationContext {
  readonly providers: RecordStore<Provider>;
  readonly links: RecordStore<ProviderLink>;
  readonly invitations: RecordStore<ResellerInvitation>;
  readonly approvalCards: RecordStore<ApprovalCards>;
  /** The reseller organization of a user (from the enrollment journey). */
  readonly organizationOf: (actor: Actor) => Promise<Organization | undefined>;
  /** Every enrolled organization, to find a reseller by MPN ID. */
  readonly organizations: RecordStore<Organization>;
}

/** Notification kinds of the provider journey. */
export const PROVIDER_NOTICES = {
  request: 'provider.request',
  consent: 'provider.consent',
  declined: 'provider.declined',
  authorized: 'provider.authorized',
  ended: 'provider.ended',
} as const;

const INVITATION_KIND = 'reseller-invitation';
const PAGE_SIZE = 5;

/**
 * The provider journey's use cases: the directory, requests to connect and their decision,
 * invitations, the reseller's consent, the Indirect providers / Indirect resellers lists and
 * ending a relationship. Every change is a compare-and-set on the pair's one record.
 */
export class ProviderService {
  constructor(private readonly deps: ProviderDeps) {}

  /** Providers matching the search, one page at a time. */
  async directory(query: DirectoryQuery, page: number): Promise<Page<Provider>> {
    return paginate(searchDirectory(await this.allProviders(), query), page, PAGE_SIZE);
  }

  /** A provider by tenant id. */
  async provider(tenantId: string): Promise<Provider | undefined> {
    return (await this.deps.providers.get(tenantId))?.value;
  }

  /** The provider the user approves for (by approver list, or by Teams tenant). */
  async providerOf(actor: Actor): Promise<Provider | undefined> {
    const all = await this.allProviders();
    return all.find((p) => p.approverIds.includes(actor.userId)) ?? (actor.tenantId ? all.find((p) => p.tenantId === actor.tenantId) : undefined);
  }

  /** Registers the caller's organization (its Teams tenant) as a provider, once. */
  async register(actor: Actor, input: unknown): Promise<Result<Provider>> {
    if (!actor.tenantId) return fail('PROVIDER.TENANT_REQUIRED', 'provider.register.tenantRequired');
    const provider = registerProvider(input, actor.tenantId, actor.userId, this.deps.clock.now());
    if (!provider.ok) return provider;
    const saved = await mutate(this.deps.providers, actor.tenantId, (current) =>
      current ? fail('PROVIDER.EXISTS', 'provider.errors.alreadyRegistered') : ok(provider.value),
    );
    return saved.ok ? ok(saved.value.value) : saved;
  }

  /** The caller's reseller organization and whether they are its admin agent. */
  async resellerSide(actor: Actor): Promise<ResellerSide | undefined> {
    const organization = await this.deps.organizationOf(actor);
    return organization ? { organization, isAdminAgent: hasRole(organization, actor.userId, 'adminAgent') } : undefined;
  }

  /** Request to connect: any admin or sales agent of an enrolled reseller. */
  async requestConnection(actor: Actor, providerTenantId: string): Promise<Result<ProviderLink>> {
    const side = await this.resellerSide(actor);
    if (!side) return fail('PROVIDER.NO_ORGANIZATION', 'provider.errors.noOrganization');
    if (!side.organization.members.some((m) => m.userId === actor.userId && (m.roles.includes('adminAgent') || m.roles.includes('salesAgent')))) {
      return fail('PROVIDER.NOT_AGENT', 'provider.errors.notResellerUser');
    }
    const provider = await this.provider(providerTenantId);
    if (!provider) return fail('PROVIDER.UNKNOWN', 'provider.errors.unknownProvider');
    const org = side.organization;
    const parties = partiesOf(provider, org);
    const saved = await mutate(this.deps.links, linkId(provider.tenantId, org.tenantId), (current) => requestConnection(current, parties, actor, this.deps.clock.now()));
    if (!saved.ok) return saved;
    const link = saved.value.value;
    this.deps.tasks.run('provider request cards', async () => {
      const deliveries: Delivery[] = [];
      for (const approver of provider.approverIds) {
        const delivery = await this.deps.notifier.notify(approver, { kind: PROVIDER_NOTICES.request, data: { linkId: link.id } });
        if (delivery) deliveries.push(delivery);
      }
      await mutate(this.deps.approvalCards, link.id, () => ok({ requestedAt: link.requestedAt ?? '', deliveries }));
    });
    return ok(link);
  }

  /** Requests waiting for this approver's decision. */
  async pendingRequests(actor: Actor): Promise<ProviderLink[]> {
    const provider = await this.providerOf(actor);
    if (!provider) return [];
    return (await this.linksWhere((l) => l.providerTenantId === provider.tenantId && l.status === 'requested')).sort((a, b) =>
      (a.requestedAt ?? '').localeCompare(b.requestedAt ?? ''),
    );
  }

  /** Approve or Decline: only the addressed provider's approvers; the first click decides. */
  async decide(actor: Actor, id: string, outcome: 'approved' | 'declined', reason?: string): Promise<Result<ProviderLink>> {
    const link = await this.link(id);
    if (!link) return fail('LINK.UNKNOWN', 'provider.errors.notRequested');
    const provider = await this.provider(link.providerTenantId);
    if (!provider || !provider.approverIds.includes(actor.userId)) return fail('LINK.NOT_APPROVER', 'provider.errors.notApprover');
    const saved = await mutate(this.deps.links, id, (current) =>
      current ? decideRequest(current, outcome, actor, this.deps.clock.now(), reason) : fail('LINK.UNKNOWN', 'provider.errors.notRequested'),
    );
    if (!saved.ok) return saved;
    const decided = saved.value.value;
    this.deps.tasks.run('provider decision notices', async () => {
      await this.refreshApprovalCards(decided);
      const kind = outcome === 'approved' ? PROVIDER_NOTICES.consent : PROVIDER_NOTICES.declined;
      await this.notifyReseller(decided, kind);
    });
    return ok(decided);
  }

  /** Invite reseller: a signed, expiring, single-use link, and the draft e-mail that carries it. */
  async inviteReseller(
    actor: Actor,
    input: { email: string; partnerId?: string },
    locale: Locale,
  ): Promise<Result<{ invitation: ResellerInvitation; link: string; subject: string; body: string; postedToReseller: boolean }>> {
    const provider = await this.providerOf(actor);
    if (!provider || !provider.approverIds.includes(actor.userId)) return fail('PROVIDER.NOT_PROVIDER', 'provider.errors.notProvider');
    const email = input.email.trim().toLowerCase();
    const partnerId = input.partnerId?.trim() || undefined;
    const issues = [];
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) issues.push({ field: 'email', messageKey: 'enrollment.validation.email' });
    if (partnerId && !/^\d{5,10}$/.test(partnerId)) issues.push({ field: 'partnerId', messageKey: 'provider.validation.partnerId' });
    if (issues.length) return { ok: false, error: { code: 'VALIDATION.FIELDS', messageKey: 'common.validation.fixFields', fields: issues } };
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.invitationTtlDays * 86_400_000);
    const invitation: ResellerInvitation = {
      id: randomUUID(),
      providerTenantId: provider.tenantId,
      email,
      ...(partnerId ? { partnerId } : {}),
      expiresAt: expiresAt.toISOString(),
      createdBy: actor.userId,
    };
    await mutate(this.deps.invitations, invitation.id, () => ok(invitation));
    const token = await this.deps.signedLinks.sign({ id: invitation.id, kind: INVITATION_KIND, subject: provider.tenantId, exp: Math.floor(expiresAt.getTime() / 1000) });
    const link = `${this.deps.publicBaseUrl}/providers/invitations/${token}`;
    const expires = expiresAt.toISOString().slice(0, 10);
    const params = { provider: provider.name, link, expires };

    // A reseller already enrolled here gets the authorization card in chat too.
    const reseller = partnerId ? await this.organizationByPartnerId(partnerId) : undefined;
    if (reseller) {
      const saved = await mutate(this.deps.links, linkId(provider.tenantId, reseller.tenantId), (current) =>
        invite(current, partiesOf(provider, reseller), { id: invitation.id, email, expiresAt: invitation.expiresAt }, actor, now),
      );
      if (saved.ok) this.deps.tasks.run('provider invitation card', () => this.notifyReseller(saved.value.value, PROVIDER_NOTICES.consent));
    }
    return ok({
      invitation,
      link,
      subject: translate(locale, 'provider.invite.subject', params),
      body: translate(locale, 'provider.invite.body', params),
      postedToReseller: !!reseller,
    });
  }

  /** Checks an invitation link without using it up: the page shows who invites. */
  async checkInvitation(token: string): Promise<Result<{ invitation: ResellerInvitation; provider: Provider }>> {
    const verified = await this.deps.signedLinks.verify(token, INVITATION_KIND, this.deps.clock.now());
    if (!verified.ok) return fail(verified.reason === 'expired' ? 'LINK.INVITATION_EXPIRED' : 'LINK.INVITATION_INVALID', verified.reason === 'expired' ? 'provider.page.expired' : 'provider.page.invalid');
    return this.openInvitation(verified.claims.id);
  }

  /** The reseller's admin agent opens an invitation by its code: the link is recorded and the consent card follows. */
  async acceptInvitation(actor: Actor, invitationId: string): Promise<Result<ProviderLink>> {
    const opened = await this.openInvitation(invitationId.trim());
    if (!opened.ok) return opened;
    const side = await this.resellerSide(actor);
    if (!side) return fail('PROVIDER.NO_ORGANIZATION', 'provider.errors.noOrganization');
    const { invitation, provider } = opened.value;
    const id = linkId(provider.tenantId, side.organization.tenantId);
    const saved = await mutate(this.deps.links, id, (current) =>
      current?.status === 'invited' && current.invitation?.id === invitation.id
        ? ok(current)
        : invite(current, partiesOf(provider, side.organization), { id: invitation.id, email: invitation.email, expiresAt: invitation.expiresAt }, actor, this.deps.clock.now()),
    );
    return saved.ok ? ok(saved.value.value) : saved;
  }

  /** Authorize indirect provider: the consent box and the admin agent role, then both lists show it. */
  async authorize(actor: Actor, id: string, consent: boolean): Promise<Result<ProviderLink>> {
    const side = await this.resellerSide(actor);
    const link = await this.link(id);
    if (!side || !link || link.resellerId !== side.organization.tenantId) return fail('LINK.NOT_RESELLER', 'provider.errors.notResellerUser');
    const invitationId = link.status === 'invited' ? link.invitation?.id : undefined;
    const saved = await mutate(this.deps.links, id, (current) =>
      current ? authorize(current, consent, side.isAdminAgent, actor, this.deps.clock.now(), invitationId) : fail('LINK.UNKNOWN', 'provider.errors.notAuthorizable'),
    );
    if (!saved.ok) return saved;
    const authorized = saved.value.value;
    if (invitationId) {
      await mutate(this.deps.invitations, invitationId, (current) =>
        current ? ok(current.usedAt ? current : { ...current, usedAt: authorized.authorizedAt }) : fail('LINK.UNKNOWN', 'provider.errors.invitationInvalid'),
      );
    }
    this.deps.tasks.run('provider authorized notices', () => this.notifyProvider(authorized, PROVIDER_NOTICES.authorized));
    return ok(authorized);
  }

  /** End relationship, from either side, with both told. */
  async end(actor: Actor, id: string): Promise<Result<ProviderLink>> {
    const link = await this.link(id);
    if (!link || !(await this.canSee(actor, link))) return fail('LINK.NOT_PARTY', 'provider.errors.notResellerUser');
    const saved = await mutate(this.deps.links, id, (current) => (current ? endRelationship(current, actor, this.deps.clock.now()) : fail('LINK.NOT_ACTIVE', 'provider.errors.notActive')));
    if (!saved.ok) return saved;
    const ended = saved.value.value;
    this.deps.tasks.run('relationship ended notices', async () => {
      await this.notifyReseller(ended, PROVIDER_NOTICES.ended);
      await this.notifyProvider(ended, PROVIDER_NOTICES.ended);
    });
    return ok(ended);
  }

  /** Indirect providers: the reseller's authorized providers. */
  async indirectProviders(actor: Actor): Promise<ProviderLink[] | undefined> {
    const side = await this.resellerSide(actor);
    if (!side) return undefined;
    return (await this.linksWhere((l) => l.resellerId === side.organization.tenantId && l.status === 'authorized')).sort((a, b) => a.providerName.localeCompare(b.providerName));
  }

  /** Indirect resellers: the provider's authorized resellers, searchable by name or MPN ID, paged. */
  async indirectResellers(actor: Actor, search: string, page: number): Promise<Page<ProviderLink> | undefined> {
    const provider = await this.providerOf(actor);
    if (!provider) return undefined;
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    const links = (await this.linksWhere((l) => l.providerTenantId === provider.tenantId && l.status === 'authorized'))
      .filter((l) => words.every((w) => `${l.resellerName} ${l.resellerPartnerId ?? ''}`.toLowerCase().includes(w)))
      .sort((a, b) => a.resellerName.localeCompare(b.resellerName));
    return paginate(links, page, PAGE_SIZE);
  }

  /** Every relationship the caller's organization is a party to, whatever its state, newest activity first. */
  async relationshipsOf(actor: Actor): Promise<ProviderLink[]> {
    const side = await this.resellerSide(actor);
    const provider = await this.providerOf(actor);
    const links = await this.linksWhere((l) => l.resellerId === side?.organization.tenantId || l.providerTenantId === provider?.tenantId);
    return links.sort((a, b) => (b.history.at(-1)?.at ?? '').localeCompare(a.history.at(-1)?.at ?? ''));
  }

  /** A relationship, when the caller is one of its parties. */
  async visibleLink(actor: Actor, id: string): Promise<ProviderLink | undefined> {
    const link = await this.link(id);
    return link && (await this.canSee(actor, link)) ? link : undefined;
  }

  /** A relationship by id, for cards sent to its parties. */
  async link(id: string): Promise<ProviderLink | undefined> {
    return (await this.deps.links.get(id))?.value;
  }

  /** The approvers of the link's provider (for Universal Actions refresh). */
  async approversOf(link: ProviderLink): Promise<readonly string[]> {
    return (await this.provider(link.providerTenantId))?.approverIds ?? [];
  }

  /** Whether the user approves for this link's provider. */
  async isApprover(actor: Actor, link: ProviderLink): Promise<boolean> {
    return (await this.approversOf(link)).includes(actor.userId);
  }

  private async canSee(actor: Actor, link: ProviderLink): Promise<boolean> {
    const side = await this.resellerSide(actor);
    if (side?.organization.tenantId === link.resellerId) return true;
    return (await this.providerOf(actor))?.tenantId === link.providerTenantId;
  }

  private async openInvitation(id: string): Promise<Result<{ invitation: ResellerInvitation; provider: Provider }>> {
    const invitation = (await this.deps.invitations.get(id))?.value;
    if (!invitation) return fail('LINK.INVITATION_INVALID', 'provider.errors.invitationInvalid');
    if (invitation.usedAt) return fail('LINK.INVITATION_USED', 'provider.errors.invitationUsed');
    if (this.deps.clock.now().getTime() >= Date.parse(invitation.expiresAt)) return fail('LINK.INVITATION_EXPIRED', 'provider.errors.invitationExpired');
    const provider = await this.provider(invitation.providerTenantId);
    if (!provider) return fail('LINK.INVITATION_INVALID', 'provider.errors.invitationInvalid');
    return ok({ invitation, provider });
  }

  private async refreshApprovalCards(link: ProviderLink): Promise<void> {
    const cards = (await this.deps.approvalCards.get(link.id))?.value;
    for (const delivery of cards?.deliveries ?? []) await this.deps.notifier.update(delivery, { kind: PROVIDER_NOTICES.request, data: { linkId: link.id } });
  }

  private async notifyReseller(link: ProviderLink, kind: string): Promise<void> {
    const org = (await this.deps.organizations.get(link.resellerId))?.value;
    const admins = org?.members.filter((m) => m.roles.includes('adminAgent')).map((m) => m.userId) ?? [];
    for (const userId of admins) await this.deps.notifier.notify(userId, { kind, data: { linkId: link.id } });
  }

  private async notifyProvider(link: ProviderLink, kind: string): Promise<void> {
    for (const userId of await this.approversOf(link)) await this.deps.notifier.notify(userId, { kind, data: { linkId: link.id } });
  }

  private async organizationByPartnerId(partnerId: string): Promise<Organization | undefined> {
    for await (const record of this.deps.organizations.list()) if (record.value.partnerId === partnerId) return record.value;
    return undefined;
  }

  private async allProviders(): Promise<Provider[]> {
    const all: Provider[] = [];
    for await (const record of this.deps.providers.list()) all.push(record.value);
    return all;
  }

  private async linksWhere(predicate: (link: ProviderLink) => boolean): Promise<ProviderLink[]> {
    const found: ProviderLink[] = [];
    for await (const record of this.deps.links.list()) if (predicate(record.value)) found.push(record.value);
    return found;
  }
}

function partiesOf(provider: Provider, org: Organization) {
  return {
    providerTenantId: provider.tenantId,
    providerName: provider.name,
    resellerId: org.tenantId,
    resellerName: org.name,
    ...(org.partnerId ? { resellerPartnerId: org.partnerId } : {}),
    ...(org.country ? { resellerCountry: org.country } : {}),
  };
}
