import { audit, displayName, type Actor, type AuditEntry } from '../actor.js';
import { fail, ok, type Result } from '../result.js';

/** Where the relationship between one reseller and one indirect provider stands. */
export type LinkStatus = 'requested' | 'declined' | 'approved' | 'invited' | 'authorized' | 'ended';

/** A pending invitation link: only its id and expiry are kept, the token itself is signed. */
export interface LinkInvitation {
  readonly id: string;
  readonly email: string;
  readonly expiresAt: string;
  readonly usedAt?: string;
}

/**
 * The relationship between a reseller organization and an indirect provider: one record per
 * pair, whose history keeps every request, decision, invitation, authorization and ending.
 */
export interface ProviderLink {
  readonly id: string;
  readonly providerTenantId: string;
  readonly providerName: string;
  readonly resellerId: string;
  readonly resellerName: string;
  readonly resellerPartnerId?: string;
  readonly resellerCountry?: string;
  readonly status: LinkStatus;
  readonly requestedAt?: string;
  readonly decision?: { readonly outcome: 'approved' | 'declined'; readonly by: string; readonly byName: string; readonly at: string; readonly reason?: string };
  readonly invitation?: LinkInvitation;
  readonly authorizedAt?: string;
  readonly authorizedBy?: string;
  readonly endedAt?: string;
  readonly history: readonly AuditEntry[];
}

/** The key of a reseller–provider pair. */
export const linkId = (providerTenantId: string, resellerId: string) => `${providerTenantId}|${resellerId}`;

/**
 * The provider a link key names (what `linkId` put first), or undefined for a key it cannot have
 * made. Only a hint for reading ahead: the link's own record says which provider it is addressed to.
 */
export function providerNamedBy(id: string): string | undefined {
  const at = id.indexOf('|');
  return at > 0 ? id.slice(0, at) : undefined;
}

type Parties = Pick<ProviderLink, 'providerTenantId' | 'providerName' | 'resellerId' | 'resellerName' | 'resellerPartnerId' | 'resellerCountry'>;

const OPEN: readonly LinkStatus[] = ['requested', 'approved', 'invited', 'authorized'];

/** Request to connect: not while a request is pending or a relationship is active. */
export function requestConnection(current: ProviderLink | undefined, parties: Parties, actor: Actor, now: Date): Result<ProviderLink> {
  if (current && OPEN.includes(current.status)) {
    return fail('LINK.ALREADY_OPEN', current.status === 'authorized' ? 'provider.errors.alreadyConnected' : 'provider.errors.alreadyRequested', { provider: current.providerName });
  }
  const at = now.toISOString();
  return ok({
    ...(current ?? { id: linkId(parties.providerTenantId, parties.resellerId), history: [] }),
    ...parties,
    status: 'requested',
    requestedAt: at,
    decision: undefined,
    invitation: undefined,
    endedAt: undefined,
    history: [...(current?.history ?? []), audit(actor, 'requested', now)],
  });
}

/** The provider's approver approves or declines a request; only the first decision counts. */
export function decideRequest(link: ProviderLink, outcome: 'approved' | 'declined', actor: Actor, now: Date, reason?: string): Result<ProviderLink> {
  if (link.status !== 'requested') {
    if (link.decision) return fail('LINK.ALREADY_DECIDED', 'provider.errors.alreadyDecided', { by: link.decision.byName, at: link.decision.at });
    return fail('LINK.NOT_REQUESTED', 'provider.errors.notRequested');
  }
  const text = reason?.trim();
  if (text && text.length > 500) return fail('LINK.REASON_TOO_LONG', 'enrollment.errors.reasonTooLong', { max: 500 }, 'reason');
  const at = now.toISOString();
  return ok({
    ...link,
    status: outcome,
    decision: { outcome, by: actor.userId, byName: displayName(actor.name), at, ...(text ? { reason: text } : {}) },
    history: [...link.history, audit(actor, outcome, now, text)],
  });
}

/** The provider invites a reseller to authorize it; allowed unless a relationship is active or pending consent. */
export function invite(current: ProviderLink | undefined, parties: Parties, invitation: LinkInvitation, actor: Actor, now: Date): Result<ProviderLink> {
  if (current?.status === 'authorized') return fail('LINK.ALREADY_OPEN', 'provider.errors.alreadyConnected', { provider: current.providerName });
  return ok({
    ...(current ?? { id: linkId(parties.providerTenantId, parties.resellerId), history: [] }),
    ...parties,
    status: 'invited',
    invitation,
    endedAt: undefined,
    history: [...(current?.history ?? []), audit(actor, 'invited', now, invitation.email)],
  });
}

/** The reseller's Admin agent opens a provider's invitation (once in the trail, however often they open it). */
export function openInvitation(link: ProviderLink, actor: Actor, now: Date): Result<ProviderLink> {
  const id = link.invitation?.id;
  if (link.history.some((e) => e.what === 'invitationOpened' && e.detail === id && e.by === actor.userId)) return ok(link);
  return ok({ ...link, history: [...link.history, audit(actor, 'invitationOpened', now, id)] });
}

/**
 * Authorize indirect provider: only an admin agent of the reseller, only with the consent box
 * ticked, only after the provider approved the request or invited the reseller.
 */
export function authorize(link: ProviderLink, consent: boolean, actorIsAdminAgent: boolean, actor: Actor, now: Date, invitationId?: string): Result<ProviderLink> {
  if (!actorIsAdminAgent) return fail('LINK.NOT_ADMIN_AGENT', 'provider.errors.notAdminAgent');
  if (!consent) return fail('LINK.CONSENT_REQUIRED', 'provider.errors.consentRequired', undefined, 'consent');
  if (link.status === 'authorized') return fail('LINK.ALREADY_OPEN', 'provider.errors.alreadyConnected', { provider: link.providerName });
  if (link.status !== 'approved' && link.status !== 'invited') return fail('LINK.NOT_AUTHORIZABLE', 'provider.errors.notAuthorizable');
  if (invitationId) {
    const inv = link.invitation;
    if (!inv || inv.id !== invitationId) return fail('LINK.INVITATION_INVALID', 'provider.errors.invitationInvalid');
    if (inv.usedAt) return fail('LINK.INVITATION_USED', 'provider.errors.invitationUsed');
    if (now.getTime() >= Date.parse(inv.expiresAt)) return fail('LINK.INVITATION_EXPIRED', 'provider.errors.invitationExpired');
  }
  const at = now.toISOString();
  return ok({
    ...link,
    status: 'authorized',
    authorizedAt: at,
    authorizedBy: actor.userId,
    ...(link.invitation && invitationId ? { invitation: { ...link.invitation, usedAt: at } } : {}),
    history: [...link.history, audit(actor, 'authorized', now)],
  });
}

/** End relationship, by either side; the pair can connect again later. */
export function endRelationship(link: ProviderLink, actor: Actor, now: Date): Result<ProviderLink> {
  if (link.status !== 'authorized') return fail('LINK.NOT_ACTIVE', 'provider.errors.notActive');
  return ok({ ...link, status: 'ended', endedAt: now.toISOString(), history: [...link.history, audit(actor, 'ended', now)] });
}
