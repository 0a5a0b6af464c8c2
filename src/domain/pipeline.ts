import type { InvitationStatus } from './customer/customer.js';
import type { LinkStatus } from './provider/provider-link.js';

const DAY_MS = 86_400_000;

/** How long something has been waiting: under a day, one to three days, more than three days. */
export type AgeBucket = 'underOneDay' | 'oneToThreeDays' | 'overThreeDays';

/** The age buckets in the order a chart shows them. */
export const AGE_BUCKETS: readonly AgeBucket[] = ['underOneDay', 'oneToThreeDays', 'overThreeDays'];

/** Where a reseller–provider relationship stands on the pipeline: declined requests are left out. */
export type LinkStage = 'requested' | 'waitingForAuthorization' | 'authorized' | 'ended';

/** The relationship stages in the order a chart shows them. */
export const LINK_STAGES: readonly LinkStage[] = ['requested', 'waitingForAuthorization', 'authorized', 'ended'];

/** Where a customer invitation stands: drafts are left out, a sent link past its date counts as closed. */
export type InvitationStage = 'sent' | 'accepted' | 'closed';

/** The invitation stages in the order a chart shows them. */
export const INVITATION_STAGES: readonly InvitationStage[] = ['sent', 'accepted', 'closed'];

/** One month of a time series, as `YYYY-MM` in UTC. */
export interface MonthCount {
  readonly month: string;
  readonly count: number;
}

/** The bucket of something waiting since `since` (ISO time); a time in the future counts as under a day. */
export function ageBucket(since: string, now: Date): AgeBucket {
  const age = now.getTime() - Date.parse(since);
  if (!(age >= DAY_MS)) return 'underOneDay';
  return age <= 3 * DAY_MS ? 'oneToThreeDays' : 'overThreeDays';
}

/** Counts waiting items by age; items with no time are left out. */
export function countByAge(times: readonly (string | undefined)[], now: Date): Record<AgeBucket, number> {
  const counts: Record<AgeBucket, number> = { underOneDay: 0, oneToThreeDays: 0, overThreeDays: 0 };
  for (const time of times) if (time && !Number.isNaN(Date.parse(time))) counts[ageBucket(time, now)]++;
  return counts;
}

/** The stage of a relationship, or undefined for one that was declined. */
export function linkStage(status: LinkStatus): LinkStage | undefined {
  switch (status) {
    case 'requested':
      return 'requested';
    case 'approved':
    case 'invited':
      return 'waitingForAuthorization';
    case 'authorized':
      return 'authorized';
    case 'ended':
      return 'ended';
    default:
      return undefined;
  }
}

/** Counts relationships by stage. */
export function countLinkStages(statuses: readonly LinkStatus[]): Record<LinkStage, number> {
  const counts: Record<LinkStage, number> = { requested: 0, waitingForAuthorization: 0, authorized: 0, ended: 0 };
  for (const status of statuses) {
    const stage = linkStage(status);
    if (stage) counts[stage]++;
  }
  return counts;
}

/** The stage of a customer invitation at `now`, or undefined for a draft. */
export function invitationStage(invitation: { status: InvitationStatus; expiresAt: string }, now: Date): InvitationStage | undefined {
  switch (invitation.status) {
    case 'sent':
      return Date.parse(invitation.expiresAt) <= now.getTime() ? 'closed' : 'sent';
    case 'accepted':
      return 'accepted';
    case 'expired':
    case 'revoked':
      return 'closed';
    default:
      return undefined;
  }
}

/** Counts customer invitations by stage. */
export function countInvitationStages(invitations: readonly { status: InvitationStatus; expiresAt: string }[], now: Date): Record<InvitationStage, number> {
  const counts: Record<InvitationStage, number> = { sent: 0, accepted: 0, closed: 0 };
  for (const invitation of invitations) {
    const stage = invitationStage(invitation, now);
    if (stage) counts[stage]++;
  }
  return counts;
}

/** The last `months` calendar months in UTC, oldest first, the current month last. */
export function lastMonths(now: Date, months = 6): string[] {
  const out: string[] = [];
  for (let back = months - 1; back >= 0; back--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

/** Counts times by UTC calendar month over the last `months` months (current included); older or later times are left out. */
export function countByMonth(times: readonly (string | undefined)[], now: Date, months = 6): MonthCount[] {
  const counts = new Map(lastMonths(now, months).map((m) => [m, 0]));
  for (const time of times) {
    const parsed = time ? Date.parse(time) : NaN;
    if (Number.isNaN(parsed)) continue;
    const month = new Date(parsed).toISOString().slice(0, 7);
    const current = counts.get(month);
    if (current !== undefined) counts.set(month, current + 1);
  }
  return [...counts].map(([month, count]) => ({ month, count }));
}
