import { expect } from 'chai';
import type { Actor } from '../../../src/domain/actor.js';
import {
  acceptColleagueInvitation,
  colleagueStatus,
  COLLEAGUE_LIMITS,
  inviteColleague,
  pendingColleagueInvitations,
  revokeColleagueInvitation,
} from '../../../src/domain/organization/colleague-invitation.js';
import type { Organization } from '../../../src/domain/organization/organization.js';
import type { Result } from '../../../src/domain/result.js';

const TENANT = '5d3c8a71-2e4f-4b6a-9c1d-7f8e9a0b1c2d';
const T0 = new Date('2026-12-01T09:00:00Z');
const DAY = 86_400_000;
const marco: Actor = { userId: 'u-marco', name: 'Marco Rossi', tenantId: TENANT, proof: 'teams' };
const paolo: Actor = { userId: 'u-paolo', name: 'Paolo Neri', tenantId: TENANT, proof: 'openid' };
const stranger: Actor = { userId: 'u-olga', name: 'Olga', tenantId: 'ffffffff-0000-4000-8000-000000000000', proof: 'openid' };

const org = (): Organization => ({
  tenantId: TENANT,
  name: 'Demo Reseller S.r.l.',
  kind: 'reseller',
  country: 'IT',
  members: [{ userId: 'u-marco', name: 'Marco Rossi', roles: ['adminAgent'], addedAt: T0.toISOString() }],
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  history: [],
});
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};
const invited = (role = 'salesAgent', email = 'paolo@demo-reseller.example', id = 'inv-1', base = org()) =>
  value(inviteColleague(base, { email, role }, marco, { id, now: T0, expiresAt: new Date(T0.getTime() + 30 * DAY) }));

describe('Inviting a colleague', () => {
  const form: [string, { email: string; role: string }, string[]][] = [
    ['an empty e-mail address', { email: ' ', role: 'salesAgent' }, ['email']],
    ['an e-mail address without a domain', { email: 'paolo@', role: 'salesAgent' }, ['email']],
    ['an e-mail address over 254 characters', { email: `${'a'.repeat(250)}@x.example`, role: 'salesAgent' }, ['email']],
    ['a role that cannot be granted by invitation', { email: 'p@demo.example', role: 'reviewer' }, ['role']],
    ['a made-up role and a bad address', { email: 'nope', role: 'owner' }, ['email', 'role']],
  ];
  for (const [what, input, fields] of form) {
    it(`refuses ${what}, naming the field`, () => {
      const result = inviteColleague(org(), input, marco, { id: 'x', now: T0, expiresAt: new Date(T0.getTime() + DAY) });
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.error.fields?.map((f) => f.field)).to.deep.equal(fields);
    });
  }

  it('keeps the invitation pending with the role, who sent it and when it expires, and logs it', () => {
    const { organization, invitation } = invited('adminAgent', ' Paolo@Demo-Reseller.example ');
    expect(invitation).to.include({ email: 'paolo@demo-reseller.example', status: 'pending', expiresAt: '2026-12-31T09:00:00.000Z' });
    expect(invitation.roles).to.deep.equal(['adminAgent']);
    expect(invitation.invitedBy).to.include({ userId: 'u-marco', name: 'Marco Rossi' });
    expect(pendingColleagueInvitations(organization, T0).map((i) => i.id)).to.deep.equal(['inv-1']);
    expect(organization.history.at(-1)).to.include({ what: 'colleagueInvited', by: 'u-marco' });
  });

  it('invites with no role when the Admin agent says so', () => {
    expect(invited('none').invitation.roles).to.deep.equal([]);
  });

  it('refuses a second pending invitation to the same address, and bounds the pending ones', () => {
    const first = invited().organization;
    const again = inviteColleague(first, { email: 'paolo@demo-reseller.example', role: 'none' }, marco, { id: 'inv-2', now: T0, expiresAt: new Date(T0.getTime() + DAY) });
    expect(again.ok ? '' : again.error.code).to.equal('COLLEAGUE.ALREADY_INVITED');
    let many = org();
    for (let i = 0; i < COLLEAGUE_LIMITS.pending; i++) many = invited('none', `c${i}@demo.example`, `inv-${i}`, many).organization;
    const over = inviteColleague(many, { email: 'one-more@demo.example', role: 'none' }, marco, { id: 'x', now: T0, expiresAt: new Date(T0.getTime() + DAY) });
    expect(over.ok ? '' : over.error.code).to.equal('COLLEAGUE.TOO_MANY');
  });

  it('keeps the record bounded: old used invitations give way, pending ones stay', () => {
    let o = org();
    for (let i = 0; i < COLLEAGUE_LIMITS.kept + 20; i++) {
      o = invited('none', `c${i}@demo.example`, `inv-${i}`, o).organization;
      o = value(revokeColleagueInvitation(o, `inv-${i}`, marco, T0)).organization;
    }
    o = invited('none', 'last@demo.example', 'inv-last', o).organization;
    expect(o.colleagueInvitations).to.have.length(COLLEAGUE_LIMITS.kept);
    expect(pendingColleagueInvitations(o, T0).map((i) => i.id)).to.deep.equal(['inv-last']);
  });
});

describe('Accepting an invitation to a colleague', () => {
  const cases: [string, () => Result<unknown>, string | undefined][] = [
    ['a colleague signed in to the organization tenant joins', () => acceptColleagueInvitation(invited().organization, 'inv-1', paolo, T0), undefined],
    ['someone of another tenant is refused, whoever sent them the link', () => acceptColleagueInvitation(invited().organization, 'inv-1', stranger, T0), 'COLLEAGUE.OTHER_TENANT'],
    ['a caller with no proven tenant is refused', () => acceptColleagueInvitation(invited().organization, 'inv-1', { userId: 'u-portal', name: 'P', proof: 'portal' }, T0), 'COLLEAGUE.OTHER_TENANT'],
    ['an unknown code is refused', () => acceptColleagueInvitation(invited().organization, 'inv-9', paolo, T0), 'COLLEAGUE.INVALID'],
    ['an expired invitation is refused', () => acceptColleagueInvitation(invited().organization, 'inv-1', paolo, new Date(T0.getTime() + 31 * DAY)), 'COLLEAGUE.EXPIRED'],
    [
      'a revoked invitation is refused',
      () => acceptColleagueInvitation(value(revokeColleagueInvitation(invited().organization, 'inv-1', marco, T0)).organization, 'inv-1', paolo, T0),
      'COLLEAGUE.REVOKED',
    ],
    [
      'a used invitation is refused to anyone else',
      () => acceptColleagueInvitation(value(acceptColleagueInvitation(invited().organization, 'inv-1', paolo, T0)).organization, 'inv-1', { ...paolo, userId: 'u-sara' }, T0),
      'COLLEAGUE.USED',
    ],
  ];
  for (const [what, run, code] of cases) {
    it(`${what}`, () => {
      const result = run();
      expect(result.ok ? undefined : result.error.code).to.equal(code);
    });
  }

  it('adds the colleague with the invitation role and names the inviter in the history', () => {
    const { organization, invitation } = value(acceptColleagueInvitation(invited('salesAgent').organization, 'inv-1', paolo, T0));
    expect(organization.members.find((m) => m.userId === 'u-paolo')).to.include({ name: 'Paolo Neri' });
    expect(organization.members.find((m) => m.userId === 'u-paolo')?.roles).to.deep.equal(['salesAgent']);
    expect(invitation).to.include({ status: 'accepted' });
    expect(invitation.acceptedBy).to.include({ userId: 'u-paolo' });
    expect(organization.history.at(-1)).to.include({ what: 'colleagueJoined', by: 'u-paolo' });
    expect(organization.history.at(-1)?.detail).to.include('Marco Rossi');
  });

  it('adds the role to a member who already used the assistant, keeping the roles they had', () => {
    const base = { ...org(), members: [...org().members, { userId: 'u-paolo', name: 'Paolo Neri', roles: ['salesAgent' as const], addedAt: T0.toISOString() }] };
    const { organization } = value(acceptColleagueInvitation(invited('adminAgent', undefined, undefined, base).organization, 'inv-1', paolo, T0));
    expect(organization.members.filter((m) => m.userId === 'u-paolo')).to.have.length(1);
    expect(organization.members.find((m) => m.userId === 'u-paolo')?.roles).to.deep.equal(['salesAgent', 'adminAgent']);
  });

  it('changes nothing when the same colleague accepts again (a retry after a lost answer)', () => {
    const once = value(acceptColleagueInvitation(invited().organization, 'inv-1', paolo, T0)).organization;
    const twice = value(acceptColleagueInvitation(once, 'inv-1', paolo, new Date(T0.getTime() + 60 * DAY)));
    expect(twice.organization).to.equal(once);
  });

  it('shows a pending invitation past its date as expired, and drops it from the pending list', () => {
    const { organization, invitation } = invited();
    const later = new Date(T0.getTime() + 30 * DAY);
    expect(colleagueStatus(invitation, later)).to.equal('expired');
    expect(pendingColleagueInvitations(organization, later)).to.deep.equal([]);
  });

  it('cannot revoke an invitation that was used', () => {
    const used = value(acceptColleagueInvitation(invited().organization, 'inv-1', paolo, T0)).organization;
    const revoked = revokeColleagueInvitation(used, 'inv-1', marco, T0);
    expect(revoked.ok ? '' : revoked.error.code).to.equal('COLLEAGUE.NOT_PENDING');
  });
});
