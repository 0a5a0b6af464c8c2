import { expect } from 'chai';
import type { Customer } from '../../src/domain/customer/customer.js';
import type { ProviderLink } from '../../src/domain/provider/provider-link.js';
import { compare, importCustomer, importReseller, type Sides } from '../../src/domain/reconciliation/reconciliation.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, textOf } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';

const P = '11111111-1111-4111-8111-111111111111';
const R1 = 'aaaaaaaa-0000-4000-8000-000000000001';
const R2 = 'aaaaaaaa-0000-4000-8000-000000000002';
const at = '2026-12-01T09:00:00.000Z';
const link = (resellerId: string, status: ProviderLink['status']): ProviderLink => ({ id: `${P}|${resellerId}`, providerTenantId: P, providerName: 'Contoso', resellerId, resellerName: `Reseller ${resellerId.slice(-1)}`, status, history: [] });
const customer = (resellerId: string, domain: string, tenantId?: string): Customer => ({
  id: `${resellerId}|${domain}`,
  companyName: domain,
  domain,
  ...(tenantId ? { tenantId } : {}),
  resellerId,
  relationships: [{ partnerId: P, partnerName: 'Contoso', kind: 'provider', since: at, invitationId: 'i' }],
  createdAt: at,
});
const sides = (over: Partial<Sides>): Sides => ({ providerTenantId: P, links: [], customers: [], centerResellers: [], centerCustomers: [], ...over });
const actor = { userId: 'anna', name: 'Anna' };

describe('Reconciliation with Partner Center', () => {
  const cases: { name: string; sides: Sides; expected: string[] }[] = [
    { name: 'agrees when both sides hold the same', sides: sides({ links: [link(R1, 'authorized')], centerResellers: [{ tenantId: R1, name: 'R1', state: 'active' }], customers: [customer(R1, 'a.example', 't1')], centerCustomers: [{ tenantId: 't1', domain: 'x.onmicrosoft.com', companyName: 'A', resellerId: R1 }] }), expected: [] },
    { name: 'finds a reseller in Partner Center only', sides: sides({ centerResellers: [{ tenantId: R1, name: 'R1', state: 'active' }] }), expected: ['partnerCenterOnly reseller R1'] },
    { name: 'finds an ended relationship that Partner Center still has active as Partner Center only', sides: sides({ links: [link(R1, 'ended')], centerResellers: [{ tenantId: R1, name: 'R1', state: 'active' }] }), expected: ['partnerCenterOnly reseller R1'] },
    { name: 'flags an authorized reseller Partner Center does not list', sides: sides({ links: [link(R2, 'authorized')] }), expected: ['assistantOnly reseller Reseller 2'] },
    { name: 'reports a state mismatch', sides: sides({ links: [link(R1, 'authorized')], centerResellers: [{ tenantId: R1, name: 'R1', state: 'inactive' }] }), expected: ['mismatch reseller R1'] },
    { name: 'matches customers by domain when the assistant has no tenant id', sides: sides({ customers: [customer(R1, 'a.example')], centerCustomers: [{ tenantId: 't1', domain: 'A.example', companyName: 'A', resellerId: R1 }] }), expected: [] },
    {
      name: 'finds customers on one side only',
      sides: sides({ customers: [customer(R1, 'mine.example')], centerCustomers: [{ tenantId: 't9', domain: 'theirs.example', companyName: 'Theirs', resellerId: R1 }] }),
      expected: ['assistantOnly customer mine.example', 'partnerCenterOnly customer Theirs'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(compare(c.sides).map((d) => `${d.kind} ${d.what} ${d.name}`)).to.deep.equal(c.expected);
    });
  }

  it('imports a reseller once: a relationship authorized meanwhile is left alone', () => {
    const [row] = compare(sides({ centerResellers: [{ tenantId: R1, name: 'R1', state: 'active', partnerId: '4851234', country: 'IT' }] }));
    const imported = importReseller(undefined, row, { tenantId: P, name: 'Contoso' }, actor, new Date(at));
    expect(imported.ok && imported.value).to.include({ status: 'authorized', resellerPartnerId: '4851234', resellerCountry: 'IT' });
    expect(importReseller(link(R1, 'authorized'), row, { tenantId: P, name: 'Contoso' }, actor, new Date(at)).ok).to.equal(false);
  });

  it('imports a customer with both relationships and its tenant id, once', () => {
    const [row] = compare(sides({ centerCustomers: [{ tenantId: 't9', domain: 'theirs.example', companyName: 'Theirs', resellerId: R1 }] }));
    const imported = importCustomer(undefined, row, `${R1}|theirs.example`, { provider: { tenantId: P, name: 'Contoso' }, resellerName: 'R1' }, actor, new Date(at));
    if (!imported.ok) throw new Error('not imported');
    expect(imported.value.tenantId).to.equal('t9');
    expect(imported.value.relationships.map((r) => r.kind)).to.deep.equal(['reseller', 'provider']);
    expect(importCustomer(imported.value, row, imported.value.id, { provider: { tenantId: P, name: 'Contoso' }, resellerName: 'R1' }, actor, new Date(at)).ok).to.equal(false);
  });

  describe('with the embedded Partner Center', function () {
    this.timeout(30_000);
    let app: RunningAssistant;
    let connector: FakeConnector;
    before(async () => {
      connector = new FakeConnector();
      await connector.start();
      app = await startAssistant();
    });
    after(async () => {
      await app.stop();
      await connector.stop();
    });

    it('reports no differences, in English and Italian', async () => {
      for (const [locale, words] of [
        ['en-US', 'no differences'],
        ['it-IT', 'nessuna differenza'],
      ]) {
        const anna = new Chat(app.baseUrl, { id: `29:anna-${locale}`, name: 'Anna Weber', locale, aadObjectId: 'a1b2c3d4-0004-4a7e-8b1c-1f2e3d4c5b6a', tenantId: P, channelId: 'msteams', serviceUrl: connector.serviceUrl });
        const cards = cardsOf(await anna.say(locale.startsWith('it') ? 'riconcilia' : 'reconcile'));
        expect(textOf(cards.at(-1)!)).to.include(words);
      }
    });
  });
});
