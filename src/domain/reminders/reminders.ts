/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** The fixed rules of reminders: how long before expiry an invitation is recalled, and how long a verification may wait. */
export const REMINDER_RULES = { invitationExpiryDays: 3, verificationAfterDays: 1 } as const;

/** What the operator sets: the business days an approval or a review may wait before its deciders are reminded. */
export interface ReminderPolicy {
  readonly afterBusinessDays: number;
}

/** The things the assistant reminds people about. */
export type ReminderKind = 'approval' | 'review' | 'verification' | 'customerInvitation' | 'resellerInvitation' | 'colleagueInvitation';

/**
 * Something waiting for someone: a decision or a verification waits since an instant, an
 * invitation works until an instant.
 */
export type Waiting =
  | { readonly kind: 'approval' | 'review' | 'verification'; readonly subjectId: string; readonly since: string }
  | { readonly kind: 'customerInvitation' | 'resellerInvitation' | 'colleagueInvitation'; readonly subjectId: string; readonly expiresAt: string };

/** What a pass does about one waiting thing now. */
export type ReminderDecision = 'send' | 'notYet' | 'alreadySent' | 'tooLate';

/** Whether an instant falls on a business day, Monday to Friday (in UTC, as every stored instant). */
export function isBusinessDay(at: Date): boolean {
  const day = at.getUTCDay();
  return day !== 0 && day !== 6;
}

/** The instant `days` business days after `from`, at the same time of day: Saturdays and Sundays do not count. */
export function addBusinessDays(from: Date, days: number): Date {
  let at = from.getTime();
  for (let left = days; left > 0; ) {
    at += DAY_MS;
    if (isBusinessDay(new Date(at))) left--;
  }
  return new Date(at);
}

/** Whole business days that passed between two instants (0 when `to` is not later). */
export function businessDaysBetween(from: Date, to: Date): number {
  let count = 0;
  while (addBusinessDays(from, count + 1).getTime() <= to.getTime()) count++;
  return count;
}

/** Whole days left before an instant, rounded up (0 once it passed). */
export function daysLeft(until: string, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(until) - now.getTime()) / DAY_MS));
}

/** When a reminder about a waiting thing falls due, and until when it is still worth sending. */
export function dueWindow(waiting: Waiting, policy: ReminderPolicy): { readonly from: Date; readonly until?: Date } {
  switch (waiting.kind) {
    case 'approval':
    case 'review':
      return { from: addBusinessDays(new Date(waiting.since), policy.afterBusinessDays) };
    case 'verification':
      return { from: new Date(Date.parse(waiting.since) + REMINDER_RULES.verificationAfterDays * DAY_MS) };
    default: {
      const until = new Date(waiting.expiresAt);
      return { from: new Date(until.getTime() - REMINDER_RULES.invitationExpiryDays * DAY_MS), until };
    }
  }
}

/**
 * The key a sent reminder is remembered under: one per kind, record and waiting period, so a new
 * request, a new submission or a renewed link is reminded afresh, and nothing else is reminded twice.
 */
export function reminderKey(waiting: Waiting): string {
  return `${waiting.kind}|${waiting.subjectId}|${'since' in waiting ? waiting.since : waiting.expiresAt}`;
}

/** Whether to send a reminder about a waiting thing now, given whether it was already sent. */
export function reminderDecision(waiting: Waiting, policy: ReminderPolicy, now: Date, alreadySent: boolean): ReminderDecision {
  if (alreadySent) return 'alreadySent';
  const { from, until } = dueWindow(waiting, policy);
  if (until && now.getTime() >= until.getTime()) return 'tooLate';
  return now.getTime() >= from.getTime() ? 'send' : 'notYet';
}
