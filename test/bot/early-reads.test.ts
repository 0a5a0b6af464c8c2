import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import { EarlyReads } from '../../src/bot/early-reads.js';
import type { Customer } from '../../src/domain/customer/customer.js';
import type { CasStore, IndexedCasStore, StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, findAction, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { seedReseller } from '../support/organizations.js';

/** A turn context as EarlyReads uses it: only its turn state. */
const contextWithState = () => ({ turnState: new Map<unknown, unknown>() }) as unknown as TurnContext;

describe('Early reads: what a turn reads, started with its first round trip', () => {
  it('gives the handler the read started early, once; a second ask, or another key, reads again', async () => {
    const context = contextWithState();
    let reads = 0;
    const read = async () => ++reads;
    EarlyReads.begin(context, Promise.resolve({ userId: 'u1' }), (early, actor) => early.start(`list\u0000${actor.userId}`, read));
    expect(await EarlyReads.take(context, 'list\u0000u1', read)).to.equal(1);
    expect(reads).to.equal(1);
    expect(await EarlyReads.take(context, 'list\u0000u1', read), 'taken already: read again').to.equal(2);
    expect(await EarlyReads.take(context, 'list\u0000u2', read), 'another user: read now').to.equal(3);
  });

  it('starts nothing without a proven user, and a turn without early reads reads when it asks', async () => {
    const context = contextWithState();
    let started = false;
    EarlyReads.begin(context, Promise.resolve(undefined), () => (started = true));
    expect(await EarlyReads.take(context, 'k', async () => 'now')).to.equal('now');
    expect(started).to.equal(false);
    expect(await EarlyReads.take(contextWithState(), 'k', async () => 'plain')).to.equal('plain');
    // Identity that fails to resolve starts nothing either; the turn meets that failure itself.
    const failing = contextWithState();
    EarlyReads.begin(failing, Promise.reject(new Error('no identity')), () => (started = true));
    expect(await EarlyReads.take(failing, 'k', async () => 'anyway')).to.equal('anyway');
    expect(started).to.equal(false);
  });

  it('drops a failed read nobody takes without an unhandled rejection, and fails the handler that takes it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const context = contextWithState();
      EarlyReads.begin(context, Promise.resolve({ userId: 'u1' }), (early) => {
        early.start('unused', () => Promise.reject(new Error('the store failed')));
        early.start('used', () => Promise.reject(new Error('the store failed, and the turn needs it')));
        early.start('thrown', () => {
          throw new Error('failed before it read');
        });
      });
      const error = await EarlyReads.take(context, 'used', async () => 'fresh').then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(error).to.equal('the store failed, and the turn needs it');
      expect(await EarlyReads.take(context, 'thrown', async () => 'fresh').catch((e: Error) => e.message)).to.equal('failed before it read');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('Early reads: lists and decisions read in one round trip with the claim', () => {
  let app: RunningAssistant;
  const events: string[] = [];
  const tenantId = 'dddddddd-0000-4000-8000-0000000ea201';
  const names = Array.from({ length: 7 }, (_, i) => `Early ${String.fromCharCode(65 + i)} Srl`);
  const lastCard = (activities: Activity[]): Card => {
    const cards = cardsOf(activities);
    if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
    return cards[cards.length - 1];
  };

  /** The embedded store, with the delivery claims, the records' reads and the lists' page reads written down as they happen. */
  function traced(backend: KeyvBackend): StorageBackend {
    const trace = <S extends CasStore>(name: string, store: S): S =>
      new Proxy(store, {
        get: (target, prop) => {
          const value = Reflect.get(target, prop, target) as unknown;
          if (typeof value !== 'function') return value;
          if (name === 'once' && prop === 'compareAndSet') {
            return async (key: string, expected: string | undefined, next: string | undefined) => {
              const claim = expected === undefined && next !== undefined;
              if (claim) events.push('claim asked');
              const done = await target.compareAndSet(key, expected, next);
              if (claim) events.push('claim answered');
              return done;
            };
          }
          if (prop === 'get' && name !== 'once' && name !== 'botstate') return (key: string) => (events.push(`${name} read`), target.get(key));
          if (prop === 'scan') return (...args: unknown[]) => (events.push(`${name} page read`), (value as (...a: unknown[]) => unknown).apply(target, args));
          return (value as (...a: unknown[]) => unknown).bind(target);
        },
      });
    return new Proxy(backend, {
      get: (target, prop) => {
        if (prop === 'namespace') return (name: string) => trace(name, target.namespace(name));
        if (prop === 'indexedNamespace') return (name: string, entriesOf: Parameters<KeyvBackend['indexedNamespace']>[1]): IndexedCasStore => trace(name, target.indexedNamespace(name, entriesOf));
        return Reflect.get(target, prop, target);
      },
    });
  }

  /** What the store was asked before the delivery claim was answered. */
  const beforeTheClaimAnswered = () => events.slice(0, events.indexOf('claim answered'));

  before(async () => {
    app = await startAssistant({}, { storage: traced(KeyvBackend.memory()) });
    await seedReseller(app, { tenantId, name: 'Early Reseller', admin: { userId: 'aad-early', name: 'Early' } });
    const customers = new CasRecordStore<Customer>(app.assistant.storage.namespace('customers'));
    const at = new Date().toISOString();
    for (const [i, companyName] of names.entries()) {
      const id = `${tenantId}|e${i}.example`;
      await customers.compareAndSet(id, 0, { id, companyName, domain: `e${i}.example`, resellerId: tenantId, relationships: [{ partnerId: tenantId, partnerName: 'Early Reseller', kind: 'reseller', since: at, invitationId: `inv-e${i}` }], createdAt: at });
    }
  });
  after(async () => app.stop());

  const agent = () => new Chat(app.baseUrl, { id: '29:early', name: 'Early', tenantId, aadObjectId: 'aad-early', channelId: 'msteams' });

  it('reads the organization and the first page while the typed command\'s delivery is claimed, and shows that page', async () => {
    const chat = agent();
    events.length = 0;
    const card = lastCard(await chat.post({ id: 'early-1', type: 'message', text: 'customers' }));
    expect(textOf(card)).to.include('7 customers, page 1 of 2');
    expect(names.filter((n) => textOf(card).includes(n))).to.deep.equal(names.slice(0, 5));
    expect(beforeTheClaimAnswered()).to.include.members(['claim asked', 'organizations read', 'customers page read']);
    // Nothing was read again after the claim: the handler took what was read early.
    expect(events.slice(events.indexOf('claim answered')).filter((e) => e === 'customers page read')).to.deep.equal([]);
    // A redelivery is ignored, as before: its early read is dropped, and nothing is shown.
    expect(await chat.post({ id: 'early-1', type: 'message', text: 'customers' })).to.deep.equal([]);
  });

  it('reads the next page while a Next click\'s delivery is claimed, in Web Chat (Action.Submit) and in Teams (Action.Execute)', async () => {
    const chat = agent();
    const next = findAction(lastCard(await chat.say('customers')), 'Next');
    const data = { ...(next?.data as Record<string, unknown>) };
    delete data.verb;
    events.length = 0;
    const second = lastCard(await chat.post({ id: 'early-2', type: 'message', value: { ...data, verb: 'customer.list' } }));
    expect(textOf(second)).to.include('page 2 of 2');
    expect(names.filter((n) => textOf(second).includes(n))).to.deep.equal(names.slice(5));
    expect(beforeTheClaimAnswered()).to.include('customers page read');
    events.length = 0;
    const executed = await chat.execute('customer.list', data);
    expect(names.filter((n) => textOf(executed.card!).includes(n))).to.deep.equal(names.slice(5));
    expect(beforeTheClaimAnswered()).to.include('customers page read');
    expect(events.slice(events.indexOf('claim answered')).filter((e) => e === 'customers page read')).to.deep.equal([]);
  });

  it('reads a search early too, and a refusal comes from the same read: it names the role needed', async () => {
    const found = lastCard(await agent().say('customers early c'));
    expect(names.filter((n) => textOf(found).includes(n))).to.deep.equal(['Early C Srl']);
    // A colleague of the same tenant without a role: the early read is the refusal, word for word as before.
    const colleague = new Chat(app.baseUrl, { id: '29:early-colleague', name: 'Colleague', tenantId, aadObjectId: 'aad-early-colleague', channelId: 'msteams' });
    events.length = 0;
    const refused = textsOf(await colleague.post({ id: 'early-3', type: 'message', text: 'customers' })).join(' ');
    expect(refused).to.match(/Admin agent|Sales agent/);
    expect(refused).to.not.include('Early A Srl');
    expect(beforeTheClaimAnswered()).to.include('organizations read');
  });

  it('reads a provider\'s Indirect resellers early too: the provider and the page, in one round trip with the claim', async () => {
    const contoso = '11111111-1111-4111-8111-111111111111';
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', name: 'Approver', aadObjectId: 'provider-approver-contoso', tenantId: contoso, channelId: 'msteams' });
    await approver.say('help');
    events.length = 0;
    const card = lastCard(await approver.post({ id: 'early-6', type: 'message', text: 'resellers' }));
    expect(textOf(card)).to.include('Indirect resellers');
    expect(beforeTheClaimAnswered()).to.include.members(['providers read', 'provider-links page read']);
    expect(events.slice(events.indexOf('claim answered'))).to.not.include('provider-links page read');
  });

  it('reads the request and its provider while an Approve click is claimed; a second click changes nothing', async () => {
    const contoso = '11111111-1111-4111-8111-111111111111';
    const approver = new Chat(app.baseUrl, { id: 'provider-approver-contoso', name: 'Approver', aadObjectId: 'provider-approver-contoso', tenantId: contoso, channelId: 'msteams' });
    await agent().submit('provider.request', { providerTenantId: contoso });
    const request = lastCard(await approver.say('requests'));
    const approve = findAction(request, 'Approve');
    const data = { ...(approve?.data as Record<string, unknown>) };
    delete data.verb;
    events.length = 0;
    const decided = await approver.execute('provider.approve', data);
    expect(textOf(decided.card!)).to.include('Approved by');
    expect(beforeTheClaimAnswered()).to.include.members(['claim asked', 'provider-links read', 'providers read']);
    // The same click again: its early reads are dropped, and the decision is not made twice.
    const again = await approver.execute('provider.approve', data);
    expect(JSON.stringify(again.body)).to.not.include('something went wrong');
    const links = new CasRecordStore<{ history: unknown[] }>(app.assistant.storage.namespace('provider-links'));
    const link = await links.get(String(data.linkId));
    expect(link?.value.history.filter((h) => JSON.stringify(h).includes('approved'))).to.have.length(1);
  });

  it('reads nothing early for text that is not a list command, or for a user who is not proven', async () => {
    events.length = 0;
    expect(textsOf(await agent().post({ id: 'early-4', type: 'message', text: 'help' })).join(' ')).to.not.include('Early A Srl');
    expect(events).to.not.include('customers page read');
    // Web Chat without sign-in: no proven user, so nothing is read for the list; the turn says to sign in.
    events.length = 0;
    const anonymous = new Chat(app.baseUrl, { id: 'web-early' });
    expect(textsOf(await anonymous.post({ id: 'early-5', type: 'message', text: 'customers' })).join(' ')).to.include('could not tell who you are');
    expect(events).to.not.include('customers page read');
  });
});
