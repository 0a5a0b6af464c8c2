import { expire, isPastExpiry, type CustomerInvitation } from '../domain/customer/customer.js';
import { awaitingVerificationSince, underReviewSince, type EnrollmentApplication } from '../domain/enrollment/enrollment.js';
import { pendingColleagueInvitations } from '../domain/organization/colleague-invitation.js';
import type { Organization } from '../domain/organization/organization.js';
import type { ProviderLink } from '../domain/provider/provider-link.js';
import { isApproved, type Provider } from '../domain/provider/provider.js';
import { businessDaysBetween, daysLeft, reminderDecision, reminderKey, type ReminderKind, type ReminderPolicy, type Waiting } from '../domain/reminders/reminders.js';
import { fail } from '../domain/result.js';
import { translate, type Locale } from '../i18n/catalog.js';
import type { Notifier } from './notifier.port.js';
import type { Outbox } from './outbox.port.js';
import { mutate, type Clock, type RecordStore } from './ports.js';
import type { ResellerInvitation } from './provider.service.js';

/** Notification kinds of reminders, one per kind of waiting thing. */
export const REMINDER_NOTICES: Record<ReminderKind, string> = {
  approval: 'reminder.approval',
  review: 'reminder.review',
  verification: 'reminder.verification',
  customerInvitation: 'reminder.customerInvitation',
  resellerInvitation: 'reminder.resellerInvitation',
  colleagueInvitation: 'reminder.colleagueInvitation',
};

/** A reminder that was sent, remembered so that no pass, restart or other instance sends it again. */
export interface SentReminder {
  readonly kind: ReminderKind;
  readonly subjectId: string;
  readonly sentAt: string;
  readonly recipients: readonly string[];
}

/** What one pass did: the invitations it marked expired and the reminders it sent. */
export interface PassReport {
  readonly expired: string[];
  readonly sent: { readonly key: string; readonly kind: ReminderKind; readonly recipients: readonly string[]; readonly mailedTo?: string }[];
}

/** What the reminder use cases read and whom they tell. */
export interface ReminderDeps {
  readonly links: RecordStore<ProviderLink>;
  readonly providers: RecordStore<Provider>;
  readonly applications: RecordStore<EnrollmentApplication>;
  readonly customerInvitations: RecordStore<CustomerInvitation>;
  readonly resellerInvitations: RecordStore<ResellerInvitation>;
  readonly organizations: RecordStore<Organization>;
  readonly sent: RecordStore<SentReminder>;
  readonly reviewerIds: readonly string[];
  readonly notifier: Notifier;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly policy: ReminderPolicy;
  /** The language of a user's mail: the one they last spoke to the assistant in. */
  readonly localeOf: (userId: string) => Promise<Locale>;
}

/** One waiting thing with the people to remind and what their notice shows. */
interface Candidate {
  readonly waiting: Waiting;
  readonly recipients: readonly string[];
  readonly data: Record<string, string | number>;
  /** The primary contact to e-mail as well (verifications). */
  readonly mail?: { readonly to: string; readonly name: string; readonly applicantId: string };
}

/**
 * Reminders and expiry: marks sent customer invitations past their date as expired, then reminds
 * the people something waits for (approvers, reviewers, applicants, whoever sent an invitation
 * about to expire), each reminder once, remembered in the store before it is sent.
 */
export class ReminderService {
  constructor(private readonly deps: ReminderDeps) {}

  /** One pass over every record; `proceed` is asked before each change and the pass stops when it says no. */
  async runPass(proceed: () => Promise<boolean>): Promise<PassReport> {
    const report: PassReport = { expired: [], sent: [] };
    const now = this.deps.clock.now();
    for await (const record of this.deps.customerInvitations.list()) {
      if (!isPastExpiry(record.value, now)) continue;
      if (!(await proceed())) return report;
      const saved = await mutate(this.deps.customerInvitations, record.id, (current) => (current ? expire(current, now) : fail('INVITATION.UNKNOWN', 'customer.errors.notYours')));
      if (saved.ok) report.expired.push(record.id);
    }
    for (const candidate of await this.candidates(now)) {
      const key = reminderKey(candidate.waiting);
      const decision = reminderDecision(candidate.waiting, this.deps.policy, now, !!(await this.deps.sent.get(key)));
      if (decision !== 'send' || !candidate.recipients.length) continue;
      if (!(await proceed())) return report;
      const remembered: SentReminder = { kind: candidate.waiting.kind, subjectId: candidate.waiting.subjectId, sentAt: now.toISOString(), recipients: candidate.recipients };
      // Remembered first: a crash after this line loses one reminder rather than repeating it.
      if (!(await this.deps.sent.compareAndSet(key, 0, remembered))) continue;
      const kind = REMINDER_NOTICES[candidate.waiting.kind];
      for (const userId of candidate.recipients) await this.deps.notifier.notify(userId, { kind, data: candidate.data });
      if (candidate.mail) await this.mailVerificationReminder(candidate.mail, candidate.data);
      report.sent.push({ key, kind: candidate.waiting.kind, recipients: candidate.recipients, ...(candidate.mail ? { mailedTo: candidate.mail.to } : {}) });
    }
    return report;
  }

  private async candidates(now: Date): Promise<Candidate[]> {
    const found: Candidate[] = [];
    for await (const { value: link } of this.deps.links.list()) {
      if (link.status !== 'requested' || !link.requestedAt) continue;
      const provider = (await this.deps.providers.get(link.providerTenantId))?.value;
      found.push({
        waiting: { kind: 'approval', subjectId: link.id, since: link.requestedAt },
        recipients: provider && isApproved(provider) ? unique(provider.approverIds) : [],
        data: { reseller: link.resellerName, provider: link.providerName, since: link.requestedAt, days: businessDaysBetween(new Date(link.requestedAt), now) },
      });
    }
    for await (const { value: app } of this.deps.applications.list()) {
      const company = app.legal?.legalName ?? app.mpn?.organizationName ?? app.applicantName;
      const reviewSince = underReviewSince(app);
      if (reviewSince) {
        found.push({ waiting: { kind: 'review', subjectId: app.id, since: reviewSince }, recipients: unique(this.deps.reviewerIds), data: { company, applicant: app.applicantName, since: reviewSince, days: businessDaysBetween(new Date(reviewSince), now) } });
      }
      const verificationSince = awaitingVerificationSince(app);
      const contact = app.legal?.primaryContact;
      if (verificationSince) {
        found.push({
          waiting: { kind: 'verification', subjectId: app.id, since: verificationSince },
          recipients: [app.applicantId],
          data: { company, email: contact?.email ?? '', since: verificationSince },
          ...(contact ? { mail: { to: contact.email, name: contact.firstName, applicantId: app.applicantId } } : {}),
        });
      }
    }
    for await (const { value: inv } of this.deps.customerInvitations.list()) {
      const sender = [...inv.history].reverse().find((e) => e.what === 'sent' || e.what === 'resent')?.by;
      if (inv.status !== 'sent' || !sender) continue;
      found.push({
        waiting: { kind: 'customerInvitation', subjectId: inv.id, expiresAt: inv.expiresAt },
        recipients: [sender],
        data: { customer: inv.companyName, email: inv.adminEmail, expiresAt: inv.expiresAt, days: daysLeft(inv.expiresAt, now) },
      });
    }
    for await (const { value: inv } of this.deps.resellerInvitations.list()) {
      if (inv.usedAt) continue;
      const provider = (await this.deps.providers.get(inv.providerTenantId))?.value;
      found.push({
        waiting: { kind: 'resellerInvitation', subjectId: inv.id, expiresAt: inv.expiresAt },
        recipients: [inv.createdBy],
        data: { email: inv.email, provider: provider?.name ?? '', expiresAt: inv.expiresAt, days: daysLeft(inv.expiresAt, now) },
      });
    }
    for await (const { value: org } of this.deps.organizations.list()) {
      for (const inv of pendingColleagueInvitations(org, now)) {
        found.push({
          waiting: { kind: 'colleagueInvitation', subjectId: `${org.tenantId}|${inv.id}`, expiresAt: inv.expiresAt },
          recipients: [inv.invitedBy.userId],
          data: { email: inv.email, organization: org.name, expiresAt: inv.expiresAt, days: daysLeft(inv.expiresAt, now) },
        });
      }
    }
    return found;
  }

  private async mailVerificationReminder(mail: NonNullable<Candidate['mail']>, data: Candidate['data']): Promise<void> {
    const locale = await this.deps.localeOf(mail.applicantId);
    const params = { name: mail.name, company: String(data.company) };
    await this.deps.outbox.send({ to: mail.to, subject: translate(locale, 'reminder.mail.subject', params), text: translate(locale, 'reminder.mail.body', params) });
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
