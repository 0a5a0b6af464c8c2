/** How the server knows who an actor is; nothing a client merely says counts. */
export type Proof =
  /** An authenticated Teams activity (or local development on loopback): `aadObjectId` and `conversation.tenantId`. */
  | 'teams'
  /** A verified OpenID Connect ID token (`oid`, `tid`, `wids`), bound by the server into the web chat. */
  | 'openid'
  /** The embedding portal's signed token: a user, and a tenant only when the operator trusts the portal for it. */
  | 'portal';

/** Who performs a command: a user whose identity the server proved, and their organization (Entra tenant) when proven. */
export interface Actor {
  /** Stable user id: the Entra object id (Teams `aadObjectId`, OpenID `oid`), or the portal's user id. */
  readonly userId: string;
  /** Entra (Azure AD) tenant id of the user's organization, only when proven. */
  readonly tenantId?: string;
  readonly name: string;
  /** How the identity was proven. */
  readonly proof?: Proof;
  /** Global administrator of `tenantId`: true or false when a token said so (`wids`), undefined when not verified. */
  readonly globalAdmin?: boolean;
}

/** The Entra role template id of Global Administrator, as it appears in an ID token's `wids` claim. */
export const GLOBAL_ADMIN_ROLE = '62e90394-69f5-4237-9190-012177145e10';

/** One line of an audit trail: who (the person and the organization they acted for) did what, when. */
export interface AuditEntry {
  readonly at: string;
  readonly by: string;
  readonly byName: string;
  /**
   * The organization the person acted for: the Entra tenant id their identity proved, or, for a
   * customer's admin (who has no proven tenant here), the customer's record id. Absent on entries
   * written before it was kept, and on the assistant's own steps.
   */
  readonly org?: string;
  readonly what: string;
  readonly detail?: string;
}

/** The longest display name kept: names come from the channel (Teams, a sign-in), so they are cut, not refused. */
export const DISPLAY_NAME_MAX = 200;

/** A display name as stored: at most DISPLAY_NAME_MAX characters, a cut one ending with an ellipsis. */
export function displayName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length <= DISPLAY_NAME_MAX) return trimmed;
  let end = DISPLAY_NAME_MAX - 1;
  // Never split a surrogate pair.
  if (/[\ud800-\udbff]/.test(trimmed.charAt(end - 1))) end -= 1;
  return `${trimmed.slice(0, end).trimEnd()}…`;
}

/** The assistant itself, as the audit trail names it when it acts on its own (a review starting, an invitation expiring). */
export const SYSTEM_ACTOR: Actor = { userId: 'system', name: 'CSP Partner Assistant' };

/**
 * Makes an audit entry for an actor at an instant; the person's organization is their proven
 * tenant unless `org` names the one they acted for (a customer's admin has no tenant here).
 */
export const audit = (actor: Pick<Actor, 'userId' | 'name' | 'tenantId'>, what: string, now: Date, detail?: string, org = actor.tenantId): AuditEntry => ({
  at: now.toISOString(),
  by: actor.userId,
  byName: displayName(actor.name),
  ...(org ? { org } : {}),
  what,
  ...(detail ? { detail } : {}),
});
