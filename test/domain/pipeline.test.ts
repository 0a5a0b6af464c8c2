import { expect } from 'chai';
import type { InvitationStatus } from '../../src/domain/customer/customer.js';
import {
  ageBucket,
  countByAge,
  countByMonth,
  countInvitationStages,
  countLinkStages,
  invitationStage,
  lastMonths,
  linkStage,
  type AgeBucket,
  type InvitationStage,
  type LinkStage,
} from '../../src/domain/pipeline.js';
import type { LinkStatus } from '../../src/domain/provider/provider-link.js';

const NOW = new Date('2026-03-15T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('Pipeline figures', () => {
  describe('ageBucket', () => {
    const cases: [string, string, AgeBucket][] = [
      ['just now', ago(0), 'underOneDay'],
      ['a minute in the future (clock skew)', ago(-60_000), 'underOneDay'],
      ['one second short of a day', ago(DAY - 1000), 'underOneDay'],
      ['exactly one day', ago(DAY), 'oneToThreeDays'],
      ['two days', ago(2 * DAY), 'oneToThreeDays'],
      ['exactly three days', ago(3 * DAY), 'oneToThreeDays'],
      ['three days and a second', ago(3 * DAY + 1000), 'overThreeDays'],
      ['forty days', ago(40 * DAY), 'overThreeDays'],
    ];
    for (const [name, since, bucket] of cases) it(`puts ${name} in ${bucket}`, () => expect(ageBucket(since, NOW)).to.equal(bucket));
  });

  it('counts waiting items by age, leaving out missing and unreadable times', () => {
    expect(countByAge([ago(HOUR), ago(2 * HOUR), ago(30 * HOUR), ago(5 * DAY), undefined, 'not a date'], NOW)).to.deep.equal({
      underOneDay: 2,
      oneToThreeDays: 1,
      overThreeDays: 1,
    });
    expect(countByAge([], NOW)).to.deep.equal({ underOneDay: 0, oneToThreeDays: 0, overThreeDays: 0 });
  });

  describe('linkStage', () => {
    const cases: [LinkStatus, LinkStage | undefined][] = [
      ['requested', 'requested'],
      ['approved', 'waitingForAuthorization'],
      ['invited', 'waitingForAuthorization'],
      ['authorized', 'authorized'],
      ['ended', 'ended'],
      ['declined', undefined],
    ];
    for (const [status, stage] of cases) it(`maps ${status} to ${stage ?? 'nothing'}`, () => expect(linkStage(status)).to.equal(stage));
  });

  it('counts relationships by stage', () => {
    expect(countLinkStages(['requested', 'approved', 'invited', 'authorized', 'authorized', 'ended', 'declined'])).to.deep.equal({
      requested: 1,
      waitingForAuthorization: 2,
      authorized: 2,
      ended: 1,
    });
  });

  describe('invitationStage', () => {
    const future = ago(-DAY);
    const past = ago(DAY);
    const cases: [InvitationStatus, string, InvitationStage | undefined][] = [
      ['drafted', future, undefined],
      ['sent', future, 'sent'],
      ['sent', past, 'closed'],
      ['sent', NOW.toISOString(), 'closed'],
      ['accepted', past, 'accepted'],
      ['expired', future, 'closed'],
      ['revoked', future, 'closed'],
    ];
    for (const [status, expiresAt, stage] of cases) {
      it(`maps ${status} expiring ${expiresAt} to ${stage ?? 'nothing'}`, () => expect(invitationStage({ status, expiresAt }, NOW)).to.equal(stage));
    }
  });

  it('counts invitations by stage', () => {
    const future = ago(-DAY);
    expect(
      countInvitationStages(
        [
          { status: 'sent', expiresAt: future },
          { status: 'sent', expiresAt: ago(HOUR) },
          { status: 'accepted', expiresAt: future },
          { status: 'revoked', expiresAt: future },
          { status: 'drafted', expiresAt: future },
        ],
        NOW,
      ),
    ).to.deep.equal({ sent: 1, accepted: 1, closed: 2 });
  });

  describe('lastMonths', () => {
    const cases: [string, Date, number, string[]][] = [
      ['six months within a year', NOW, 6, ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']],
      ['across the year end', new Date('2026-01-31T23:59:59Z'), 3, ['2025-11', '2025-12', '2026-01']],
      ['in UTC, not local time, on the first of a month', new Date('2026-05-01T00:30:00Z'), 2, ['2026-04', '2026-05']],
      ['from the 31st, without skipping short months', new Date('2026-03-31T10:00:00Z'), 2, ['2026-02', '2026-03']],
    ];
    for (const [name, now, months, expected] of cases) it(`lists ${name}`, () => expect(lastMonths(now, months)).to.deep.equal(expected));
  });

  it('counts times by UTC month over the last six months, leaving out older, later and unreadable ones', () => {
    const counted = countByMonth(
      [
        '2026-03-01T00:00:00Z',
        '2026-03-15T11:00:00Z',
        '2026-02-28T23:59:59Z',
        '2026-03-01T00:30:00+01:00',
        '2025-10-01T00:00:00Z',
        '2025-09-30T23:59:59Z',
        '2026-04-01T00:00:00Z',
        undefined,
        'garbage',
      ],
      NOW,
    );
    expect(counted).to.deep.equal([
      { month: '2025-10', count: 1 },
      { month: '2025-11', count: 0 },
      { month: '2025-12', count: 0 },
      { month: '2026-01', count: 0 },
      { month: '2026-02', count: 2 },
      { month: '2026-03', count: 2 },
    ]);
  });
});
