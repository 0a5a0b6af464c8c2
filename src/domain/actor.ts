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

/** Makes an audit entry for an actor at an instant. */
export const audit = (actor: Actor, what: string, now: Date, detail?: string): AuditEntry => ({
  at: now.toISOString(),
  by: actor.userId,
  byName: displayName(actor.name),
  what,
  ...(detail ? { detail } : {}),
});
