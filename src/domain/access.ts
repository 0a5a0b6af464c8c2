import type { Actor } from './actor.js';
import { fail, ok, type Result } from './result.js';

/**
 * Roles a user holds: in a reseller organization (`adminAgent`, `salesAgent`), in a provider
 * organization (`approver`, `providerAdmin`), and in the operator's organization (`reviewer`).
 */
export type Role = 'adminAgent' | 'salesAgent' | 'approver' | 'providerAdmin' | 'reviewer';

/** Which organization an action is done in: the caller's reseller, the caller's provider, or the operator's. */
export type Side = 'reseller' | 'provider' | 'operator';

/** One row of the access table: where the action happens and the roles that may do it (any one suffices). */
export interface AccessRule {
  readonly side: Side;
  /** `member`: any proven member of the organization, with or without a role. */
  readonly roles: readonly Role[] | 'member';
}

const RESELLER_AGENTS: readonly Role[] = ['adminAgent', 'salesAgent'];
const PROVIDER_DESK: readonly Role[] = ['approver', 'providerAdmin'];

/**
 * The one table of who may do what. Every command and card verb that reads or changes an
 * organization's records goes through `authorize` with one of these actions, on the server.
 */
export const ACCESS = {
  'organization.status': { side: 'reseller', roles: 'member' },
  'organization.users': { side: 'reseller', roles: ['adminAgent'] },
  'organization.grantRoles': { side: 'reseller', roles: ['adminAgent'] },
  'organization.inviteColleague': { side: 'reseller', roles: ['adminAgent'] },
  'organization.exportAudit': { side: 'reseller', roles: ['adminAgent'] },
  'provider.requestConnection': { side: 'reseller', roles: RESELLER_AGENTS },
  'provider.authorize': { side: 'reseller', roles: ['adminAgent'] },
  'provider.acceptInvitation': { side: 'reseller', roles: ['adminAgent'] },
  'provider.endAsReseller': { side: 'reseller', roles: ['adminAgent'] },
  'provider.indirectProviders': { side: 'reseller', roles: RESELLER_AGENTS },
  'provider.historyAsReseller': { side: 'reseller', roles: RESELLER_AGENTS },
  'provider.viewCustomersAsReseller': { side: 'reseller', roles: RESELLER_AGENTS },
  'customer.list': { side: 'reseller', roles: RESELLER_AGENTS },
  'customer.open': { side: 'reseller', roles: RESELLER_AGENTS },
  'customer.invite': { side: 'reseller', roles: RESELLER_AGENTS },
  'customer.invitations': { side: 'reseller', roles: RESELLER_AGENTS },
  'customer.addProvider': { side: 'reseller', roles: ['adminAgent'] },
  'provider.requests': { side: 'provider', roles: PROVIDER_DESK },
  'provider.decide': { side: 'provider', roles: PROVIDER_DESK },
  'provider.inviteReseller': { side: 'provider', roles: PROVIDER_DESK },
  'provider.indirectResellers': { side: 'provider', roles: PROVIDER_DESK },
  'provider.historyAsProvider': { side: 'provider', roles: PROVIDER_DESK },
  'provider.viewCustomersAsProvider': { side: 'provider', roles: PROVIDER_DESK },
  'provider.endAsProvider': { side: 'provider', roles: ['providerAdmin'] },
  'provider.manageApprovers': { side: 'provider', roles: ['providerAdmin'] },
  'provider.exportAudit': { side: 'provider', roles: ['providerAdmin'] },
  'provider.reconcile': { side: 'provider', roles: ['providerAdmin'] },
  'provider.partnerCenterSignIn': { side: 'provider', roles: ['providerAdmin'] },
  'enrollment.review': { side: 'operator', roles: ['reviewer'] },
  'provider.reviewRegistration': { side: 'operator', roles: ['reviewer'] },
} as const satisfies Record<string, AccessRule>;

/** An action of the access table. */
export type Action = keyof typeof ACCESS;

/** What the server knows about the caller's place in the organization an action concerns. */
export interface Standing {
  /** The organization's display name, when the caller belongs to one on that side. */
  readonly organization?: string;
  /** The caller's roles there (empty for a member with no role). */
  readonly roles: readonly Role[];
  /** Names of the people there who hold a role the action needs, so a refusal can say whom to ask. */
  readonly holders: readonly string[];
}

/**
 * Decides whether an actor may perform an action, given their standing in the organization it
 * concerns. A refusal says which role is needed and who holds it (params `roles`, `organization`,
 * `holders`), or that the caller must sign in or belong to an organization first.
 */
export function authorize(action: Action, actor: Actor | undefined, standing: Standing | undefined): Result<void> {
  const rule: AccessRule = ACCESS[action];
  if (!actor) return fail('ACCESS.SIGN_IN', 'access.signIn');
  const roles = rule.roles === 'member' ? [] : rule.roles;
  if (!standing?.organization) {
    if (rule.side === 'operator') return fail('ACCESS.ROLE_NEEDED', 'access.operatorRoleNeeded', { roles: roles.join(',') });
    return fail('ACCESS.NO_ORGANIZATION', rule.side === 'provider' ? 'access.noProvider' : 'access.noOrganization', { roles: roles.join(',') });
  }
  if (rule.roles === 'member' || standing.roles.some((r) => roles.includes(r))) return ok(undefined);
  return fail(
    'ACCESS.ROLE_NEEDED',
    standing.holders.length ? 'access.roleNeeded' : 'access.roleNeededNobody',
    { roles: roles.join(','), organization: standing.organization, holders: standing.holders.join(', ') },
  );
}

/** The roles an action needs (for cards that explain them, and for tests). */
export function rolesFor(action: Action): readonly Role[] {
  const rule: AccessRule = ACCESS[action];
  return rule.roles === 'member' ? [] : rule.roles;
}
