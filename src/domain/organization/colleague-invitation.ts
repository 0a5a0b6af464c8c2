import { z } from 'zod';
import { audit, displayName, type Actor } from '../actor.js';
import { fail, invalidFields, ok, type Result } from '../result.js';
import type { Organization, Role } from './organization.js';

/** The roles an Admin agent may give a colleague with an invitation (the reseller side of User management). */
export const COLLEAGUE_ROLES = ['adminAgent', 'salesAgent'] as const;

/** How long an invitation's texts may be, and how many invitations an organization keeps. */
export const COLLEAGUE_LIMITS = { email: 254, pending: 50, kept: 100 } as const;

/** Someone named on an invitation: who sent, accepted or revoked it. */
const Person = z.object({ userId: z.string().min(1), name: z.string().min(1).max(200), at: z.string() });

/**
 * An Admin agent's invitation to a colleague (Account settings > User management): whoever opens
 * the signed link and proves a sign-in in the organization's tenant joins it with these roles.
 */
export const ColleagueInvitation = z.object({
  id: z.string().min(1),
  email: z.string().max(COLLEAGUE_LIMITS.email),
  roles: z.array(z.enum(COLLEAGUE_ROLES)),
  invitedBy: Person,
  expiresAt: z.string(),
  status: z.enum(['pending', 'accepted', 'revoked']),
  acceptedBy: Person.optional(),
  revokedBy: Person.optional(),
});
export type ColleagueInvitation = z.infer<typeof ColleagueInvitation>;

/** What an invitation looks like to a reader at an instant: a pending one past its expiry is expired. */
export type ColleagueInvitationStatus = ColleagueInvitation['status'] | 'expired';

/** The status of an invitation at `now`. */
export function colleagueStatus(invitation: ColleagueInvitation, now: Date): ColleagueInvitationStatus {
  return invitation.status === 'pending' && now.getTime() >= Date.parse(invitation.expiresAt) ? 'expired' : invitation.status;
}

/** The invitations an organization keeps (an organization record from before invitations has none). */
export function colleagueInvitationsOf(org: Organization): readonly ColleagueInvitation[] {
  return org.colleagueInvitations ?? [];
}

/** The invitations still waiting for the colleague at `now`, newest first. */
export function pendingColleagueInvitations(org: Organization, now: Date): ColleagueInvitation[] {
  return colleagueInvitationsOf(org)
    .filter((i) => colleagueStatus(i, now) === 'pending')
    .sort((a, b) => b.invitedBy.at.localeCompare(a.invitedBy.at));
}

const Email = z.string().email().max(COLLEAGUE_LIMITS.email);

/**
 * Validates the invitation form (`email`, `role`: adminAgent, salesAgent or none) and adds the
 * invitation to the organization. The caller's right to invite is the access table's business.
 */
export function inviteColleague(
  org: Organization,
  input: { readonly email: string; readonly role: string },
  actor: Actor,
  ids: { readonly id: string; readonly now: Date; readonly expiresAt: Date },
): Result<{ organization: Organization; invitation: ColleagueInvitation }> {
  const email = input.email.trim().toLowerCase();
  const issues = [];
  if (!email) issues.push({ field: 'email', messageKey: 'enrollment.validation.required' });
  else if (email.length > COLLEAGUE_LIMITS.email) issues.push({ field: 'email', messageKey: 'enrollment.validation.tooLong', params: { max: COLLEAGUE_LIMITS.email } });
  else if (!Email.safeParse(email).success) issues.push({ field: 'email', messageKey: 'enrollment.validation.email' });
  const role = input.role.trim();
  if (role !== 'none' && !(COLLEAGUE_ROLES as readonly string[]).includes(role)) issues.push({ field: 'role', messageKey: 'colleague.validation.role' });
  if (issues.length) return invalidFields(issues);
  const { now } = ids;
  const pending = pendingColleagueInvitations(org, now);
  if (pending.some((i) => i.email === email)) return fail('COLLEAGUE.ALREADY_INVITED', 'colleague.errors.alreadyInvited', { email }, 'email');
  if (pending.length >= COLLEAGUE_LIMITS.pending) return fail('COLLEAGUE.TOO_MANY', 'colleague.errors.tooMany', { max: COLLEAGUE_LIMITS.pending });
  const at = now.toISOString();
  const invitation: ColleagueInvitation = {
    id: ids.id,
    email,
    roles: role === 'none' ? [] : [role as (typeof COLLEAGUE_ROLES)[number]],
    invitedBy: { userId: actor.userId, name: displayName(actor.name), at },
    expiresAt: ids.expiresAt.toISOString(),
    status: 'pending',
  };
  const organization: Organization = {
    ...org,
    colleagueInvitations: keep([...colleagueInvitationsOf(org), invitation], now),
    updatedAt: at,
    history: [...org.history, audit(actor, 'colleagueInvited', now, `${email}: ${invitation.roles.join(',') || '-'}`)],
  };
  return ok({ organization, invitation });
}

/**
 * The colleague opens the invitation with a proven identity: they join the organization with its
 * roles only when their proven tenant is the organization's. Opening it again as the same person
 * changes nothing and succeeds, so a retry after a lost answer is safe.
 */
export function acceptColleagueInvitation(
  org: Organization,
  invitationId: string,
  actor: Actor,
  now: Date,
): Result<{ organization: Organization; invitation: ColleagueInvitation }> {
  const invitation = colleagueInvitationsOf(org).find((i) => i.id === invitationId);
  if (!invitation) return fail('COLLEAGUE.INVALID', 'colleague.errors.invalid');
  if (actor.tenantId !== org.tenantId) return fail('COLLEAGUE.OTHER_TENANT', 'colleague.errors.otherTenant', { organization: org.name });
  if (invitation.status === 'accepted' && invitation.acceptedBy?.userId === actor.userId) return ok({ organization: org, invitation });
  const status = colleagueStatus(invitation, now);
  if (status === 'accepted') return fail('COLLEAGUE.USED', 'colleague.errors.used');
  if (status === 'revoked') return fail('COLLEAGUE.REVOKED', 'colleague.errors.revoked');
  if (status === 'expired') return fail('COLLEAGUE.EXPIRED', 'colleague.errors.expired');
  const at = now.toISOString();
  const accepted: ColleagueInvitation = { ...invitation, status: 'accepted', acceptedBy: { userId: actor.userId, name: displayName(actor.name), at } };
  const existing = org.members.find((m) => m.userId === actor.userId);
  const roles: Role[] = [...new Set([...(existing?.roles ?? []), ...invitation.roles])];
  const members = existing
    ? org.members.map((m) => (m.userId === actor.userId ? { ...m, roles } : m))
    : [...org.members, { userId: actor.userId, name: displayName(actor.name), roles, addedAt: at }];
  return ok({
    organization: {
      ...org,
      members,
      colleagueInvitations: keep(colleagueInvitationsOf(org).map((i) => (i.id === invitationId ? accepted : i)), now),
      updatedAt: at,
      history: [...org.history, audit(actor, 'colleagueJoined', now, `${invitation.email}: ${roles.join(',') || '-'}; ${invitation.invitedBy.name}`)],
    },
    invitation: accepted,
  });
}

/** An Admin agent revokes a pending invitation: its link stops working at once. */
export function revokeColleagueInvitation(org: Organization, invitationId: string, actor: Actor, now: Date): Result<{ organization: Organization; invitation: ColleagueInvitation }> {
  const invitation = colleagueInvitationsOf(org).find((i) => i.id === invitationId);
  if (!invitation) return fail('COLLEAGUE.INVALID', 'colleague.errors.invalid');
  const status = colleagueStatus(invitation, now);
  if (status === 'revoked') return ok({ organization: org, invitation });
  if (status !== 'pending') return fail('COLLEAGUE.NOT_PENDING', status === 'accepted' ? 'colleague.errors.used' : 'colleague.errors.expired');
  const at = now.toISOString();
  const revoked: ColleagueInvitation = { ...invitation, status: 'revoked', revokedBy: { userId: actor.userId, name: displayName(actor.name), at } };
  return ok({
    organization: {
      ...org,
      colleagueInvitations: keep(colleagueInvitationsOf(org).map((i) => (i.id === invitationId ? revoked : i)), now),
      updatedAt: at,
      history: [...org.history, audit(actor, 'colleagueRevoked', now, invitation.email)],
    },
    invitation: revoked,
  });
}

/** Keeps every pending invitation and the most recent others, so the record stays bounded. */
function keep(invitations: readonly ColleagueInvitation[], now: Date): ColleagueInvitation[] {
  const pending = invitations.filter((i) => colleagueStatus(i, now) === 'pending');
  const others = invitations.filter((i) => colleagueStatus(i, now) !== 'pending');
  const room = Math.max(0, COLLEAGUE_LIMITS.kept - pending.length);
  const kept = new Set([...pending, ...(room ? others.slice(-room) : [])]);
  return invitations.filter((i) => kept.has(i));
}
