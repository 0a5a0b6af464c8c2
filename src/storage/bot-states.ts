import type { Storage, StoreItems, TurnContext } from 'botbuilder';
import { BotState, PrivateConversationState, UserState } from '../botbuilder.js';

/** A state object as this turn read it, with its JSON then (empty after `clear`: always saved). */
type Cached = { state: StoreItems; json: string };

/**
 * botbuilder's state with a cheaper change check. The SDK's `BotState` hashes the state when it
 * loads it and again when it saves it (SHA-256 of a stringify with a replacer callback for every
 * value): four hashes a turn for the user's and the conversation's state, about 3 % of a turn's
 * CPU. Here the state's JSON is kept at load and compared at save. Everything else is the SDK's:
 * the same storage keys (the SDK class's own `getStorageKey`), the same accessors, the same
 * write (eTag `"*"`: the last write wins), the same errors for an activity without the ids a key
 * needs. The states hold plain JSON (what storage gives back), so JSON is a faithful comparison.
 */
export class JsonComparedState extends BotState {
  private readonly cacheKey = Symbol('state');

  constructor(storage: Storage, keyOf: (context: TurnContext) => string | undefined) {
    super(storage, (context) => {
      const key = keyOf(context);
      return key ? Promise.resolve(key) : Promise.reject(new Error('The activity lacks the ids its state is stored under.'));
    });
  }

  override load(context: TurnContext, force = false): Promise<StoreItems> {
    const cached = context.turnState.get<Cached | undefined>(this.cacheKey);
    if (!force && cached?.state) return Promise.resolve(cached.state);
    return Promise.resolve(this.storageKey(context)).then(async (key) => {
      const items = await this.storage.read([key]);
      const state: StoreItems = items[key] ?? {};
      context.turnState.set(this.cacheKey, { state, json: JSON.stringify(state) } satisfies Cached);
      return state;
    });
  }

  override saveChanges(context: TurnContext, force = false): Promise<void> {
    const cached = context.turnState.get<Cached | undefined>(this.cacheKey);
    if (!force && (!cached || cached.json === JSON.stringify(cached.state))) return Promise.resolve();
    return Promise.resolve(this.storageKey(context)).then(async (key) => {
      const saved: Cached = cached ?? { state: {}, json: '' };
      saved.state.eTag = '*';
      await this.storage.write({ [key]: saved.state });
      saved.json = JSON.stringify(saved.state);
      context.turnState.set(this.cacheKey, saved);
    });
  }

  override clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.cacheKey, { state: {}, json: '' } satisfies Cached);
    return Promise.resolve();
  }

  override delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    return Promise.resolve(this.storageKey(context)).then((key) => this.storage.delete([key]));
  }

  override get(context: TurnContext): StoreItems | undefined {
    const cached = context.turnState.get<Cached | undefined>(this.cacheKey);
    return typeof cached === 'object' && typeof cached.state === 'object' ? cached.state : undefined;
  }
}

/** The user's state in each conversation (PrivateConversationState's keys), with the cheaper change check. */
export function privateConversationStateIn(storage: Storage): JsonComparedState {
  const keys = new PrivateConversationState(storage);
  return new JsonComparedState(storage, (context) => keys.getStorageKey(context));
}

/** The user's state across conversations (UserState's keys), with the cheaper change check. */
export function userStateIn(storage: Storage): JsonComparedState {
  const keys = new UserState(storage);
  return new JsonComparedState(storage, (context) => keys.getStorageKey(context));
}
