import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { expect } from 'chai';
import { ContactBook, type Contact } from '../../src/bot/contact-book.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';

/** A record store that counts its writes. */
class CountingStore extends CasRecordStore<Contact> {
  writes = 0;
  override async compareAndSet(id: string, expectedVersion: number, value: Contact) {
    this.writes++;
    return super.compareAndSet(id, expectedVersion, value);
  }
}

const contextOf = (userId: string) =>
  new TurnContext(new TestAdapter(), {
    type: 'message',
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:3978/',
    from: { id: userId, name: userId },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: `conv-${userId}` } as Activity['conversation'],
  });

describe('The contact book in memory', () => {
  it('writes a contact only when it changed, remembering a bounded number of users', async () => {
    const store = new CountingStore(KeyvBackend.memory().namespace('contacts'));
    const contacts = new ContactBook(store, 2);
    await contacts.remember('a', contextOf('a'), 'en');
    await contacts.remember('a', contextOf('a'), 'en');
    expect(store.writes).to.equal(1);
    await contacts.remember('a', contextOf('a'), 'it');
    expect(store.writes).to.equal(2);
    // Two more users push the least recently seen one out: it is written again, nothing is lost.
    await contacts.remember('b', contextOf('b'), 'en');
    await contacts.remember('c', contextOf('c'), 'en');
    await contacts.remember('a', contextOf('a'), 'it');
    expect(store.writes).to.equal(5);
    expect((await contacts.find('a'))?.locale).to.equal('it');
    expect(await contacts.channelIds(['a', 'b', 'c', 'nobody'])).to.deep.equal(['a', 'b', 'c']);
  });
});

describe('The contact book\'s channel ids', () => {
  it('answers from memory for users it wrote, from the store for the others', async () => {
    const backend = KeyvBackend.memory();
    const writer = new ContactBook(new CountingStore(backend.namespace('contacts')));
    await writer.remember('a', contextOf('a'), 'en');
    // Another process (or one that forgot): it reads the store.
    const reader = new CountingStore(backend.namespace('contacts'));
    let reads = 0;
    const get = reader.get.bind(reader);
    reader.get = (id) => {
      reads++;
      return get(id);
    };
    const other = new ContactBook(reader);
    expect(await other.channelIds(['a', 'nobody'])).to.deep.equal(['a']);
    expect(reads).to.equal(2);
    await other.remember('a', contextOf('a'), 'en');
    reads = 0;
    expect(await other.channelIds(['a'])).to.deep.equal(['a']);
    expect(reads).to.equal(0);
  });
});
