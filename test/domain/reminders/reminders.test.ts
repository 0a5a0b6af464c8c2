import { expect } from 'chai';
import { expire, isPastExpiry, linkProblem, resend, revoke, type CustomerInvitation } from '../../../src/domain/customer/customer.js';
import { underReviewSince, awaitingVerificationSince, type EnrollmentApplication } from '../../../src/domain/enrollment/enrollment.js';
import {
  addBusinessDays,
  businessDaysBetween,
  daysLeft,
  isBusinessDay,
  reminderDecision,
  reminderKey,
  type ReminderDecision,
  type Waiting,
} from '../../../src/domain/reminders/reminders.js';

// 2026-11-23 is a Monday.
const at = (iso: string) => new Date(iso);
const policy = { afterBusinessDays: 2 };

describe('Reminders', () => {
  describe('business days', () => {
    const adding: [string, string, number, string][] = [
      ['Monday plus 2 is Wednesday', '2026-11-23T09:00:00Z', 2, '2026-11-25T09:00:00Z'],
      ['Thursday plus 2 skips the weekend to Monday', '2026-11-26T09:00:00Z', 2, '2026-11-30T09:00:00Z'],
      ['Friday plus 2 is Tuesday', '2026-11-27T17:30:00Z', 2, '2026-12-01T17:30:00Z'],
      ['Saturday plus 1 is Monday', '2026-11-28T10:00:00Z', 1, '2026-11-30T10:00:00Z'],
      ['Sunday plus 2 is Tuesday', '2026-11-29T23:00:00Z', 2, '2026-12-01T23:00:00Z'],
      ['Friday plus 5 is the next Friday', '2026-11-27T09:00:00Z', 5, '2026-12-04T09:00:00Z'],
      ['plus 0 is the same instant', '2026-11-28T10:00:00Z', 0, '2026-11-28T10:00:00Z'],
    ];
    for (const [name, from, days, expected] of adding) {
      it(`adds business days: ${name}`, () => expect(addBusinessDays(at(from), days).toISOString()).to.equal(at(expected).toISOString()));
    }

    const between: [string, string, string, number][] = [
      ['a weekend counts nothing', '2026-11-27T18:00:00Z', '2026-11-30T09:00:00Z', 0],
      ['Friday evening to Monday evening is one', '2026-11-27T18:00:00Z', '2026-11-30T18:00:00Z', 1],
      ['Thursday to the next Tuesday is three', '2026-11-26T09:00:00Z', '2026-12-01T09:00:00Z', 3],
      ['an earlier end is zero', '2026-11-26T09:00:00Z', '2026-11-25T09:00:00Z', 0],
    ];
    for (const [name, from, to, expected] of between) {
      it(`counts business days between two instants: ${name}`, () => expect(businessDaysBetween(at(from), at(to))).to.equal(expected));
    }

    it('knows Monday to Friday from the weekend', () => {
      expect(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'].map((d) => isBusinessDay(at(`${d}T12:00:00Z`)))).to.deep.equal([
        true, true, true, true, true, false, false,
      ]);
    });

    it('rounds the days left before an expiry up, and never below zero', () => {
      expect(daysLeft('2026-11-30T09:00:00Z', at('2026-11-27T10:00:00Z'))).to.equal(3);
      expect(daysLeft('2026-11-30T09:00:00Z', at('2026-11-29T09:00:00Z'))).to.equal(1);
      expect(daysLeft('2026-11-30T09:00:00Z', at('2026-12-01T09:00:00Z'))).to.equal(0);
    });
  });

  describe('due or not', () => {
    const approval: Waiting = { kind: 'approval', subjectId: 'link', since: '2026-11-26T09:00:00Z' };
    const review: Waiting = { kind: 'review', subjectId: 'app', since: '2026-11-27T09:00:00Z' };
    const verification: Waiting = { kind: 'verification', subjectId: 'app', since: '2026-11-27T09:00:00Z' };
    const invitation: Waiting = { kind: 'customerInvitation', subjectId: 'inv', expiresAt: '2026-12-10T09:00:00Z' };
    const colleague: Waiting = { kind: 'colleagueInvitation', subjectId: 't|inv', expiresAt: '2026-12-10T09:00:00Z' };
    const cases: [string, Waiting, string, boolean, ReminderDecision][] = [
      ['an approval after one business day', approval, '2026-11-27T10:00:00Z', false, 'notYet'],
      ['an approval over the weekend', approval, '2026-11-29T23:59:00Z', false, 'notYet'],
      ['an approval after two business days', approval, '2026-11-30T09:00:00Z', false, 'send'],
      ['an approval already reminded', approval, '2026-12-02T09:00:00Z', true, 'alreadySent'],
      ['a review sent on Friday, on Monday', review, '2026-11-30T12:00:00Z', false, 'notYet'],
      ['a review sent on Friday, on Tuesday', review, '2026-12-01T09:00:00Z', false, 'send'],
      ['a verification after 23 hours', verification, '2026-11-28T08:00:00Z', false, 'notYet'],
      ['a verification after one day, on a Saturday too', verification, '2026-11-28T09:00:00Z', false, 'send'],
      ['a verification already reminded', verification, '2026-11-29T09:00:00Z', true, 'alreadySent'],
      ['an invitation four days before expiry', invitation, '2026-12-06T08:59:00Z', false, 'notYet'],
      ['an invitation three days before expiry', invitation, '2026-12-07T09:00:00Z', false, 'send'],
      ['an invitation an hour before expiry', invitation, '2026-12-10T08:00:00Z', false, 'send'],
      ['an invitation already expired', invitation, '2026-12-10T09:00:00Z', false, 'tooLate'],
      ['an invitation already reminded', invitation, '2026-12-08T09:00:00Z', true, 'alreadySent'],
      ['a colleague invitation two days before expiry', colleague, '2026-12-08T09:00:00Z', false, 'send'],
    ];
    for (const [name, waiting, now, sent, expected] of cases) {
      it(`decides ${expected} for ${name}`, () => expect(reminderDecision(waiting, policy, at(now), sent)).to.equal(expected));
    }

    it('waits as many business days as the policy says', () => {
      expect(reminderDecision(approval, { afterBusinessDays: 1 }, at('2026-11-27T09:00:00Z'), false)).to.equal('send');
      expect(reminderDecision(approval, { afterBusinessDays: 5 }, at('2026-12-02T09:00:00Z'), false)).to.equal('notYet');
      expect(reminderDecision(approval, { afterBusinessDays: 5 }, at('2026-12-03T09:00:00Z'), false)).to.equal('send');
    });

    it('remembers a reminder per waiting period: a new request or a renewed link is reminded afresh', () => {
      expect(reminderKey(approval)).to.equal(reminderKey({ ...approval }));
      expect(reminderKey(approval)).to.not.equal(reminderKey({ ...approval, since: '2026-12-05T09:00:00Z' }));
      expect(reminderKey(invitation)).to.not.equal(reminderKey({ ...invitation, expiresAt: '2027-01-10T09:00:00Z' }));
      expect(reminderKey(review)).to.not.equal(reminderKey(verification));
    });
  });

  describe('what waits since when', () => {
    const base = { id: 'a', applicantId: 'u', applicantName: 'Giulia', step: 'review', createdAt: '2026-11-20T09:00:00Z', updatedAt: '2026-11-27T09:00:00Z' } as const;
    const entry = (what: string, at: string) => ({ at, by: 'u', byName: 'Giulia', what });
    it('takes the review from the moment it started, or the support contact of an already-enrolled organization', () => {
      const verified = { ...base, status: 'underReview', history: [entry('submitted', '2026-11-24T09:00:00Z'), entry('verified', '2026-11-25T09:00:00Z'), entry('review', '2026-11-25T09:00:01Z')] } as unknown as EnrollmentApplication;
      const enrolled = { ...base, status: 'underReview', history: [entry('support', '2026-11-26T10:00:00Z')] } as unknown as EnrollmentApplication;
      expect(underReviewSince(verified)).to.equal('2026-11-25T09:00:01Z');
      expect(underReviewSince(enrolled)).to.equal('2026-11-26T10:00:00Z');
      expect(underReviewSince({ ...verified, status: 'approved' })).to.equal(undefined);
    });
    it('takes the verification from the submission, only while it waits for it', () => {
      const submitted = { ...base, status: 'submitted', submittedAt: '2026-11-24T09:00:00Z', history: [] } as unknown as EnrollmentApplication;
      expect(awaitingVerificationSince(submitted)).to.equal('2026-11-24T09:00:00Z');
      expect(awaitingVerificationSince({ ...submitted, status: 'contactVerified' })).to.equal(undefined);
    });
  });

  describe('customer invitation expiry', () => {
    const T0 = at('2026-11-24T09:00:00Z');
    const sent: CustomerInvitation = {
      id: 'inv', linkId: 'v1', resellerId: 'r', resellerName: 'Contoso Italia', companyName: 'Litware', adminEmail: 'admin@litware.example',
      status: 'sent', subject: 's', body: 'b http://x/invitations/old', expiresAt: '2026-12-24T09:00:00Z', history: [],
    };
    const later = at('2026-12-24T09:00:00Z');
    const cases: [string, CustomerInvitation, Date, boolean][] = [
      ['a sent invitation before its date', sent, T0, false],
      ['a sent invitation at its date', sent, later, true],
      ['an accepted invitation past its date', { ...sent, status: 'accepted' }, later, false],
      ['a revoked invitation past its date', { ...sent, status: 'revoked' }, later, false],
      ['a draft past its date', { ...sent, status: 'drafted' }, later, false],
    ];
    for (const [name, inv, now, expected] of cases) {
      it(`${expected ? 'expires' : 'keeps'} ${name}`, () => {
        expect(isPastExpiry(inv, now)).to.equal(expected);
        expect(expire(inv, now).ok).to.equal(expected);
      });
    }

    it('marks it expired with an audit entry by the assistant, and its link says expired', () => {
      const result = expire(sent, later);
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.status).to.equal('expired');
      expect(result.value.history.at(-1)).to.deep.include({ by: 'system', what: 'expired', at: later.toISOString() });
      expect(linkProblem(result.value, 'v1', later)).to.equal('expired');
      expect(linkProblem(result.value, 'forged', later)).to.equal('invalid');
    });

    it('lets Resend send an expired invitation again with a new link, and Revoke withdraw it', () => {
      const expired = (expire(sent, later) as { ok: true; value: CustomerInvitation }).value;
      const renewed = resend(expired, 'v2', '2027-01-23T09:00:00Z', (t) => t.replace('old', 'new'), { userId: 'u', name: 'Marco' }, later);
      if (!renewed.ok) throw new Error(renewed.error.code);
      expect(renewed.value).to.deep.include({ status: 'sent', linkId: 'v2', expiresAt: '2027-01-23T09:00:00Z', body: 'b http://x/invitations/new' });
      expect(linkProblem(renewed.value, 'v2', later)).to.equal(undefined);
      expect(revoke(expired, { userId: 'u', name: 'Marco' }, later).ok).to.equal(true);
    });
  });
});
