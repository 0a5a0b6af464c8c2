import { expect } from 'chai';
import type { Actor } from '../../../src/domain/actor.js';
import {
  accept,
  applyAcceptance,
  canPlaceOrder,
  containsLinkExactly,
  finishDraft,
  resend,
  revoke,
  validateInvitationInput,
  type CustomerInvitation,
} from '../../../src/domain/customer/customer.js';

const T0 = new Date('2026-11-24T09:00:00Z');
const agent: Actor = { userId: 'u', name: 'Giulia' };
const LINK = 'https://assistant.example/invitations/eyJpZCI6IjEifQ.c2ln';

function invitation(overrides: Partial<CustomerInvitation> = {}): CustomerInvitation {
  return {
    id: 'inv-1', linkId: 'v1', resellerId: 'r', resellerName: 'Contoso Italia', companyName: 'Litware', adminEmail: 'admin@litware.example',
    status: 'drafted', subject: 's', body: `b ${LINK}`, expiresAt: new Date(T0.getTime() + 86_400_000).toISOString(), history: [], ...overrides,
  };
}

describe('Customer invitation', () => {
  const linkCases: [string, string, boolean][] = [
    ['the link on its own line', `Hello\n${LINK}\nBye`, true],
    ['the link at the end of a sentence', `Accept here: ${LINK}.`, true],
    ['the link in angle brackets', `<${LINK}>`, true],
    ['the link removed', 'Hello, see our website', false],
    ['the link with a character added', `${LINK}x`, false],
    ['the link cut short', LINK.slice(0, -1), false],
    ['the link with a changed character', LINK.replace('c2ln', 'c2lm'), false],
  ];
  for (const [name, text, kept] of linkCases) {
    it(`${kept ? 'accepts' : 'refuses'} an edited e-mail with ${name}`, () => expect(containsLinkExactly(text, LINK)).to.equal(kept));
  }

  it('Done keeps the edits and marks the invitation sent; a text without the link is refused', () => {
    const done = finishDraft(invitation(), { subject: 'Our invitation', body: `Dear all,\n${LINK}` }, LINK, agent, T0);
    expect(done.ok && done.value).to.deep.include({ status: 'sent', subject: 'Our invitation' });
    const refused = finishDraft(invitation(), { subject: 'x', body: 'no link' }, LINK, agent, T0);
    expect(!refused.ok && refused.error.fields?.map((f) => f.messageKey)).to.deep.equal(['customer.validation.linkMissing']);
  });

  const inputs: [string, object, string[]][] = [
    ['a reseller-only request', { companyName: 'Litware', adminEmail: 'admin@litware.example' }, []],
    ['delegated administration with roles and a duration', { companyName: 'L', adminEmail: 'a@l.example', delegated: 'true', roles: 'Global Reader', durationDays: '730' }, []],
    ['no company and a bad e-mail', { companyName: '', adminEmail: 'admin' }, ['companyName', 'adminEmail']],
    ['delegated administration without roles', { companyName: 'L', adminEmail: 'a@l.example', delegated: 'true', roles: '', durationDays: '30' }, ['roles']],
    ['an unknown role', { companyName: 'L', adminEmail: 'a@l.example', delegated: 'true', roles: 'Global Administrator', durationDays: '30' }, ['roles']],
    ['a duration over two years', { companyName: 'L', adminEmail: 'a@l.example', delegated: 'true', roles: 'Global Reader', durationDays: '731' }, ['durationDays']],
    ['a duration of zero days', { companyName: 'L', adminEmail: 'a@l.example', delegated: 'true', roles: 'Global Reader', durationDays: '0' }, ['durationDays']],
  ];
  for (const [name, input, fields] of inputs) {
    it(`${fields.length ? 'refuses' : 'accepts'} ${name}`, () => {
      const result = validateInvitationInput(input);
      expect(result.ok ? [] : result.error.fields?.map((f) => f.field)).to.deep.equal(fields);
    });
  }

  it('orders GDAP roles least privilege first', () => {
    const result = validateInvitationInput({ companyName: 'L', adminEmail: 'a@l.example', delegated: 'true', roles: 'User Administrator, Directory Readers', durationDays: '90' });
    expect(result.ok && result.value.delegatedAdmin?.roles).to.deep.equal(['Directory Readers', 'User Administrator']);
  });

  describe('acceptance', () => {
    const sent = () => invitation({ status: 'sent' });
    const who = { name: 'Lena', email: 'admin@litware.example', companyConfirmed: true };
    const cases: [string, () => CustomerInvitation, string, Date, string | undefined][] = [
      ['accepts through the link in force', sent, 'v1', T0, undefined],
      ['refuses an old link after Resend', () => sent(), 'v0', T0, 'INVITATION.INVALID'],
      ['refuses a revoked invitation', () => invitation({ status: 'revoked' }), 'v1', T0, 'INVITATION.REVOKED'],
      ['refuses a second acceptance', () => invitation({ status: 'accepted' }), 'v1', T0, 'INVITATION.USED'],
      ['refuses an expired link', sent, 'v1', new Date(T0.getTime() + 86_400_000), 'INVITATION.EXPIRED'],
      ['refuses a draft that was never sent', () => invitation(), 'v1', T0, 'INVITATION.INVALID'],
    ];
    for (const [name, make, linkId, now, code] of cases) {
      it(name, () => {
        const result = accept(make(), linkId, who, 'c', now);
        expect(result.ok ? undefined : result.error.code).to.equal(code);
      });
    }
    it('needs the company confirmation', () => {
      const result = accept(sent(), 'v1', { ...who, companyConfirmed: false }, 'c', T0);
      expect(!result.ok && result.error.fields?.map((f) => f.field)).to.deep.equal(['company']);
    });
    it('resend replaces the link in the e-mail; revoke stops it', () => {
      const resent = resend(sent(), 'v2', T0.toISOString(), (t) => t.replace(LINK, 'NEW'), agent, T0);
      expect(resent.ok && resent.value).to.deep.include({ linkId: 'v2', body: 'b NEW' });
      expect(revoke(sent(), agent, T0).ok && revoke(sent(), agent, T0)).to.deep.include({ ok: true });
      expect(revoke(invitation({ status: 'accepted' }), agent, T0).ok).to.equal(false);
    });
  });

  describe('relationships', () => {
    it('creates one relationship for a reseller-only invitation and two for a two-tier one', () => {
      const single = applyAcceptance(undefined, invitation({ status: 'accepted' }), 'c', T0);
      expect(single.relationships.map((r) => r.kind)).to.deep.equal(['reseller']);
      const twoTier = applyAcceptance(undefined, invitation({ providerTenantId: 'p', providerName: 'Contoso Distribution' }), 'c', T0);
      expect(twoTier.relationships.map((r) => `${r.kind}:${r.partnerId}`)).to.deep.equal(['reseller:r', 'provider:p']);
      expect(canPlaceOrder(twoTier, 'p')).to.equal(true);
      expect(canPlaceOrder(single, 'p')).to.equal(false);
    });
    it('adds the provider to an existing customer without duplicating the reseller relationship', () => {
      const single = applyAcceptance(undefined, invitation(), 'c', T0);
      const both = applyAcceptance(single, invitation({ id: 'inv-2', providerTenantId: 'p', providerName: 'P' }), 'c', T0);
      expect(both.relationships.map((r) => r.kind)).to.deep.equal(['reseller', 'provider']);
    });
  });
});
