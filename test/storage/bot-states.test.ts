import { expect } from 'chai';
import { MemoryStorage, PrivateConversationState, TestAdapter, TurnContext, UserState, type Storage, type StoreItems } from 'botbuilder';
import { CasBotStorage } from '../../src/storage/bot-storage.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { privateConversationStateIn, userStateIn } from '../../src/storage/bot-states.js';

/** Storage that counts what is asked of it. */
class Counted implements Storage {
  reads = 0;
  writes: StoreItems[] = [];
  constructor(private readonly inner: Storage) {}
  read(keys: string[]): Promise<StoreItems> {
    this.reads++;
    return this.inner.read(keys);
  }
  write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.parse(JSON.stringify(changes)) as StoreItems);
    return this.inner.write(changes);
  }
  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

const adapter = new TestAdapter();
const turn = (overrides: Record<string, unknown> = {}) =>
  new TurnContext(adapter, { type: 'message', channelId: 'msteams', conversation: { id: 'conversation-1' }, from: { id: 'user-1' }, recipient: { id: 'bot' }, text: 'hi', ...overrides } as never);

describe('Bot state with the cheaper change check', () => {
  it('writes a state only when the turn changed it, and each state once', async () => {
    const storage = new Counted(new CasBotStorage(KeyvBackend.memory().namespace('botstate')));
    const conversation = privateConversationStateIn(storage);
    const session = conversation.createProperty<{ step?: string }>('session');

    const first = turn();
    await conversation.load(first);
    (await session.get(first, {})).step = 'code';
    await conversation.saveChanges(first);
    await conversation.saveChanges(first);
    expect(storage.writes).to.have.length(1);

    const second = turn();
    expect(await session.get(second)).to.deep.equal({ step: 'code' });
    await conversation.saveChanges(second);
    expect(storage.writes, 'read and left alone: nothing written').to.have.length(1);

    const third = turn();
    (await session.get(third))!.step = 'reason';
    await conversation.saveChanges(third);
    expect(storage.writes).to.have.length(2);
    expect(await session.get(turn())).to.deep.equal({ step: 'reason' });
  });

  it('stores under the SDK classes\' own keys: state written by one is read by the other', async () => {
    const storage = new MemoryStorage();
    const ours = { conversation: privateConversationStateIn(storage), user: userStateIn(storage) };
    const sdk = { conversation: new PrivateConversationState(storage), user: new UserState(storage) };

    const a = turn();
    await ours.conversation.createProperty('session').set(a, { step: 'ours' });
    await ours.user.createProperty('preferences').set(a, { locale: 'it' });
    await Promise.all([ours.conversation.saveChanges(a), ours.user.saveChanges(a)]);
    const b = turn();
    expect(await sdk.conversation.createProperty('session').get(b)).to.deep.equal({ step: 'ours' });
    expect(await sdk.user.createProperty('preferences').get(b)).to.deep.equal({ locale: 'it' });

    await sdk.conversation.createProperty('session').set(b, { step: 'sdk' });
    await sdk.conversation.saveChanges(b);
    expect(await ours.conversation.createProperty('session').get(turn())).to.deep.equal({ step: 'sdk' });
    // Another user in the same conversation has a state of their own; the user state follows the user across conversations.
    expect(await ours.conversation.createProperty('session').get(turn({ from: { id: 'user-2' } }))).to.equal(undefined);
    expect(await ours.user.createProperty('preferences').get(turn({ conversation: { id: 'conversation-2' } }))).to.deep.equal({ locale: 'it' });
  });

  it('clears, deletes and forces as the SDK does', async () => {
    const storage = new Counted(new MemoryStorage());
    const user = userStateIn(storage);
    const preferences = user.createProperty<{ locale?: string }>('preferences');

    const a = turn();
    await preferences.set(a, { locale: 'it' });
    await user.saveChanges(a);
    const b = turn();
    await user.load(b);
    await user.clear(b);
    expect(user.get(b)).to.deep.equal({});
    await user.saveChanges(b);
    expect(storage.writes).to.have.length(2);
    expect(await preferences.get(turn())).to.equal(undefined);

    const c = turn();
    await user.load(c);
    await user.saveChanges(c, true);
    expect(storage.writes, 'forced: written though unchanged').to.have.length(3);

    const reads = storage.reads;
    await user.load(c);
    expect(storage.reads, 'loaded once per turn').to.equal(reads);
    await user.load(c, true);
    expect(storage.reads, 'forced: read again').to.equal(reads + 1);

    await preferences.set(c, { locale: 'en' });
    await user.saveChanges(c);
    await user.delete(c);
    expect(user.get(c)).to.equal(undefined);
    expect(await preferences.get(turn())).to.equal(undefined);
  });

  it('refuses an activity without the ids its state is stored under, as the SDK does', async () => {
    const state = privateConversationStateIn(new MemoryStorage());
    let failure: unknown;
    try {
      await state.load(turn({ conversation: undefined }));
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain('missing activity.conversation.id');
  });
});
