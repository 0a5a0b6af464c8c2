import { randomUUID } from 'node:crypto';
import { audit, type Actor } from '../domain/actor.js';
import {
  accept,
  applyAcceptance,
  canPlaceOrder,
  finishDraft,
  linkProblem,
  resend,
  revoke,
  validateInvitationInput,
  type Customer,
  type CustomerInvitation,
} from '../domain/customer/customer.js';
import type { Action } from '../domain/access.js';
import type { Organization } from '../domain/organization/organization.js';
import type { ProviderLink } from '../domain/provider/provider-link.js';
import { fail, ok, type Result } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { AccessService } from './access.service.js';
import { mutate, type InvitationContext, type RecordStore } from './ports.js';
import type { PartnerCenter } from './partner-center.port.js';
import { acceptSeen, applySeenAcceptance, type SeenCustomer } from '../domain/customer/partner-center-acceptance.js';
import type { CustomerInvitationStore, CustomerStore, LinkStore } from './indexes.js';
import { indexPage, readWhileDeciding, type CursorPage, type PageRequest } from './paging.js';

/** What the customer use cases need. */
export interface CustomerDeps extends InvitationContext {
  readonly invitations: CustomerInvitationStore;
  readonly customers: CustomerStore;
  /** The access table applied to callers. */
  readonly access: AccessService;
  readonly organizations: RecordStore<Organization>;
  readonly links: LinkStore;
  readonly providerApprovers: (providerTenantId: string) => Promise<readonly string[]>;
  /** With the Partner Center API, where the e-mail's links come from (absent or embedded: the assistant's own page). */
  readonly partnerCenter?: PartnerCenter;
}

/** Notification kinds of the customer journey. */
export const CUSTOMER_NOTICES = { accepted: 'customer.accepted' } as const;

const KIND = 'customer-invitation';
const PAGE_SIZE = 5;

/** A customer as a list shows it, with what the guide's order rule says about its provider. */
export interface CustomerRow {
  readonly customer: Customer;
  readonly provider?: { readonly name: string; readonly canOrder: boolean };
}

/**
 * The customer journey: two-tier invitations (Invite new customers) and reseller-only ones
 * (Request a reseller relationship), the customer's acceptance, and the Customers list.
 */
export class CustomerService {
  constructor(private readonly deps: CustomerDeps) {}

  /**
   * Who invites and with which provider, for the invitation form: the caller's organization (they
   * must be one of its agents) and, for a two-tier invitation, its authorized provider of that
   * relationship, both read from the records, never from the card.
   */
  async inviter(actor: Actor | undefined, providerLinkId: string): Promise<Result<{ organization: Organization; provider?: { linkId: string; name: string } }>> {
    const org = await this.agentOrganization(actor, 'customer.invite');
    if (!org.ok) return org;
    if (!providerLinkId) return ok({ organization: org.value });
    const link = (await this.deps.links.get(providerLinkId))?.value;
    if (!link || link.resellerId !== org.value.tenantId || link.status !== 'authorized') return fail('INVITATION.NO_ACTIVE_PROVIDER', 'customer.errors.noActiveProvider');
    return ok({ organization: org.value, provider: { linkId: link.id, name: link.providerName } });
  }

  /** Drafts an invitation and its e-mail with the personalized link; two-tier only with an active provider. */
  async draft(caller: Actor | undefined, input: Record<string, unknown>, locale: Locale): Promise<Result<{ invitation: CustomerInvitation; link: string }>> {
    const org = await this.agentOrganization(caller, 'customer.invite');
    if (!org.ok) return org;
    const actor = caller!;
    const fields = validateInvitationInput(input);
    if (!fields.ok) return fields;
    let provider: { tenantId: string; name: string } | undefined;
    const linkId = typeof input.providerLinkId === 'string' ? input.providerLinkId : '';
    if (linkId) {
      const link = (await this.deps.links.get(linkId))?.value;
      if (!link || link.resellerId !== org.value.tenantId || link.status !== 'authorized') return fail('INVITATION.NO_ACTIVE_PROVIDER', 'customer.errors.noActiveProvider');
      provider = { tenantId: link.providerTenantId, name: link.providerName };
    }
    const now = this.deps.clock.now();
    const id = randomUUID();
    const linkVersion = randomUUID();
    const expiresAt = new Date(now.getTime() + this.deps.invitationTtlDays * 86_400_000);
    const d = fields.value;
    const external = await this.partnerCenterLinks(provider?.tenantId ?? org.value.tenantId, d);
    if (!external.ok) return external;
    const link = external.value?.url ?? (await this.linkFor(id, linkVersion, expiresAt));
    const addsProviderTo = typeof input.addsProviderTo === 'string' && provider ? input.addsProviderTo : undefined;
    const params = {
      reseller: org.value.name,
      customer: d.companyName,
      provider: provider?.name ?? '',
      link,
      gdap: d.delegatedAdmin
        ? external.value?.gdapUrl
          ? translate(locale, 'partnerCenter.gdapLine', { days: d.delegatedAdmin.durationDays, roles: d.delegatedAdmin.roles.join(', '), link: external.value.gdapUrl })
          : translate(locale, 'customer.draft.gdapLine', { days: d.delegatedAdmin.durationDays, roles: d.delegatedAdmin.roles.join(', ') })
        : '',
    };
    const invitation: CustomerInvitation = {
      id,
      linkId: linkVersion,
      resellerId: org.value.tenantId,
      resellerName: org.value.name,
      ...(provider ? { providerTenantId: provider.tenantId, providerName: provider.name } : {}),
      ...(addsProviderTo ? { addsProviderTo } : {}),
      ...(external.value ? { partnerCenter: external.value } : {}),
      ...d,
      status: 'drafted',
      subject: translate(locale, 'customer.draft.mailSubject', params),
      body: translate(locale, addsProviderTo ? 'customer.draft.mailBodyAddProvider' : provider ? 'customer.draft.mailBodyTwoTier' : 'customer.draft.mailBodyResellerOnly', params),
      expiresAt: expiresAt.toISOString(),
      history: [audit(actor, 'drafted', now)],
    };
    const saved = await mutate(this.deps.invitations, id, () => ok(invitation));
    return saved.ok ? ok({ invitation: saved.value.value, link }) : saved;
  }

  /**
   * From a reseller-only customer's record, an Admin agent asks the customer to add one of the
   * reseller's authorized indirect providers: a two-tier invitation to the same company and admin,
   * with the same link rules; its acceptance adds only the provider's relationship.
   */
  async draftAddProvider(caller: Actor | undefined, customerId: string, providerLinkId: string, locale: Locale): Promise<Result<{ invitation: CustomerInvitation; link: string }>> {
    const org = await this.agentOrganization(caller, 'customer.addProvider');
    if (!org.ok) return org;
    const c = (await this.deps.customers.get(customerId))?.value;
    if (!c || c.resellerId !== org.value.tenantId) return fail('CUSTOMER.NOT_YOURS', 'customer.errors.notYours');
    const link = (await this.deps.links.get(providerLinkId))?.value;
    if (!link || link.resellerId !== org.value.tenantId || link.status !== 'authorized') return fail('INVITATION.NO_ACTIVE_PROVIDER', 'customer.errors.noActiveProvider');
    if (canPlaceOrder(c, link.providerTenantId)) return fail('CUSTOMER.HAS_PROVIDER', 'customer.errors.hasProvider', { customer: c.companyName, provider: link.providerName });
    const first = (await this.deps.invitations.get(c.relationships[0]?.invitationId ?? ''))?.value;
    const adminEmail = first?.acceptedBy?.email ?? first?.adminEmail ?? `admin@${c.domain}`;
    return this.draft(caller, { companyName: c.companyName, adminEmail, providerLinkId, addsProviderTo: c.id }, locale);
  }

  /** Done: records the (possibly edited) e-mail as sent, refusing one that lost or altered the link. */
  async done(actor: Actor | undefined, invitationId: string, edited: { subject: string; body: string }): Promise<Result<{ invitation: CustomerInvitation; link: string }>> {
    const mine = await this.ownInvitation(actor, invitationId);
    if (!mine.ok) return mine;
    const [link, ...older] = mine.value.partnerCenter ? [mine.value.partnerCenter.url] : await this.linksFor(mine.value.id, mine.value.linkId, new Date(mine.value.expiresAt));
    // A draft written before a key rotation holds the link as the older key signed it: the same link, newly signed.
    const body = older.reduce((text, old) => text.split(old).join(link), edited.body);
    const saved = await mutate(this.deps.invitations, invitationId, (current) =>
      current ? finishDraft(current, { ...edited, body }, link, actor!, this.deps.clock.now()) : fail('INVITATION.UNKNOWN', 'customer.errors.notYours'),
    );
    return saved.ok ? ok({ invitation: saved.value.value, link }) : saved;
  }

  /** The current link of an invitation of the caller's organization. */
  async linkOf(actor: Actor | undefined, invitationId: string): Promise<Result<{ invitation: CustomerInvitation; link: string }>> {
    const mine = await this.ownInvitation(actor, invitationId);
    if (!mine.ok) return mine;
    return ok({ invitation: mine.value, link: mine.value.partnerCenter?.url ?? (await this.linkFor(mine.value.id, mine.value.linkId, new Date(mine.value.expiresAt))) });
  }

  /** Sent invitations of the caller's organization nobody accepted, newest first; `expired` when marked so or the link is past its date. */
  async pending(actor: Actor | undefined): Promise<Result<(CustomerInvitation & { readonly expired: boolean })[]>> {
    const org = await this.agentOrganization(actor, 'customer.invitations');
    if (!org.ok) return org;
    const now = this.deps.clock.now().getTime();
    const found: (CustomerInvitation & { expired: boolean })[] = [];
    // Newest first, through the index of the organization's open invitations.
    for await (const r of this.deps.invitations.listBy('openByReseller', org.value.tenantId, { descending: true })) {
      found.push({ ...r.value, expired: r.value.status === 'expired' || Date.parse(r.value.expiresAt) <= now });
    }
    return ok(found);
  }

  /** Every invitation of the caller's organization, whatever its state, for its agents (the dashboard's pipeline). */
  async invitationsOf(actor: Actor | undefined): Promise<Result<CustomerInvitation[]>> {
    const org = await this.agentOrganization(actor, 'customer.invitations');
    if (!org.ok) return org;
    const found: CustomerInvitation[] = [];
    for await (const r of this.deps.invitations.listBy('byReseller', org.value.tenantId)) found.push(r.value);
    return ok(found);
  }

  /** Resend: a new link; the old one stops working. */
  async resend(actor: Actor | undefined, invitationId: string): Promise<Result<{ invitation: CustomerInvitation; link: string }>> {
    const mine = await this.ownInvitation(actor, invitationId);
    if (!mine.ok) return mine;
    const now = this.deps.clock.now();
    const version = randomUUID();
    const expiresAt = new Date(now.getTime() + this.deps.invitationTtlDays * 86_400_000);
    // Partner Center's link is the partner's own and does not change: the e-mail goes again with it.
    const pcLink = mine.value.partnerCenter?.url;
    const oldLinks = pcLink ? [] : await this.linksFor(mine.value.id, mine.value.linkId, new Date(mine.value.expiresAt));
    const link = pcLink ?? (await this.linkFor(mine.value.id, version, expiresAt));
    const saved = await mutate(this.deps.invitations, invitationId, (current) =>
      current ? resend(current, version, expiresAt.toISOString(), (text) => oldLinks.reduce((t, old) => t.split(old).join(link), text), actor!, now) : fail('INVITATION.UNKNOWN', 'customer.errors.notYours'),
    );
    return saved.ok ? ok({ invitation: saved.value.value, link }) : saved;
  }

  /** Revoke: the link stops working. */
  async revoke(actor: Actor | undefined, invitationId: string): Promise<Result<CustomerInvitation>> {
    const mine = await this.ownInvitation(actor, invitationId);
    if (!mine.ok) return mine;
    const saved = await mutate(this.deps.invitations, invitationId, (current) =>
      current ? revoke(current, actor!, this.deps.clock.now()) : fail('INVITATION.UNKNOWN', 'customer.errors.notYours'),
    );
    return saved.ok ? ok(saved.value.value) : saved;
  }

  /** What the acceptance page shows for a link, or why it cannot be used. Changes nothing. */
  async openLink(token: string): Promise<Result<CustomerInvitation>> {
    const claims = await this.claimsOf(token);
    if (!claims) return fail('INVITATION.INVALID', 'customer.page.invalid');
    if (claims === 'expired') return fail('INVITATION.EXPIRED', 'customer.page.expired');
    const inv = (await this.deps.invitations.get(claims.id))?.value;
    // An invitation with Partner Center's link is accepted in Microsoft's admin center, never on this page.
    if (!inv || inv.partnerCenter) return fail('INVITATION.INVALID', 'customer.page.invalid');
    const problem = linkProblem(inv, claims.subject, this.deps.clock.now());
    return problem ? fail(`INVITATION.${problem.toUpperCase()}`, `customer.page.${problem}`) : ok(inv);
  }

  /** The customer's global admin accepts: one or two relationships are created, once. */
  async accept(token: string, who: { name: string; email: string; companyConfirmed: boolean }): Promise<Result<CustomerInvitation>> {
    const opened = await this.openLink(token);
    if (!opened.ok) return opened;
    const claims = (await this.claimsOf(token)) as { id: string; subject: string };
    const customerId = `${opened.value.resellerId}|${opened.value.adminEmail.split('@')[1]}`;
    const now = this.deps.clock.now();
    const saved = await mutate(this.deps.invitations, claims.id, (current) =>
      current ? accept(current, claims.subject, who, customerId, now) : fail('INVITATION.INVALID', 'customer.page.invalid'),
    );
    if (!saved.ok) return saved;
    const inv = saved.value.value;
    await mutate(this.deps.customers, customerId, (current) => ok(applyAcceptance(current, inv, customerId, now)));
    this.announceAcceptance(inv, now);
    return ok(inv);
  }

  /**
   * An acceptance seen in Partner Center's customer lists (the scheduled poll): the invitation is
   * accepted once, the customer record gets its relationships and tenant id, the inviters are told.
   */
  async recordSeenAcceptance(invitationId: string, seen: SeenCustomer): Promise<Result<CustomerInvitation>> {
    const now = this.deps.clock.now();
    const current = (await this.deps.invitations.get(invitationId))?.value;
    if (!current) return fail('INVITATION.UNKNOWN', 'customer.errors.notYours');
    const customerId = `${current.resellerId}|${current.adminEmail.split('@')[1]}`;
    const saved = await mutate(this.deps.invitations, invitationId, (inv) => (inv ? acceptSeen(inv, seen, customerId, now) : fail('INVITATION.UNKNOWN', 'customer.errors.notYours')));
    if (!saved.ok) return saved;
    const inv = saved.value.value;
    await mutate(this.deps.customers, customerId, (existing) => ok(applySeenAcceptance(existing, inv, seen, customerId, now)));
    this.announceAcceptance(inv, now);
    return ok(inv);
  }

  /** Tells the reseller's agents, the provider's approvers and the primary contact that a customer accepted. */
  private announceAcceptance(inv: CustomerInvitation, now: Date): void {
    this.deps.tasks.run('customer accepted notices', async () => {
      const org = (await this.deps.organizations.get(inv.resellerId))?.value;
      const recipients = [
        ...(org?.members.filter((m) => m.roles.includes('adminAgent') || m.roles.includes('salesAgent')).map((m) => m.userId) ?? []),
        ...(inv.providerTenantId ? await this.deps.providerApprovers(inv.providerTenantId) : []),
      ];
      for (const userId of new Set(recipients)) await this.deps.notifier.notify(userId, { kind: CUSTOMER_NOTICES.accepted, data: { invitationId: inv.id } });
    });
    this.deps.tasks.run('customer accepted mail', async () => {
      const org = (await this.deps.organizations.get(inv.resellerId))?.value;
      const params = { customer: inv.companyName, reseller: inv.resellerName, provider: inv.providerName ?? '', at: now.toISOString().slice(0, 10) };
      const contact = org?.primaryContact;
      const providerPart = (locale: 'en' | 'it') => (inv.providerName ? translate(locale, 'statusMail.customerAccepted.providerPart', { provider: inv.providerName }) : '');
      if (contact) await this.deps.statusMail.to(contact, 'customerAccepted', { ...params, providerPart: providerPart(contact.locale) });
    });
  }

  /**
   * The links Partner Center issues for the partner the customer relates to (the provider of a
   * two-tier invitation, else the reseller): its relationship request link and, when GDAP is asked
   * for, a GDAP relationship locked for approval. None with the embedded adapter or for a partner
   * this instance does not speak for (the assistant's page then); unavailable stops the draft.
   */
  private async partnerCenterLinks(partnerTenantId: string, d: Pick<CustomerInvitation, 'companyName' | 'delegatedAdmin'>): Promise<Result<CustomerInvitation['partnerCenter']>> {
    const pc = this.deps.partnerCenter;
    if (!pc || pc.kind === 'reference') return ok(undefined);
    const link = await pc.customerRelationshipLink(partnerTenantId);
    if (link.kind === 'unavailable') return fail('PARTNER_CENTER.UNAVAILABLE', 'partnerCenter.linkUnavailable');
    if (link.kind !== 'ok' || link.value.source !== 'partnerCenter') return ok(undefined);
    if (!d.delegatedAdmin) return ok({ url: link.value.url });
    const gdap = await pc.gdapInvitation(partnerTenantId, { displayName: d.companyName, roles: d.delegatedAdmin.roles, durationDays: d.delegatedAdmin.durationDays });
    if (gdap.kind === 'unavailable') return fail('PARTNER_CENTER.UNAVAILABLE', 'partnerCenter.linkUnavailable');
    if (gdap.kind !== 'ok' || gdap.value.source !== 'partnerCenter') return ok({ url: link.value.url });
    return ok({ url: link.value.url, gdapUrl: gdap.value.url, ...(gdap.value.id ? { gdapId: gdap.value.id } : {}) });
  }

  /** An invitation by id, for notifications. */
  async invitation(id: string): Promise<CustomerInvitation | undefined> {
    return (await this.deps.invitations.get(id))?.value;
  }

  /**
   * Customers: the reseller's customers by name, a page at a time through the index (Next and
   * Previous carry a cursor), searchable by the start of any word of the name or domain, with the
   * order rule for their provider.
   *
   * The page of the caller's own tenant's organization is read while access is decided, so that
   * both take one round trip to the store instead of two; it is returned only when access is
   * granted in that organization (a refusal returns the refusal, and the page read is dropped).
   */
  async customers(actor: Actor | undefined, search: string, page: number | PageRequest): Promise<Result<CursorPage<CustomerRow>>> {
    const request = typeof page === 'number' ? { page } : page;
    const read = (resellerId: string) => {
      const lists = { index: 'byReseller', search: 'searchByReseller', key: resellerId, words: (c: Customer) => `${c.companyName} ${c.domain}` } as const;
      return indexPage(this.deps.customers, lists, search, request, PAGE_SIZE, (r) => ({ customer: r.value, provider: this.providerOf(r.value) }));
    };
    return readWhileDeciding(actor?.tenantId, read, () => this.agentOrganization(actor, 'customer.list'), (org) => org.tenantId);
  }

  /** When each customer of the caller's organization was acquired, for its agents (the dashboard's pipeline). */
  async acquiredDates(actor: Actor | undefined): Promise<Result<string[]>> {
    const org = await this.agentOrganization(actor, 'customer.list');
    if (!org.ok) return org;
    const dates: string[] = [];
    for await (const r of this.deps.customers.listBy('byReseller', org.value.tenantId)) dates.push(r.value.createdAt);
    return ok(dates);
  }

  /** When each customer was shared with the caller's provider (its provider relationship began), for the provider's desk. */
  async sharedDates(actor: Actor | undefined): Promise<Result<string[]>> {
    const desk = await this.deps.access.asProvider('provider.viewCustomersAsProvider', actor);
    if (!desk.ok) return desk;
    const providerId = desk.value.scope.tenantId;
    const dates: string[] = [];
    for await (const r of this.deps.customers.listBy('byProvider', providerId)) {
      const shared = r.value.relationships.find((x) => x.kind === 'provider' && x.partnerId === providerId);
      if (shared) dates.push(shared.since);
    }
    return ok(dates);
  }

  /** One customer of the caller's organization (reseller side) or shared with the caller's provider. */
  async customer(actor: Actor | undefined, customerId: string, providerTenantId?: string): Promise<Result<CustomerRow>> {
    const c = (await this.deps.customers.get(customerId))?.value;
    if (providerTenantId) {
      // A provider's desk opens a customer it shares with one of its resellers.
      const desk = await this.deps.access.asProvider('provider.viewCustomersAsProvider', actor);
      if (!desk.ok) return desk;
      const shared = desk.value.scope.tenantId === providerTenantId && c?.relationships.some((r) => r.kind === 'provider' && r.partnerId === providerTenantId);
      return c && shared ? ok({ customer: c, provider: this.providerOf(c) }) : fail('CUSTOMER.NOT_YOURS', 'customer.errors.notYours');
    }
    const org = await this.agentOrganization(actor, 'customer.open');
    if (!org.ok) return org;
    if (!c || c.resellerId !== org.value.tenantId) return fail('CUSTOMER.NOT_YOURS', 'customer.errors.notYours');
    return ok({ customer: c, provider: this.providerOf(c) });
  }

  /** View customers: exactly the customers a reseller and a provider share. */
  async shared(link: ProviderLink): Promise<Customer[]> {
    const found: Customer[] = [];
    for await (const r of this.deps.customers.listBy('byPair', `${link.resellerId}|${link.providerTenantId}`)) found.push(r.value);
    return found.sort((a, b) => a.companyName.localeCompare(b.companyName));
  }

  /** The reseller's authorized providers a customer does not work with yet, offered to its Admin agents only. */
  async addableProviders(actor: Actor | undefined, c: Customer): Promise<{ linkId: string; name: string }[]> {
    if (!(await this.agentOrganization(actor, 'customer.addProvider')).ok) return [];
    const found: { linkId: string; name: string }[] = [];
    for await (const r of this.deps.links.listBy('byReseller', c.resellerId)) {
      const link = r.value;
      if (link.status === 'authorized' && !canPlaceOrder(c, link.providerTenantId)) found.push({ linkId: link.id, name: link.providerName });
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** For each active indirect provider of the customer's reseller: may it submit orders for this customer? */
  async orderRights(c: Customer): Promise<{ provider: string; canOrder: boolean }[]> {
    const rights: { provider: string; canOrder: boolean }[] = [];
    for await (const r of this.deps.links.listBy('byReseller', c.resellerId)) {
      const link = r.value;
      if (link.status === 'authorized') rights.push({ provider: link.providerName, canOrder: canPlaceOrder(c, link.providerTenantId) });
    }
    return rights.sort((a, b) => a.provider.localeCompare(b.provider));
  }

  private providerOf(c: Customer): CustomerRow['provider'] {
    const p = c.relationships.find((r) => r.kind === 'provider');
    return p ? { name: p.partnerName, canOrder: canPlaceOrder(c, p.partnerId) } : undefined;
  }

  private async linkFor(id: string, version: string, expiresAt: Date): Promise<string> {
    const token = await this.deps.signedLinks.sign({ id, kind: KIND, subject: version, exp: Math.floor(expiresAt.getTime() / 1000) });
    return `${this.deps.publicBaseUrl}/invitations/${token}`;
  }

  /** The link as each key on the ring signs it, current first. */
  private async linksFor(id: string, version: string, expiresAt: Date): Promise<string[]> {
    const tokens = await this.deps.signedLinks.signings({ id, kind: KIND, subject: version, exp: Math.floor(expiresAt.getTime() / 1000) });
    return tokens.map((token) => `${this.deps.publicBaseUrl}/invitations/${token}`);
  }

  private async claimsOf(token: string): Promise<{ id: string; subject: string } | 'expired' | undefined> {
    const verified = await this.deps.signedLinks.verify(token, KIND, this.deps.clock.now());
    if (verified.ok) return verified.claims;
    return verified.reason === 'expired' ? 'expired' : undefined;
  }

  private async agentOrganization(actor: Actor | undefined, action: Action): Promise<Result<Organization>> {
    const granted = await this.deps.access.asReseller(action, actor);
    return granted.ok ? ok(granted.value.scope) : granted;
  }

  private async ownInvitation(actor: Actor | undefined, id: string): Promise<Result<CustomerInvitation>> {
    const org = await this.agentOrganization(actor, 'customer.invitations');
    if (!org.ok) return org;
    const inv = (await this.deps.invitations.get(id))?.value;
    if (!inv || inv.resellerId !== org.value.tenantId) return fail('INVITATION.NOT_YOURS', 'customer.errors.notYours');
    return ok(inv);
  }
}
