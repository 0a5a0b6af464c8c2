import { REMINDER_NOTICES } from '../app/reminder.service.js';
import type { ReminderKind } from '../domain/reminders/reminders.js';
import { COLLEAGUE_VERBS } from './colleague.feature.js';
import { CUSTOMER_VERBS } from './customer.feature.js';
import { ENROLLMENT_VERBS } from './enrollment.feature.js';
import { formatDate, text } from './presenting.js';
import type { NotificationView } from './proactive-notifier.js';
import { PROVIDER_VERBS } from './provider.feature.js';

/** The list each reminder's button opens. */
const VERB_OF: Record<ReminderKind, string> = {
  approval: PROVIDER_VERBS.requests,
  review: ENROLLMENT_VERBS.reviews,
  verification: ENROLLMENT_VERBS.status,
  customerInvitation: CUSTOMER_VERBS.invitations,
  resellerInvitation: PROVIDER_VERBS.resellers,
  colleagueInvitation: COLLEAGUE_VERBS.invitations,
};

/** How reminders look to their recipients: a notice with a button to the list where the waiting thing is. */
export class ReminderNotices {
  /** One view per reminder kind; everything a notice shows travels in its data. */
  notificationViews(): Record<string, NotificationView> {
    return Object.fromEntries(
      (Object.keys(REMINDER_NOTICES) as ReminderKind[]).map((kind) => [
        REMINDER_NOTICES[kind],
        async (data, t, locale) => {
          const params = {
            ...Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'number' ? v : text(v)])),
            ...(data.since !== undefined ? { since: formatDate(text(data.since), locale) } : {}),
            ...(data.expiresAt !== undefined ? { expires: formatDate(text(data.expiresAt), locale) } : {}),
          };
          return {
            card: 'provider-notice',
            view: { title: t(`reminder.${kind}.title`), body: t(`reminder.${kind}.body`, params), buttonTitle: t(`reminder.${kind}.button`), verb: VERB_OF[kind] },
          };
        },
      ]),
    );
  }
}
