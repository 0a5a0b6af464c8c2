import type { Role } from '../access.js';
import { audit, displayName, type Actor, type AuditEntry } from '../actor.js';
import type { EnrollmentApplication, SupportContact } from '../enrollment/enrollment.js';
import { fail, ok, type Result } from '../result.js';
import type { ColleagueInvitation } from './colleague-invitation.js';

export type { Role } from '../access.js';

/** A user of an organization and their roles. */
export interface Member {
  readonly userId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly addedAt: string;
}

/** A partner organization, keyed by its Entra (Azure AD) tenant. */
export interface Organization {
  readonly tenantId: string;
  readonly name: string;
  readonly kind: 'reseller' | 'provider';
  readonly partnerId?: string;
  readonly country: string;
  readonly members: readonly Member[];
  readonly supportContact?: SupportContact;
  /** Whom status updates are mailed to, in their language (the application's primary contact). */
  readonly primaryContact?: { readonly name: string; readonly email: string; readonly locale: 'en' | 'it' };
  /** Admin agents' invitations to colleagues: pending ones and the most recent others. */
  readonly colleagueInvitations?: readonly ColleagueInvitation[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly AuditEntry[];
}

const GRANTABLE: Record<Organization['kind'], readonly Role[]> = {
  reseller: ['adminAgent', 'salesAgent'],
  provider: ['adminAgent', 'approver', 'reviewer'],
};

/** The reseller organization an approved application creates; the applicant is its first Admin agent. */
export function createResellerFromEnrollment(app: EnrollmentApplication, tenantId: string, now: Date): Organization {
  const at = now.toISOString();
  const applicant = { userId: app.applicantId, name: app.applicantName, tenantId };
  return {
    tenantId,
    name: app.legal?.legalName ?? app.mpn?.organizationName ?? app.applicantName,
    kind: 'reseller',
    ...(app.mpn ? { partnerId: app.mpn.partnerId } : {}),
    country: app.tenant?.country ?? app.legal?.address.country ?? '',
    members: [{ userId: applicant.userId, name: applicant.name, roles: ['adminAgent'], addedAt: at }],
    ...((app.legal?.support ?? app.support) ? { supportContact: app.legal?.support ?? app.support } : {}),
    ...(primaryContactOf(app) ? { primaryContact: primaryContactOf(app) } : {}),
    createdAt: at,
    updatedAt: at,
    history: [audit(applicant, 'created', now, app.id)],
  };
}

/**
 * Whom an application's status updates go to: its primary contact, or for an organization already
 * enrolled in CSP (which gives only support details) its support address.
 */
export function primaryContactOf(app: EnrollmentApplication): Organization['primaryContact'] {
  const locale = app.contactLocale ?? 'en';
  const contact = app.legal?.primaryContact;
  if (contact) return { name: `${contact.firstName} ${contact.lastName}`.trim(), email: contact.email, locale };
  const support = app.legal?.support ?? app.support;
  return support ? { name: '', email: support.email, locale } : undefined;
}

/** Adds a user with no roles; the same organization when they are already a member. */
export function ensureMember(org: Organization, user: { userId: string; name: string }, now: Date): Organization {
  if (org.members.some((m) => m.userId === user.userId)) return org;
  const at = now.toISOString();
  return { ...org, members: [...org.members, { ...user, name: displayName(user.name), roles: [], addedAt: at }], updatedAt: at, history: [...org.history, audit({ ...user, tenantId: org.tenantId }, 'joined', now)] };
}

/** Account settings > User management: an admin agent sets another user's roles; one admin agent must remain. */
export function setRoles(org: Organization, actor: Actor, targetUserId: string, roles: readonly Role[], now: Date): Result<Organization> {
  if (!hasRole(org, actor.userId, 'adminAgent')) return fail('ORG.NOT_ADMIN_AGENT', 'enrollment.errors.notAdminAgent');
  const target = memberOf(org, targetUserId);
  if (!target) return fail('ORG.UNKNOWN_MEMBER', 'enrollment.errors.unknownMember');
  const wanted = [...new Set(roles)];
  if (wanted.some((r) => !GRANTABLE[org.kind].includes(r))) return fail('ORG.ROLE_NOT_GRANTABLE', 'enrollment.errors.roleNotGrantable');
  const members = org.members.map((m) => (m.userId === targetUserId ? { ...m, roles: wanted } : m));
  if (!members.some((m) => m.roles.includes('adminAgent'))) return fail('ORG.LAST_ADMIN_AGENT', 'enrollment.errors.lastAdminAgent');
  const at = now.toISOString();
  return ok({ ...org, members, updatedAt: at, history: [...org.history, audit(actor, 'rolesChanged', now, `${targetUserId}: ${wanted.join(',') || '-'}`)] });
}

/** Whether a user has a role in the organization. */
export function hasRole(org: Organization, userId: string, role: Role): boolean {
  return memberOf(org, userId)?.roles.includes(role) ?? false;
}

/** The member with this user id. */
export function memberOf(org: Organization, userId: string): Member | undefined {
  return org.members.find((m) => m.userId === userId);
}
