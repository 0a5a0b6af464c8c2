import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Organization } from '../domain/organization/organization.js';
import {
  authorize,
  decideRequest,
  endRelationship,
  invite,
  linkId,
  openInvitation,
  providerNamedBy,
  requestConnection,
  type ProviderLink,
} from '../domain/provider/provider-link.js';
import { providerPeople, setProviderRoles, type ProviderPerson, type ProviderRole } from '../domain/provider/provider-members.js';
import { decideRegistration, isApproved, paginate, registerProvider, searchDirectory, type DirectoryQuery, type Page, type Provider } from '../domain/provider/provider.js';
import { rolesFor, type Action } from '../domain/access.js';
import { fail, ok, type Result } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { AccessService } from './access.service.js';
import type { Delivery } from './notifier.port.js';
import type { LinkStore, OrganizationStore, ProviderStore } from './indexes.js';
import { indexPage, readWhileDeciding, type CursorPage, type PageRequest } from './paging.js';
import { mutate, type InvitationContext, type RecordStore, type Versioned } from './ports.js';

/** A provider's invitation to a reseller, reachable through a signed link. */
export interface ResellerInvitation {
  readonly id: string;
  readonly providerTenantId: string;
  readonly email: string;
  readonly partnerId?: string;
  readonly expiresAt: string;
  readonly usedAt?: string;
  readonly createdBy: string;
  /** Who sent it, as the audit trail names them (invitations from before this was kept name their provider). */
  readonly createdByName?: string;
  readonly createdAt?: string;
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
  readonly providers: ProviderStore;
  readonly links: LinkStore;
  readonly invitations: RecordStore<ResellerInvitation>;
  readonly approvalCards: RecordStore<ApprovalCards>;
  /** The access table applied to callers: their organization, provider and roles. */
  readonly access: AccessService;
  /** Every enrolled organization, to find a reseller by MPN ID (through its index). */
  readonly organizations: OrganizationStore;
}

/** Notification kinds of the provider journey. */
export const PROVIDER_NOTICES = {
  request: 'provider.request',
  consent: 'provider.consent',
  declined: 'provider.declined',
  authorized: 'provider.authorized',
  ended: 'provider.ended',
  registration: 'provider.registration',
  registrationDecided: 'provider.registrationDecided',
} as const;

const INVITATION_KIND = 'reseller-invitation';
const PAGE_SIZE = 5;
const TEAM_PAGE_SIZE = 8;

/** A request as read before it is decided, and the approved provider its key names (see `decisionReads`). */
export interface DecisionReads {
  readonly read: Versioned<ProviderLink> | undefined;
  readonly ahead: Provider | undefined;
}

/**
 * The provider journey's use cases: the directory, requests to connect and their decision,
 * invitations, the reseller's consent, the Indirect providers / Indirect resellers lists and
 * ending a relationship. Every change is a compare-and-set on the pair's one record.
 */
export class ProviderService {
  constructor(private readonly deps: ProviderDeps) {}

  /** Providers matching the search, one page at a time: the listed providers (of the country asked for) through the index, then the keyword. */
  async directory(query: DirectoryQuery, page: number): Promise<Page<Provider>> {
    const country = query.country?.trim().toUpperCase();
    const listed: Provider[] = [];
    for await (const record of country ? this.deps.providers.listBy('listedByCountry', country) : this.deps.providers.listBy('listed', 'all')) listed.push(record.value);
    return paginate(searchDirectory(listed, query), page, PAGE_SIZE);
  }

  /** An approved provider by tenant id. */
  async provider(tenantId: string): Promise<Provider | undefined> {
    const found = (await this.deps.providers.get(tenantId))?.value;
    return found && isApproved(found) ? found : undefined;
  }

  /** A provider by tenant id, whatever the state of its registration (for the reviewers' cards). */
  async registration(tenantId: string): Promise<Provider | undefined> {
    return (await this.deps.providers.get(tenantId))?.value;
  }

  /** The caller's provider when the access table lets them take a provider-side action there. */
  async desk(action: Action, actor: Actor | undefined): Promise<Result<Provider>> {
    const granted = await this.deps.access.asProvider(action, actor);
    return granted.ok ? ok(granted.value.scope) : granted;
  }

  /** The provider registered for the caller's proven tenant. */
  async providerOf(actor: Actor): Promise<Provider | undefined> {
    return this.deps.access.providerOf(actor);
  }

  /**
   * Registers the caller's organization (their proven tenant) as a provider, once; the registrant
   * is its first provider admin and approver. Names are unique, ignoring case and accents.
   */
  async register(actor: Actor, input: unknown): Promise<Result<Provider>> {
    if (!actor.tenantId) return fail('PROVIDER.TENANT_REQUIRED', 'provider.register.tenantRequired');
    const provider = registerProvider(input, actor.tenantId, { userId: actor.userId, name: actor.name }, this.deps.clock.now());
    if (!provider.ok) return provider;
    const key = nameKey(provider.value.name);
    if ((await this.providersNamed(key)).some((p) => p.tenantId !== actor.tenantId && nameKey(p.name) === key)) {
      return fail('PROVIDER.NAME_TAKEN', 'provider.errors.nameTaken', { name: provider.value.name }, 'name');
    }
    const saved = await mutate(this.deps.providers, actor.tenantId, (current) =>
      current
        ? fail('PROVIDER.EXISTS', current.status === 'pending' ? 'provider.errors.registrationPending' : 'provider.errors.alreadyRegistered')
        : ok(provider.value),
    );
    if (!saved.ok) return saved;
    const registered = saved.value.value;
    this.deps.tasks.run('provider registration review cards', async () => {
      for (const reviewerId of this.deps.access.reviewerIds) {
        await this.deps.notifier.notify(reviewerId, { kind: PROVIDER_NOTICES.registration, data: { tenantId: registered.tenantId } });
      }
    });
    return ok(registered);
  }

  /** An operator reviewer approves or declines a provider's registration; the registrant is told. */
  async decideRegistration(caller: Actor | undefined, tenantId: string, outcome: 'approved' | 'declined', reason?: string): Promise<Result<Provider>> {
    const granted = this.deps.access.asOperator('provider.reviewRegistration', caller);
    if (!granted.ok) return granted;
    const saved = await mutate(this.deps.providers, tenantId, (current) =>
      current ? decideRegistration(current, outcome, granted.value.actor, this.deps.clock.now(), reason) : fail('PROVIDER.UNKNOWN', 'provider.errors.unknownProvider'),
    );
    if (!saved.ok) return saved;
    const decided = saved.value.value;
    this.deps.tasks.run('provider registration decision', async () => {
      for (const admin of decided.admins ?? []) await this.deps.notifier.notify(admin.userId, { kind: PROVIDER_NOTICES.registrationDecided, data: { tenantId } });
    });
    return ok(decided);
  }

  /** The caller's provider and one page of its people, for its provider admins to choose approvers and admins among its verified members. */
  async team(actor: Actor | undefined, page: number): Promise<Result<{ provider: Provider; people: Page<ProviderPerson> }>> {
    const desk = await this.desk('provider.manageApprovers', actor);
    return desk.ok ? ok({ provider: desk.value, people: paginate(providerPeople(desk.value), page, TEAM_PAGE_SIZE) }) : desk;
  }

  /** Whether the caller may choose their provider's approvers (to offer the button on their lists). */
  async managesApprovers(actor: Actor | undefined): Promise<boolean> {
    return (await this.desk('provider.manageApprovers', actor)).ok;
  }

  /**
   * A provider admin sets a verified member's roles (Approver, Provider admin); the record's
   * approvers are who get the next request cards, and who may decide the ones already sent.
   */
  async setMemberRoles(actor: Actor | undefined, targetUserId: string, roles: readonly ProviderRole[]): Promise<Result<Provider>> {
    const granted = await this.deps.access.asProvider('provider.manageApprovers', actor);
    if (!granted.ok) return granted;
    const saved = await mutate(this.deps.providers, granted.value.scope.tenantId, (current) =>
      current ? setProviderRoles(current, granted.value.actor, targetUserId, roles, this.deps.clock.now()) : fail('PROVIDER.UNKNOWN', 'provider.errors.unknownProvider'),
    );
    return saved.ok ? ok(saved.value.value) : saved;
  }

  /** The caller's reseller organization and whether they are its admin agent. */
  async resellerSide(actor: Actor): Promise<ResellerSide | undefined> {
    const organization = await this.deps.access.organizationOf(actor);
    return organization ? { organization, isAdminAgent: organization.members.some((m) => m.userId === actor.userId && m.roles.includes('adminAgent')) } : undefined;
  }

  /** Request to connect: any admin or sales agent of an enrolled reseller. */
  async requestConnection(actor: Actor, providerTenantId: string): Promise<Result<ProviderLink>> {
    const granted = await this.deps.access.asReseller('provider.requestConnection', actor);
    if (!granted.ok) return granted;
    const provider = await this.provider(providerTenantId);
    if (!provider) return fail('PROVIDER.UNKNOWN', 'provider.errors.unknownProvider');
    const org = granted.value.scope;
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

  /** Requests waiting for a decision of the caller's provider (its approvers and admins), oldest first; the first `limit` of them when given. */
  async pendingRequests(actor: Actor | undefined, limit = Infinity): Promise<Result<ProviderLink[]>> {
    const granted = await this.deps.access.asProvider('provider.requests', actor);
    if (!granted.ok) return granted;
    return ok(await this.linksBy('requestedByProvider', granted.value.scope.tenantId, limit));
  }

  /** Approve or Decline: only the addressed provider's approvers and admins; the first click decides. */
  /** Approves or declines a request to connect; with the decided request, its provider's approvers as read for the decision (for the card's refresh list). */
  async decide(
    actor: Actor | undefined,
    id: string,
    outcome: 'approved' | 'declined',
    reason?: string,
    reads: Promise<DecisionReads> = this.decisionReads(id),
  ): Promise<Result<{ link: ProviderLink; approverIds: readonly string[] }>> {
    const { read, ahead } = await reads;
    const named = providerNamedBy(id);
    const link = read?.value;
    const addressed = link ? (link.providerTenantId === named ? ahead : await this.provider(link.providerTenantId)) : undefined;
    if (!link || !addressed) {
      const desk = await this.deps.access.asProvider('provider.decide', actor);
      return desk.ok ? fail('LINK.UNKNOWN', 'provider.errors.notRequested') : desk;
    }
    const granted = await this.deps.access.asProvider('provider.decide', actor, addressed);
    if (!granted.ok) return granted;
    // The first attempt decides on the version read above (the compare-and-set refuses it if it changed since; then it is read again).
    const saved = await mutateFrom(this.deps.links, id, read, (current) =>
      current ? decideRequest(current, outcome, granted.value.actor, this.deps.clock.now(), reason) : fail('LINK.UNKNOWN', 'provider.errors.notRequested'),
    );
    if (!saved.ok) return saved;
    const decided = saved.value.value;
    // The notice and the mail both need the reseller organization: read once for both.
    let reseller: Promise<Organization | undefined> | undefined;
    const resellerOrg = () => (reseller ??= this.deps.organizations.get(decided.resellerId).then((read) => read?.value));
    this.deps.tasks.run('provider decision notices', async () => {
      await this.refreshApprovalCards(decided);
      const kind = outcome === 'approved' ? PROVIDER_NOTICES.consent : PROVIDER_NOTICES.declined;
      await this.notifyReseller(decided, kind, resellerOrg);
    });
    this.deps.tasks.run('provider decision mail', () => this.mailParties(decided, outcome === 'approved' ? 'requestApproved' : 'requestDeclined', { reseller: true }, resellerOrg));
    return ok({ link: decided, approverIds: addressed.approverIds });
  }

  /**
   * What deciding a request reads first: the request and the provider its key names, one round
   * trip for both (the request's own record still decides which provider it is addressed to; the
   * key came in a card's data). Only reads: a click can start them before it is claimed
   * (`EarlyReads`), and a request changed since is caught by the compare-and-set of `decide`.
   */
  async decisionReads(id: string): Promise<DecisionReads> {
    const named = providerNamedBy(id);
    const [read, ahead] = await Promise.all([this.deps.links.get(id), named ? this.provider(named) : undefined]);
    return { read, ahead };
  }

  /** Invite reseller: a signed, expiring, single-use link, and the draft e-mail that carries it. */
  async inviteReseller(
    actor: Actor | undefined,
    input: { email: string; partnerId?: string },
    locale: Locale,
  ): Promise<Result<{ invitation: ResellerInvitation; link: string; subject: string; body: string; postedToReseller: boolean }>> {
    const granted = await this.deps.access.asProvider('provider.inviteReseller', actor);
    if (!granted.ok) return granted;
    const provider = granted.value.scope;
    actor = granted.value.actor;
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
      createdByName: actor.name,
      createdAt: now.toISOString(),
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
  async acceptInvitation(actor: Actor | undefined, invitationId: string): Promise<Result<ProviderLink>> {
    const granted = await this.deps.access.asReseller('provider.acceptInvitation', actor);
    if (!granted.ok) return granted;
    const side = { organization: granted.value.scope };
    const opened = await this.openInvitation(invitationId.trim());
    if (!opened.ok) return opened;
    const { invitation, provider } = opened.value;
    const id = linkId(provider.tenantId, side.organization.tenantId);
    // The trail names the provider's user who sent the invitation, then the Admin agent who opened it.
    const sender = { userId: invitation.createdBy, name: invitation.createdByName ?? provider.name, tenantId: provider.tenantId };
    const sentAt = invitation.createdAt ? new Date(invitation.createdAt) : this.deps.clock.now();
    const saved = await mutate(this.deps.links, id, (current) => {
      const invited =
        current?.status === 'invited' && current.invitation?.id === invitation.id
          ? ok(current)
          : invite(current, partiesOf(provider, side.organization), { id: invitation.id, email: invitation.email, expiresAt: invitation.expiresAt }, sender, sentAt);
      return invited.ok ? openInvitation(invited.value, granted.value.actor, this.deps.clock.now()) : invited;
    });
    return saved.ok ? ok(saved.value.value) : saved;
  }

  /** Authorize indirect provider: the consent box and the admin agent role, then both lists show it. */
  async authorize(actor: Actor | undefined, id: string, consent: boolean): Promise<Result<ProviderLink>> {
    const granted = await this.deps.access.asReseller('provider.authorize', actor);
    if (!granted.ok) return granted;
    const link = await this.link(id);
    if (!link || link.resellerId !== granted.value.scope.tenantId) return fail('LINK.NOT_PARTY', 'provider.errors.notParty');
    const invitationId = link.status === 'invited' ? link.invitation?.id : undefined;
    const saved = await mutate(this.deps.links, id, (current) =>
      current ? authorize(current, consent, true, granted.value.actor, this.deps.clock.now(), invitationId) : fail('LINK.UNKNOWN', 'provider.errors.notAuthorizable'),
    );
    if (!saved.ok) return saved;
    const authorized = saved.value.value;
    if (invitationId) {
      await mutate(this.deps.invitations, invitationId, (current) =>
        current ? ok(current.usedAt ? current : { ...current, usedAt: authorized.authorizedAt }) : fail('LINK.UNKNOWN', 'provider.errors.invitationInvalid'),
      );
    }
    this.deps.tasks.run('provider authorized notices', () => this.notifyProvider(authorized, PROVIDER_NOTICES.authorized));
    this.deps.tasks.run('provider authorized mail', () => this.mailParties(authorized, 'authorized', { reseller: true, provider: true }));
    return ok(authorized);
  }

  /** End relationship, from either side, with both told. */
  async end(actor: Actor | undefined, id: string): Promise<Result<ProviderLink>> {
    const link = await this.link(id);
    const granted = await this.onEitherSide(actor, link, 'provider.endAsReseller', 'provider.endAsProvider');
    if (!granted.ok) return granted;
    const saved = await mutate(this.deps.links, id, (current) =>
      current ? endRelationship(current, granted.value, this.deps.clock.now()) : fail('LINK.NOT_ACTIVE', 'provider.errors.notActive'),
    );
    if (!saved.ok) return saved;
    const ended = saved.value.value;
    this.deps.tasks.run('relationship ended notices', async () => {
      await this.notifyReseller(ended, PROVIDER_NOTICES.ended);
      await this.notifyProvider(ended, PROVIDER_NOTICES.ended);
    });
    this.deps.tasks.run('relationship ended mail', () => this.mailParties(ended, 'ended', { reseller: true, provider: true }));
    return ok(ended);
  }

  /**
   * Indirect providers: the reseller's authorized providers, and the relationships still on their
   * way (approved or invited and waiting for the Admin agent's authorization, or requested and
   * waiting for the provider), so a missed card never leaves a step with no way to finish it.
   */
  async indirectProviders(actor: Actor | undefined): Promise<Result<ProviderLink[]>> {
    const granted = await this.deps.access.asReseller('provider.indirectProviders', actor);
    if (!granted.ok) return granted;
    const org = granted.value.scope;
    const order: Record<string, number> = { approved: 0, invited: 0, authorized: 1, requested: 2 };
    const links = (await this.linksBy('byReseller', org.tenantId)).filter((l) => l.status in order);
    return ok(links.sort((a, b) => order[a.status] - order[b.status] || a.providerName.localeCompare(b.providerName)));
  }

  /** The caller's relationship with a provider, for the reseller's agents (a second Request to connect shows it). */
  async relationshipWith(actor: Actor | undefined, providerTenantId: string): Promise<ProviderLink | undefined> {
    const granted = await this.deps.access.asReseller('provider.indirectProviders', actor);
    return granted.ok ? this.link(linkId(providerTenantId, granted.value.scope.tenantId)) : undefined;
  }

  /** One of the caller's reseller organization's relationships, by id, for its agents only. */
  async resellerLink(actor: Actor | undefined, id: string): Promise<Result<ProviderLink>> {
    const granted = await this.deps.access.asReseller('provider.indirectProviders', actor);
    if (!granted.ok) return granted;
    const link = await this.link(id);
    if (!link || link.resellerId !== granted.value.scope.tenantId) {
      return fail('ACCESS.OTHER_ORGANIZATION', 'access.otherOrganization', { roles: rolesFor('provider.indirectProviders').join(','), organization: link?.resellerName ?? '—' });
    }
    return ok(link);
  }

  /**
   * Indirect resellers: the provider's authorized resellers by name, a page at a time through the
   * index (Next and Previous carry a cursor), searchable by the start of any word of the name or the MPN ID.
   * The page of the caller's own tenant's provider is read while access is decided (`readWhileDeciding`).
   */
  async indirectResellers(actor: Actor | undefined, search: string, page: number | PageRequest): Promise<Result<CursorPage<ProviderLink>>> {
    const read = (providerTenantId: string) => {
      const lists = { index: 'authorizedByProvider', search: 'searchAuthorizedByProvider', key: providerTenantId, words: (l: ProviderLink) => `${l.resellerName} ${l.resellerPartnerId ?? ''}` } as const;
      return indexPage(this.deps.links, lists, search, typeof page === 'number' ? { page } : page, PAGE_SIZE, (r) => r.value);
    };
    return readWhileDeciding(actor?.tenantId, read, () => this.deps.access.asProvider('provider.indirectResellers', actor), (granted) => granted.scope.tenantId);
  }

  /** Every relationship of the caller's reseller organization, whatever its state, for its agents (the dashboard's pipeline). */
  async linksAsReseller(actor: Actor | undefined): Promise<Result<ProviderLink[]>> {
    const granted = await this.deps.access.asReseller('provider.historyAsReseller', actor);
    if (!granted.ok) return granted;
    const resellerId = granted.value.scope.tenantId;
    return ok(await this.linksBy('byReseller', resellerId));
  }

  /** Every relationship of the caller's provider, whatever its state, for its desk (the dashboard's pipeline). */
  async linksAsProvider(actor: Actor | undefined): Promise<Result<ProviderLink[]>> {
    const granted = await this.deps.access.asProvider('provider.historyAsProvider', actor);
    if (!granted.ok) return granted;
    const providerId = granted.value.scope.tenantId;
    return ok(await this.linksBy('byProvider', providerId));
  }

  /** Every relationship the caller's organization is a party to, whatever its state, newest activity first. */
  async relationshipsOf(actor: Actor | undefined): Promise<Result<ProviderLink[]>> {
    const asReseller = await this.deps.access.asReseller('provider.historyAsReseller', actor);
    const asProvider = await this.deps.access.asProvider('provider.historyAsProvider', actor);
    if (!asReseller.ok && !asProvider.ok) return (await this.deps.access.providerOf(actor)) ? asProvider : asReseller;
    const resellerId = asReseller.ok ? asReseller.value.scope.tenantId : undefined;
    const providerId = asProvider.ok ? asProvider.value.scope.tenantId : undefined;
    const both = [...(resellerId ? await this.linksBy('byReseller', resellerId) : []), ...(providerId ? await this.linksBy('byProvider', providerId) : [])];
    const links = [...new Map(both.map((l) => [l.id, l])).values()];
    return ok(links.sort((a, b) => (b.history.at(-1)?.at ?? '').localeCompare(a.history.at(-1)?.at ?? '')));
  }

  /** A relationship, when the caller may see it: an agent of its reseller or the desk of its provider. */
  async visibleLink(actor: Actor | undefined, id: string, purpose: 'history' | 'customers' | 'end' = 'history'): Promise<Result<ProviderLink>> {
    const link = await this.link(id);
    const actions = {
      history: ['provider.historyAsReseller', 'provider.historyAsProvider'],
      customers: ['provider.viewCustomersAsReseller', 'provider.viewCustomersAsProvider'],
      end: ['provider.endAsReseller', 'provider.endAsProvider'],
    } as const;
    const [resellerAction, providerAction] = actions[purpose];
    const granted = await this.onEitherSide(actor, link, resellerAction, providerAction);
    return granted.ok ? ok(link!) : granted;
  }

  /** A relationship by id, for cards sent to its parties. */
  async link(id: string): Promise<ProviderLink | undefined> {
    return (await this.deps.links.get(id))?.value;
  }

  /** The approvers of the link's provider (for Universal Actions refresh). */
  async approversOf(link: ProviderLink): Promise<readonly string[]> {
    return (await this.provider(link.providerTenantId))?.approverIds ?? [];
  }

  /** Whether the user may decide requests for this link's provider. */
  async isApprover(actor: Actor | undefined, link: ProviderLink): Promise<boolean> {
    return (await this.deps.access.asProvider('provider.decide', actor, await this.provider(link.providerTenantId))).ok;
  }

  /**
   * A relationship action that either party may take: granted on the side the caller belongs to
   * (reseller or provider of this link), refused with the role that side needs otherwise.
   */
  private async onEitherSide(
    actor: Actor | undefined,
    link: ProviderLink | undefined,
    resellerAction: Action,
    providerAction: Action,
  ): Promise<Result<Actor>> {
    const org = await this.deps.access.organizationOf(actor);
    if (link && org && org.tenantId === link.resellerId) {
      const granted = await this.deps.access.asReseller(resellerAction, actor);
      return granted.ok ? ok(granted.value.actor) : granted;
    }
    const provider = link ? await this.provider(link.providerTenantId) : undefined;
    const own = await this.deps.access.providerOf(actor);
    if (link && own && provider && own.tenantId === provider.tenantId) {
      const granted = await this.deps.access.asProvider(providerAction, actor, provider);
      return granted.ok ? ok(granted.value.actor) : granted;
    }
    if (!actor) return fail('ACCESS.SIGN_IN', 'access.signIn');
    return fail('LINK.NOT_PARTY', 'provider.errors.notParty');
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

  private async notifyReseller(link: ProviderLink, kind: string, resellerOrg = () => this.organization(link.resellerId)): Promise<void> {
    const org = await resellerOrg();
    const admins = org?.members.filter((m) => m.roles.includes('adminAgent')).map((m) => m.userId) ?? [];
    for (const userId of admins) await this.deps.notifier.notify(userId, { kind, data: { linkId: link.id } });
  }

  /** Mails a relationship's change to the reseller's primary contact and the provider's contact address. */
  private async mailParties(
    link: ProviderLink,
    kind: 'requestApproved' | 'requestDeclined' | 'authorized' | 'ended',
    to: { reseller?: boolean; provider?: boolean },
    resellerOrg = () => this.organization(link.resellerId),
  ): Promise<void> {
    const last = link.history[link.history.length - 1];
    const params = { reseller: link.resellerName, provider: link.providerName, at: (last?.at ?? '').slice(0, 10), by: last?.byName ?? '', reason: link.decision?.reason ?? '—' };
    if (to.reseller) await this.deps.statusMail.toOrganization(await resellerOrg(), kind, params);
    if (to.provider) await this.deps.statusMail.toProvider(await this.provider(link.providerTenantId), kind, params);
  }

  private async notifyProvider(link: ProviderLink, kind: string): Promise<void> {
    for (const userId of await this.approversOf(link)) await this.deps.notifier.notify(userId, { kind, data: { linkId: link.id } });
  }

  private async organization(tenantId: string): Promise<Organization | undefined> {
    return (await this.deps.organizations.get(tenantId))?.value;
  }

  private async organizationByPartnerId(partnerId: string): Promise<Organization | undefined> {
    const found = await this.deps.organizations.page('byPartnerId', partnerId, { limit: 1 });
    return found.ok ? found.value.records[0]?.value : undefined;
  }

  /** Providers whose name, compared without case, accents or extra spaces, is `key` (through the index). */
  private async providersNamed(key: string): Promise<Provider[]> {
    const found: Provider[] = [];
    for await (const record of this.deps.providers.listBy('byName', key)) found.push(record.value);
    return found;
  }

  /** Every relationship listed under `key` in a links index. */
  private async linksBy(index: 'byReseller' | 'byProvider' | 'requestedByProvider', key: string, limit = Infinity): Promise<ProviderLink[]> {
    const found: ProviderLink[] = [];
    if (limit < 1) return found;
    for await (const record of this.deps.links.listBy(index, key, Number.isFinite(limit) ? { pageSize: limit } : {})) {
      found.push(record.value);
      if (found.length >= limit) break;
    }
    return found;
  }
}

/**
 * `mutate`, whose first attempt starts from a version the caller has just read instead of reading
 * it again. The write is a compare-and-set on that version, so a record changed in between is
 * never overwritten: the attempt fails and the next ones read the record afresh, as `mutate` does.
 */
async function mutateFrom<T>(store: RecordStore<T>, id: string, read: Versioned<T> | undefined, change: (current: T | undefined) => Result<T>): Promise<Result<Versioned<T>>> {
  const next = change(read?.value);
  if (!next.ok) return next;
  if (read && next.value === read.value) return ok(read);
  const saved = await store.compareAndSet(id, read ?? 0, next.value);
  return saved ? ok(saved) : mutate(store, id, change, 7);
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

/** A provider name as compared for uniqueness: without case, accents or extra spaces. */
function nameKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
