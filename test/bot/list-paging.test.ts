import { expect } from 'chai';
import type { Customer } from '../../src/domain/customer/customer.js';
import type { ProviderLink } from '../../src/domain/provider/provider-link.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, findAction, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { seedReseller } from '../support/organizations.js';

const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};

/** The data a card's button sends, without the verb (Chat.submit adds it). */
const dataOf = (card: Card, title: string): Record<string, unknown> => {
  const action = findAction(card, title);
  if (!action) throw new Error(`no "${title}" button`);
  const data = { ...(action.data as Record<string, unknown>) };
  delete data.verb;
  return data;
};

const CONTOSO = '11111111-1111-4111-8111-111111111111';

describe('Lists paged by cursor through the indexes', () => {
  let app: RunningAssistant;
  let admin: Chat;
  const names = Array.from({ length: 12 }, (_, i) => `Company ${String.fromCharCode(65 + i)} Srl`);
  const shownOn = (card: Card) => names.filter((n) => textOf(card).includes(n));

  before(async () => {
    app = await startAssistant();
    const tenantId = 'dddddddd-0000-4000-8000-000000000001';
    await seedReseller(app, { tenantId, name: 'Paging Reseller', admin: { userId: 'aad-pager', name: 'Pager' } });
    admin = new Chat(app.baseUrl, { id: '29:pager', name: 'Pager', tenantId, aadObjectId: 'aad-pager', channelId: 'msteams' });
    // Written the way any writer of the namespace writes: the indexes follow every record.
    const customers = new CasRecordStore<Customer>(app.assistant.storage.namespace('customers'));
    const at = new Date().toISOString();
    for (const [i, companyName] of [...names].reverse().entries()) {
      const domain = `c${i}.example`;
      const relationships = [{ partnerId: tenantId, partnerName: 'Paging Reseller', kind: 'reseller' as const, since: at, invitationId: `inv-${i}` }];
      await customers.compareAndSet(`${tenantId}|${domain}`, 0, { id: `${tenantId}|${domain}`, companyName, domain, resellerId: tenantId, relationships, createdAt: at });
    }
    // Another reseller's customer never shows.
    await customers.compareAndSet('other|x.example', 0, { id: 'other|x.example', companyName: 'Company Z Other', domain: 'x.example', resellerId: 'other', relationships: [], createdAt: at });
  });
  after(async () => app.stop());

  it('shows every customer once over Next, comes back with Previous, and answers a forged cursor clearly', async () => {
    const first = lastCard(await admin.say('customers'));
    expect(textOf(first)).to.include('12 customers, page 1 of 3');
    expect(shownOn(first)).to.deep.equal(names.slice(0, 5));
    expect(textOf(first)).to.not.include('Company Z Other');
    const nextData = dataOf(first, 'Next');
    expect(nextData.cursor, 'Next carries a cursor').to.be.a('string');
    const second = lastCard(await admin.submit('customer.list', nextData));
    expect(textOf(second)).to.include('page 2 of 3');
    expect(shownOn(second)).to.deep.equal(names.slice(5, 10));
    const third = lastCard(await admin.submit('customer.list', dataOf(second, 'Next')));
    expect(shownOn(third)).to.deep.equal(names.slice(10));
    expect(findAction(third, 'Next'), 'no Next on the last page').to.equal(undefined);
    const back = lastCard(await admin.submit('customer.list', dataOf(third, 'Previous')));
    expect(textOf(back)).to.include('page 2 of 3');
    expect(shownOn(back)).to.deep.equal(names.slice(5, 10));

    const forged = await admin.submit('customer.list', { page: '2', cursor: 'eyJkIjo5fQ' });
    expect(textsOf(forged).join(' ')).to.include('That page of the list is no longer available');
    expect(cardsOf(forged)).to.have.length(0);
    // A card from before cursors (a page number alone) still opens its page.
    const numbered = lastCard(await admin.submit('customer.list', { page: '3' }));
    expect(shownOn(numbered)).to.deep.equal(names.slice(10));
  });

  it('finds customers by the start of a word of their name or domain, through the index', async () => {
    const found = lastCard(await admin.say('customers company k'));
    expect(textOf(found)).to.include('1 customer, page 1 of 1');
    expect(shownOn(found)).to.deep.equal(['Company K Srl']);
    const byDomain = lastCard(await admin.submit('customer.list', { search: 'c11.example' }));
    expect(shownOn(byDomain)).to.deep.equal([names[0]]);
  });

  it('pages the provider\'s Indirect resellers by cursor, each authorized reseller once', async () => {
    const links = new CasRecordStore<ProviderLink>(app.assistant.storage.namespace('provider-links'));
    const resellers = Array.from({ length: 7 }, (_, i) => `Reseller ${String.fromCharCode(65 + i)} Spa`);
    const at = new Date().toISOString();
    for (const [i, resellerName] of resellers.entries()) {
      const resellerId = `eeeeeeee-0000-4000-8000-00000000000${i}`;
      const id = `${CONTOSO}|${resellerId}`;
      await links.compareAndSet(id, 0, { id, providerTenantId: CONTOSO, providerName: 'Contoso Distribution Europe', resellerId, resellerName, status: 'authorized', authorizedAt: at, history: [] });
    }
    // A request not authorized yet is not on the list.
    await links.compareAndSet(`${CONTOSO}|waiting`, 0, { id: `${CONTOSO}|waiting`, providerTenantId: CONTOSO, providerName: 'Contoso Distribution Europe', resellerId: 'waiting', resellerName: 'Reseller Waiting', status: 'requested', requestedAt: at, history: [] });
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', name: 'Approver', aadObjectId: 'provider-approver-contoso', tenantId: CONTOSO, channelId: 'msteams' });
    const shown = (card: Card) => resellers.filter((n) => textOf(card).includes(n));
    const first = lastCard(await approver.say('resellers'));
    expect(textOf(first)).to.include('7 in all, page 1 of 2').and.not.include('Reseller Waiting');
    expect(shown(first)).to.deep.equal(resellers.slice(0, 5));
    const second = lastCard(await approver.submit('provider.resellers', dataOf(first, 'Next')));
    expect(shown(second)).to.deep.equal(resellers.slice(5));
    const back = lastCard(await approver.submit('provider.resellers', dataOf(second, 'Previous')));
    expect(shown(back)).to.deep.equal(resellers.slice(0, 5));
    expect(textsOf(await approver.submit('provider.resellers', { cursor: '!!' })).join(' ')).to.include('That page of the list is no longer available');
  });
});
