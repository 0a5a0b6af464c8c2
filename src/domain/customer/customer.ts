import { audit, DISPLAY_NAME_MAX, SYSTEM_ACTOR, type Actor, type AuditEntry } from '../actor.js';
import { isEmailAddress } from '../enrollment/contact.js';
import { fail, invalidFields, ok, type FieldIssue, type Result } from '../result.js';

/** Entra roles a GDAP request may ask for, least privilege first. */
export const GDAP_ROLES = [
  'Directory Readers',
  'Global Reader',
  'Service Support Administrator',
  'License Administrator',
  'User Administrator',
  'Helpdesk Administrator',
  'Exchange Administrator',
  'Privileged Authentication Administrator',
] as const;
/** One of the GDAP roles offered. */
export type GdapRole = (typeof GDAP_ROLES)[number];

/** Days a GDAP relationship may last: 1 day to 2 years. */
export const GDAP_MIN_DAYS = 1;
export const GDAP_MAX_DAYS = 730;

/** Where a customer invitation stands. */
export type InvitationStatus = 'drafted' | 'sent' | 'accepted' | 'expired' | 'revoked';

/**
 * An invitation for a customer to create reseller relationships: with the reseller alone
 * (Request a reseller relationship) or with the reseller and its provider (Invite new customers).
 */
export interface CustomerInvitation {
  readonly id: string;
  /** The link id in force: Resend replaces it, so the old link stops working. */
  readonly linkId: string;
  readonly resellerId: string;
  readonly resellerName: string;
  readonly providerTenantId?: string;
  readonly providerName?: string;
  /** Set when the invitation asks an existing reseller-only customer to add the provider (the same link rules). */
  readonly addsProviderTo?: string;
  readonly companyName: string;
  readonly adminEmail: string;
  readonly delegatedAdmin?: { readonly roles: readonly GdapRole[]; readonly durationDays: number };
  readonly status: InvitationStatus;
  readonly subject: string;
  readonly body: string;
  readonly expiresAt: string;
  readonly sentAt?: string;
  readonly acceptedAt?: string;
  readonly acceptedBy?: { readonly name: string; readonly email: string };
  readonly customerId?: string;
  /**
   * With the Partner Center API: the links Partner Center issued, which the e-mail carries instead of
   * the assistant's page; the acceptance is then learnt from Partner Center's customer lists only.
   */
  readonly partnerCenter?: { readonly url: string; readonly gdapUrl?: string; readonly gdapId?: string };
  readonly history: readonly AuditEntry[];
}

/** A customer and the partners it has reseller relationships with. */
export interface Customer {
  readonly id: string;
  readonly companyName: string;
  readonly domain: string;
  /** The customer's Entra tenant id, once Partner Center has reported it (with the API adapter). */
  readonly tenantId?: string;
  readonly resellerId: string;
  readonly relationships: readonly {
    readonly partnerId: string;
    readonly partnerName: string;
    readonly kind: 'reseller' | 'provider';
    readonly since: string;
    readonly invitationId: string;
    readonly delegatedAdmin?: CustomerInvitation['delegatedAdmin'];
  }[];
  readonly createdAt: string;
  /** Who created the record and each relationship, by which invitation (absent on records from before it was kept). */
  readonly history?: readonly AuditEntry[];
}

/** Validates the invitation form: company, the customer admin's e-mail, and optional delegated administration. */
export function validateInvitationInput(input: unknown): Result<Pick<CustomerInvitation, 'companyName' | 'adminEmail' | 'delegatedAdmin'>> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k]).trim() : '');
  const issues: FieldIssue[] = [];
  const companyName = str('companyName');
  if (!companyName) issues.push({ field: 'companyName', messageKey: 'enrollment.validation.required' });
  else if (companyName.length > 200) issues.push({ field: 'companyName', messageKey: 'enrollment.validation.tooLong', params: { max: 200 } });
  const adminEmail = str('adminEmail').toLowerCase();
  if (!adminEmail) issues.push({ field: 'adminEmail', messageKey: 'enrollment.validation.required' });
  else if (!isEmailAddress(adminEmail)) issues.push({ field: 'adminEmail', messageKey: 'enrollment.validation.email' });
  let delegatedAdmin: CustomerInvitation['delegatedAdmin'];
  if (str('delegated') === 'true') {
    const roles = str('roles').split(',').map((r) => r.trim()).filter(Boolean);
    if (!roles.length) issues.push({ field: 'roles', messageKey: 'customer.validation.roles' });
    else if (roles.some((r) => !(GDAP_ROLES as readonly string[]).includes(r))) issues.push({ field: 'roles', messageKey: 'customer.validation.roles' });
    const days = Number(str('durationDays'));
    if (!Number.isInteger(days) || days < GDAP_MIN_DAYS || days > GDAP_MAX_DAYS) {
      issues.push({ field: 'durationDays', messageKey: 'customer.validation.duration', params: { min: GDAP_MIN_DAYS, max: GDAP_MAX_DAYS } });
    }
    // Least privilege first, as offered.
    delegatedAdmin = { roles: GDAP_ROLES.filter((r) => roles.includes(r)), durationDays: days };
  }
  if (issues.length) return invalidFields(issues);
  return ok({ companyName, adminEmail, ...(delegatedAdmin ? { delegatedAdmin } : {}) });
}

/** Done: the edited e-mail is accepted only when the personalized link is still in it, unchanged. */
export function finishDraft(inv: CustomerInvitation, edited: { subject: string; body: string }, link: string, actor: Actor, now: Date): Result<CustomerInvitation> {
  if (inv.status !== 'drafted') return fail('INVITATION.NOT_DRAFT', 'customer.errors.notDraft');
  const subject = edited.subject.trim();
  const body = edited.body.replace(/\r\n/g, '\n').trim();
  const issues: FieldIssue[] = [];
  if (!subject) issues.push({ field: 'subject', messageKey: 'enrollment.validation.required' });
  if (subject.length > 200) issues.push({ field: 'subject', messageKey: 'enrollment.validation.tooLong', params: { max: 200 } });
  if (body.length > 5000) issues.push({ field: 'body', messageKey: 'enrollment.validation.tooLong', params: { max: 5000 } });
  if (!containsLinkExactly(body, link)) issues.push({ field: 'body', messageKey: 'customer.validation.linkMissing' });
  if (issues.length) return invalidFields(issues);
  return ok({ ...inv, subject, body, status: 'sent', sentAt: now.toISOString(), history: [...inv.history, audit(actor, 'sent', now)] });
}

/** Whether the text holds the link as a whole word: not cut short, not extended, not altered. */
export function containsLinkExactly(text: string, link: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(link, from);
    if (at < 0) return false;
    const next = text.charAt(at + link.length);
    if (next === '' || /[\s<>)"'\]]/.test(next) || (/[.,;:!?]/.test(next) && /^(\s|$)/.test(text.charAt(at + link.length + 1)))) return true;
    from = at + 1;
  }
}

/** Resend: a new link replaces the old one, which stops working; an expired invitation is sent again with it. */
export function resend(inv: CustomerInvitation, newLinkId: string, expiresAt: string, replaceLink: (text: string) => string, actor: Actor, now: Date): Result<CustomerInvitation> {
  if (inv.status !== 'sent' && inv.status !== 'expired') return fail('INVITATION.NOT_PENDING', 'customer.errors.notPending');
  return ok({ ...inv, status: 'sent', linkId: newLinkId, expiresAt, body: replaceLink(inv.body), history: [...inv.history, audit(actor, 'resent', now)] });
}

/** Whether a sent invitation's link is past its date at `now`, so it is to be marked expired. */
export function isPastExpiry(inv: CustomerInvitation, now: Date): boolean {
  return inv.status === 'sent' && now.getTime() >= Date.parse(inv.expiresAt);
}

/** Expiry: a sent invitation whose link is past its date becomes expired, by the assistant itself. */
export function expire(inv: CustomerInvitation, now: Date): Result<CustomerInvitation> {
  if (!isPastExpiry(inv, now)) return fail('INVITATION.NOT_PENDING', 'customer.errors.notPending');
  return ok({ ...inv, status: 'expired', history: [...inv.history, audit(SYSTEM_ACTOR, 'expired', now)] });
}

/** Revoke: the link stops working. */
export function revoke(inv: CustomerInvitation, actor: Actor, now: Date): Result<CustomerInvitation> {
  if (inv.status !== 'sent' && inv.status !== 'drafted' && inv.status !== 'expired') return fail('INVITATION.NOT_PENDING', 'customer.errors.notPending');
  return ok({ ...inv, status: 'revoked', history: [...inv.history, audit(actor, 'revoked', now)] });
}

/** Why a link can no longer be used, or undefined when it can. */
export function linkProblem(inv: CustomerInvitation, linkId: string, now: Date): 'invalid' | 'expired' | 'revoked' | 'used' | undefined {
  if (inv.status === 'accepted') return 'used';
  if (inv.status === 'revoked') return 'revoked';
  if (inv.status === 'expired' && inv.linkId === linkId) return 'expired';
  if (inv.linkId !== linkId || inv.status !== 'sent') return 'invalid';
  if (now.getTime() >= Date.parse(inv.expiresAt)) return 'expired';
  return undefined;
}

/** The customer admin accepts; only once, only through the link in force. */
export function accept(
  inv: CustomerInvitation,
  linkId: string,
  who: { name: string; email: string; companyConfirmed: boolean },
  customerId: string,
  now: Date,
): Result<CustomerInvitation> {
  const problem = linkProblem(inv, linkId, now);
  if (problem) return fail(`INVITATION.${problem.toUpperCase()}`, `customer.page.${problem}`);
  const issues: FieldIssue[] = [];
  if (!who.name.trim()) issues.push({ field: 'name', messageKey: 'enrollment.validation.required' });
  else if (who.name.trim().length > DISPLAY_NAME_MAX) issues.push({ field: 'name', messageKey: 'enrollment.validation.tooLong', params: { max: DISPLAY_NAME_MAX } });
  if (!isEmailAddress(who.email.trim())) issues.push({ field: 'email', messageKey: 'enrollment.validation.email' });
  if (!who.companyConfirmed) issues.push({ field: 'company', messageKey: 'customer.validation.company' });
  if (issues.length) return invalidFields(issues);
  const acceptedBy = { name: who.name.trim(), email: who.email.trim().toLowerCase() };
  return ok({
    ...inv,
    status: 'accepted',
    acceptedAt: now.toISOString(),
    acceptedBy,
    customerId,
    history: [...inv.history, audit({ userId: acceptedBy.email, name: acceptedBy.name }, 'accepted', now, undefined, customerId)],
  });
}

/**
 * The relationships an accepted invitation creates: with the reseller, and with the provider when
 * two-tier. The customer's history records them in the name of the admin who accepted, for the
 * customer, with the invitation they came by.
 */
export function applyAcceptance(existing: Customer | undefined, inv: CustomerInvitation, customerId: string, now: Date): Customer {
  const since = now.toISOString();
  const domain = inv.adminEmail.split('@')[1] ?? '';
  const acceptor = { userId: inv.acceptedBy?.email ?? inv.adminEmail, name: inv.acceptedBy?.name ?? inv.adminEmail };
  const entry = (what: string, detail: string) => audit(acceptor, what, now, detail, customerId);
  const base: Customer = existing ?? {
    id: customerId,
    companyName: inv.companyName,
    domain,
    resellerId: inv.resellerId,
    relationships: [],
    createdAt: since,
    history: [entry('created', `${acceptor.userId}; ${inv.id}`)],
  };
  const wanted = [
    { partnerId: inv.resellerId, partnerName: inv.resellerName, kind: 'reseller' as const },
    ...(inv.providerTenantId ? [{ partnerId: inv.providerTenantId, partnerName: inv.providerName ?? '', kind: 'provider' as const }] : []),
  ];
  const added = wanted
    .filter((w) => !base.relationships.some((r) => r.partnerId === w.partnerId))
    .map((w) => ({ ...w, since, invitationId: inv.id, ...(inv.delegatedAdmin && w.kind === 'reseller' ? { delegatedAdmin: inv.delegatedAdmin } : {}) }));
  if (!added.length) return base;
  const recorded = added.map((r) => entry(r.kind === 'provider' ? 'providerRelationship' : 'resellerRelationship', `${r.partnerName}; ${inv.id}`));
  return { ...base, relationships: [...base.relationships, ...added], history: [...(base.history ?? []), ...recorded] };
}

/** The guide's rule: a provider may submit orders for a customer only with its own reseller relationship. */
export function canPlaceOrder(customer: Customer, providerTenantId: string): boolean {
  return customer.relationships.some((r) => r.kind === 'provider' && r.partnerId === providerTenantId);
}
