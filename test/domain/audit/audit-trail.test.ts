import { expect } from 'chai';
import { audit, type AuditEntry } from '../../../src/domain/actor.js';
import { auditRows, type AuditSource } from '../../../src/domain/audit/audit-trail.js';
import { accept, applyAcceptance, type CustomerInvitation } from '../../../src/domain/customer/customer.js';
import { decideRequest, requestConnection } from '../../../src/domain/provider/provider-link.js';

const RESELLER = 'r-tenant';
const PROVIDER = 'p-tenant';
const T0 = new Date('2026-11-24T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const marco = { userId: 'aad-marco', name: 'Marco Rossi', tenantId: RESELLER };
const anna = { userId: 'aad-anna', name: 'Anna Weber', tenantId: PROVIDER };
const parties = { providerTenantId: PROVIDER, providerName: 'Contoso Distribution', resellerId: RESELLER, resellerName: 'Demo Reseller S.r.l.' };

describe('Audit trail', () => {
  it("records the acting person's proven tenant, or the organization named for a customer's admin", () => {
    expect(audit(marco, 'requested', T0).org).to.equal(RESELLER);
    expect(audit({ userId: 'x', name: 'Portal user' }, 'requested', T0)).to.not.have.property('org');
    expect(audit({ userId: 'lena@litware.example', name: 'Lena' }, 'accepted', T0, undefined, 'cust-1').org).to.equal('cust-1');
  });

  it("records a provider's approver as the provider's person and the reseller's agent as the reseller's", () => {
    const requested = requestConnection(undefined, parties, marco, T0);
    if (!requested.ok) throw new Error('request refused');
    const decided = decideRequest(requested.value, 'approved', anna, at(1));
    if (!decided.ok) throw new Error('decision refused');
    const rows = auditRows([{ type: 'providerLink', record: 'Contoso Distribution', history: decided.value.history, parties: { [RESELLER]: parties.resellerName, [PROVIDER]: parties.providerName } }]);
    expect(rows.map((r) => [r.what, r.who, r.organization])).to.deep.equal([
      ['requested', 'Marco Rossi', 'Demo Reseller S.r.l.'],
      ['approved', 'Anna Weber', 'Contoso Distribution'],
    ]);
  });

  it("gives a customer a history on acceptance: the admin who accepted, for the customer, by which invitation, and a relationship added later", () => {
    const inv: CustomerInvitation = {
      id: 'inv-1', linkId: 'v1', resellerId: RESELLER, resellerName: parties.resellerName, providerTenantId: PROVIDER, providerName: parties.providerName,
      companyName: 'Litware', adminEmail: 'admin@litware.example', status: 'sent', subject: 's', body: 'b', expiresAt: at(1440).toISOString(), history: [],
    };
    const accepted = accept(inv, 'v1', { name: 'Lena Bauer', email: 'Lena@Litware.example', companyConfirmed: true }, 'cust-1', at(5));
    if (!accepted.ok) throw new Error('acceptance refused');
    const customer = applyAcceptance(undefined, { ...accepted.value, providerTenantId: undefined }, 'cust-1', at(5));
    const later = applyAcceptance(customer, { ...accepted.value, id: 'inv-2' }, 'cust-1', at(9));
    const rows = auditRows([
      { type: 'customer', record: 'Litware', history: later.history ?? [], parties: { 'cust-1': 'Litware', [RESELLER]: parties.resellerName, [PROVIDER]: parties.providerName } },
    ]);
    expect(rows.map((r) => [r.at, r.what, r.who, r.organization, r.detail])).to.deep.equal([
      ['2026-11-24T09:05:00.000Z', 'created', 'Lena Bauer', 'Litware', 'lena@litware.example; inv-1'],
      ['2026-11-24T09:05:00.000Z', 'resellerRelationship', 'Lena Bauer', 'Litware', 'Demo Reseller S.r.l.; inv-1'],
      ['2026-11-24T09:09:00.000Z', 'providerRelationship', 'Lena Bauer', 'Litware', 'Contoso Distribution; inv-2'],
    ]);
    expect(accepted.value.history.at(-1)).to.include({ by: 'lena@litware.example', byName: 'Lena Bauer', org: 'cust-1' });
  });

  const legacy: AuditEntry = { at: '2026-11-24T10:00:00+01:00', by: 'aad-anna', byName: 'Anna Weber', what: 'approved' };
  const cases: [string, AuditEntry, AuditSource['people'], Record<string, string>, string][] = [
    ['names the organization an entry records, from the parties', { ...legacy, org: PROVIDER }, {}, {}, 'Contoso Distribution'],
    ['names an organization outside the record from what is known', { ...legacy, org: 'operator-tenant' }, {}, { 'operator-tenant': 'Operator' }, 'Operator'],
    ['attributes an older entry by who the person is among the parties', legacy, { 'aad-anna': 'Contoso Distribution' }, {}, 'Contoso Distribution'],
    ["attributes an unknown tenant by the person (the operator's reviewers)", { ...legacy, org: 'unknown-tenant' }, {}, { 'aad-anna': 'Operator' }, 'Operator'],
    ['leaves the organization empty when nothing tells it', legacy, {}, {}, ''],
  ];
  for (const [what, entry, people, known, expected] of cases) {
    it(what, () => {
      const [row] = auditRows([{ type: 'providerLink', record: 'x', history: [entry], parties: { [PROVIDER]: 'Contoso Distribution', [RESELLER]: 'Demo Reseller S.r.l.' }, people }], known);
      expect(row.organization).to.equal(expected);
      expect(row.at).to.equal('2026-11-24T09:00:00.000Z');
    });
  }

  it('sorts the rows of every record oldest first', () => {
    const rows = auditRows([
      { type: 'organization', record: 'A', history: [audit(marco, 'joined', at(3))], parties: {} },
      { type: 'customer', record: 'B', history: [audit(marco, 'created', at(1)), audit(marco, 'x', at(5))], parties: {} },
    ]);
    expect(rows.map((r) => `${r.record}:${r.what}`)).to.deep.equal(['B:created', 'A:joined', 'B:x']);
  });
});
