/** Who performs a command: a signed-in user of an organization (its Entra tenant). */
export interface Actor {
  /** Stable user id: Teams `aadObjectId`, or the id bound into a Direct Line token. */
  readonly userId: string;
  /** Entra (Azure AD) tenant id of the user's organization, when the channel knows it. */
  readonly tenantId?: string;
  readonly name: string;
}

/** One line of an audit trail: who did what, when. */
export interface AuditEntry {
  readonly at: string;
  readonly by: string;
  readonly byName: string;
  readonly what: string;
  readonly detail?: string;
}

/** Makes an audit entry for an actor at an instant. */
export const audit = (actor: Actor, what: string, now: Date, detail?: string): AuditEntry => ({
  at: now.toISOString(),
  by: actor.userId,
  byName: actor.name,
  what,
  ...(detail ? { detail } : {}),
});
