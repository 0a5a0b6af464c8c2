import type { Role } from '../access.js';
import { audit, displayName, type Actor } from '../actor.js';
import { fail, ok, type Result } from '../result.js';
import { PROVIDER_LIMITS, type Provider } from './provider.js';

/** The roles a provider admin gives in a provider's organization. */
export type ProviderRole = Extract<Role, 'approver' | 'providerAdmin'>;

/** Every role a provider admin gives, in the order cards show them. */
export const PROVIDER_ROLES: readonly ProviderRole[] = ['approver', 'providerAdmin'];

/** One person of a provider's organization as its provider admins see them. */
export interface ProviderPerson {
  readonly userId: string;
  /** Unknown for an approver the record lists but the assistant has not seen yet. */
  readonly name?: string;
  readonly roles: readonly ProviderRole[];
  /** Seen with the provider's proven tenant (or its registrant and admins): may be given roles. */
  readonly verified: boolean;
}

/** The roles a user holds in a provider's organization. */
export function providerRolesOf(provider: Provider, userId: string): ProviderRole[] {
  const roles: ProviderRole[] = [];
  if (provider.approverIds.includes(userId)) roles.push('approver');
  if ((provider.admins ?? []).some((a) => a.userId === userId)) roles.push('providerAdmin');
  return roles;
}

/** Whether the user is a verified member of the provider's tenant: seen with its proven tenant, or one of its admins. */
export function isVerifiedMember(provider: Provider, userId: string): boolean {
  return (provider.admins ?? []).some((a) => a.userId === userId) || (provider.members ?? []).some((m) => m.userId === userId);
}

/**
 * The people of a provider's organization: its admins, then its verified members in the order
 * they were first seen, then approvers the record lists who have not been seen yet (they may only
 * lose their role until they are).
 */
export function providerPeople(provider: Provider): ProviderPerson[] {
  const people: ProviderPerson[] = [];
  const seen = new Set<string>();
  const add = (userId: string, name: string | undefined, verified: boolean) => {
    if (seen.has(userId)) return;
    seen.add(userId);
    people.push({ userId, ...(name ? { name } : {}), roles: providerRolesOf(provider, userId), verified });
  };
  for (const admin of provider.admins ?? []) add(admin.userId, admin.name, true);
  for (const member of provider.members ?? []) add(member.userId, member.name, true);
  for (const approverId of provider.approverIds) add(approverId, undefined, false);
  return people;
}

/**
 * Records a user seen with the provider's proven tenant as its member, with no role; the same
 * provider when they are one already, or when the member list is full.
 */
export function ensureProviderMember(provider: Provider, user: { userId: string; name: string }, now: Date): Provider {
  const members = provider.members ?? [];
  if (isVerifiedMember(provider, user.userId) || members.length >= PROVIDER_LIMITS.members) return provider;
  return { ...provider, members: [...members, { userId: user.userId, name: displayName(user.name) || user.userId, addedAt: now.toISOString() }] };
}

/**
 * A provider admin sets the roles of a verified member of the provider's tenant: Approver,
 * Provider admin, both or none. At least one approver and one provider admin remain; an approver
 * the assistant has not seen yet may lose the role but gains none. Unchanged roles change nothing.
 */
export function setProviderRoles(provider: Provider, actor: Actor, targetUserId: string, roles: readonly ProviderRole[], now: Date): Result<Provider> {
  if (!providerRolesOf(provider, actor.userId).includes('providerAdmin')) return fail('PROVIDER.NOT_ADMIN', 'provider.errors.notProviderAdmin');
  const wanted = PROVIDER_ROLES.filter((r) => roles.includes(r));
  if (roles.some((r) => !PROVIDER_ROLES.includes(r))) return fail('PROVIDER.ROLE_NOT_GRANTABLE', 'provider.errors.roleNotGrantable');
  const target = providerPeople(provider).find((p) => p.userId === targetUserId);
  if (!target) return fail('PROVIDER.UNKNOWN_MEMBER', 'provider.errors.unknownMember');
  if (!target.verified && wanted.some((r) => !target.roles.includes(r))) return fail('PROVIDER.UNVERIFIED_MEMBER', 'provider.errors.unverifiedMember');
  if (wanted.length === target.roles.length && wanted.every((r) => target.roles.includes(r))) return ok(provider);

  const others = provider.approverIds.filter((id) => id !== targetUserId);
  const approverIds = wanted.includes('approver') ? (target.roles.includes('approver') ? provider.approverIds : [...others, targetUserId]) : others;
  const otherAdmins = (provider.admins ?? []).filter((a) => a.userId !== targetUserId);
  const admins = wanted.includes('providerAdmin')
    ? target.roles.includes('providerAdmin')
      ? (provider.admins ?? [])
      : [...otherAdmins, { userId: targetUserId, name: target.name ?? targetUserId }]
    : otherAdmins;
  if (approverIds.length === 0) return fail('PROVIDER.LAST_APPROVER', 'provider.errors.lastApprover');
  if (admins.length === 0) return fail('PROVIDER.LAST_ADMIN', 'provider.errors.lastAdmin');
  if (approverIds.length > PROVIDER_LIMITS.approvers) return fail('PROVIDER.TOO_MANY_APPROVERS', 'provider.errors.tooManyApprovers', { max: PROVIDER_LIMITS.approvers });
  if (admins.length > PROVIDER_LIMITS.admins) return fail('PROVIDER.TOO_MANY_ADMINS', 'provider.errors.tooManyAdmins', { max: PROVIDER_LIMITS.admins });

  const entry = audit(actor, 'rolesChanged', now, `${targetUserId}: ${wanted.join(',') || '-'}`);
  return ok({ ...provider, approverIds, admins, history: [...(provider.history ?? []), entry].slice(-PROVIDER_LIMITS.history) });
}
