import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as RateLimiters from 'rate-limiter-flexible';
import type { Broadcast, ConversationLog, LoggedActivity, RateDecision, RateLimits, StoredConversation } from '../app/shared-state.port.js';
import { overwrite, PeriodicSweep, type CasStore, type StorageBackend } from './cas-store.js';
import { KeyedMutex } from './keyed-mutex.js';

/**
 * The two classes of rate-limiter-flexible a single instance uses, loaded on their own: the
 * package's main module loads every store it supports (Mongo, MySQL, Postgres, DynamoDB, Etcd…),
 * 36 modules and 25 ms of every start. Redis's limiter comes with the package, only when Redis
 * is configured (redis-shared-state.ts); the classes are the same objects either way.
 */
const load = createRequire(import.meta.url);
const RateLimiterMemory = load('rate-limiter-flexible/lib/RateLimiterMemory.js') as typeof RateLimiters.RateLimiterMemory;
const RateLimiterRes = load('rate-limiter-flexible/lib/RateLimiterRes.js') as typeof RateLimiters.RateLimiterRes;
type RateLimiterMemory = RateLimiters.RateLimiterMemory;
type RateLimiterRedis = RateLimiters.RateLimiterRedis;

/** A Direct Line conversation is kept this long after its last activity (its tokens can be refreshed meanwhile). */
export const CONVERSATION_TTL_MS = 24 * 3600_000;
/** Activities kept per conversation; older ones are dropped (a client that far behind starts from the oldest kept). */
export const KEEP_ACTIVITIES = 1000;
/** Time between sweeps of expired conversations in SQLite and memory: a sweep reads the whole namespace. */
const SWEEP_EVERY_MS = 3600_000;

/** The shared state of an instance, and how to let go of its connections. */
export interface SharedState {
  readonly conversations: ConversationLog;
  readonly broadcast: Broadcast;
  readonly rateLimits: RateLimits;
  close(): Promise<void>;
}

/**
 * Redis for `redis://` storage (several instances share it); otherwise the conversations live in
 * the backend (SQLite or memory, with their expiry in the values) and pub/sub and rate limits in
 * this process, which is all a single instance needs.
 */
export async function openSharedState(url: string, backend: StorageBackend, now: () => number = Date.now): Promise<SharedState> {
  if (backend.kind === 'redis' && /^rediss?:\/\//.test(url)) {
    const { connectRedisSharedState } = await import('./redis-shared-state.js');
    return connectRedisSharedState(url);
  }
  // One count per name in this process, however many times a limit is asked for.
  const limiters = new Map<string, RateLimiterMemory>();
  return {
    conversations: new CasConversationLog(backend.namespace('directline'), now),
    broadcast: new LocalBroadcast(),
    rateLimits: (name, rate) => {
      let limiter = limiters.get(name);
      if (!limiter) limiters.set(name, (limiter = new RateLimiterMemory({ points: rate.burst, duration: windowSeconds(rate) })));
      const counted = limiter;
      return { consume: (key) => consume(counted, key) };
    },
    close: async () => undefined,
  };
}

type Meta = StoredConversation & { readonly count: number; readonly until: number };

/**
 * Direct Line conversations on a compare-and-set store: `m:<id>` holds the owner, the count of
 * activities and the expiry; `a:<id>:<watermark>` each activity; `c:<id>:<digest>` the activity id
 * of a client's activity id. Expired conversations count as absent and a periodic sweep removes them.
 */
export class CasConversationLog implements ConversationLog {
  private readonly mutex = new KeyedMutex();
  private readonly sweeper: PeriodicSweep;

  constructor(
    private readonly store: CasStore,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = new PeriodicSweep(() => this.sweep(), SWEEP_EVERY_MS, now);
  }

  async start(conversationId: string, conversation: StoredConversation): Promise<boolean> {
    this.sweeper.due();
    return this.mutex.run(conversationId, async () => {
      const key = `m:${conversationId}`;
      const raw = await this.store.get(key);
      if (live(raw, this.now())) return false;
      // An expired conversation not swept yet: numbering goes on, so its leftover activities are never mistaken for new ones.
      const count = countOf(raw);
      const meta: Meta = { userId: conversation.userId, userName: conversation.userName, count, until: this.now() + CONVERSATION_TTL_MS };
      return this.store.compareAndSet(key, raw, JSON.stringify(meta));
    });
  }

  async find(conversationId: string): Promise<StoredConversation | undefined> {
    const meta = live(await this.store.get(`m:${conversationId}`), this.now());
    return meta ? { userId: meta.userId, userName: meta.userName } : undefined;
  }

  append(conversationId: string, json: string): Promise<number> {
    return this.mutex.run(conversationId, async () => {
      const key = `m:${conversationId}`;
      for (let attempt = 0; attempt < 8; attempt++) {
        const raw = await this.store.get(key);
        const meta = live(raw, this.now());
        if (!meta) throw new Error(`Unknown Direct Line conversation ${conversationId}`);
        const watermark = meta.count + 1;
        if (!(await this.store.compareAndSet(key, raw, JSON.stringify({ ...meta, count: watermark, until: this.now() + CONVERSATION_TTL_MS } satisfies Meta)))) continue;
        await overwrite(this.store, `a:${conversationId}:${watermark}`, json);
        if (watermark > KEEP_ACTIVITIES) await overwrite(this.store, `a:${conversationId}:${watermark - KEEP_ACTIVITIES}`, undefined);
        return watermark;
      }
      throw new Error(`Direct Line conversation ${conversationId} kept changing under 8 attempts to append to it`);
    });
  }

  async after(conversationId: string, after: number): Promise<LoggedActivity[]> {
    const meta = live(await this.store.get(`m:${conversationId}`), this.now());
    if (!meta) return [];
    const found: LoggedActivity[] = [];
    for (let watermark = Math.max(after + 1, meta.count - KEEP_ACTIVITIES + 1); watermark <= meta.count; watermark++) {
      const json = await this.store.get(`a:${conversationId}:${watermark}`);
      // Counted but not written yet (another process is appending it): what follows comes next time.
      if (json === undefined) break;
      found.push({ watermark, json });
    }
    return found;
  }

  async clientActivity(conversationId: string, clientActivityId: string): Promise<string | undefined> {
    return this.store.get(clientKey(conversationId, clientActivityId));
  }

  async rememberClientActivity(conversationId: string, clientActivityId: string, activityId: string): Promise<void> {
    await overwrite(this.store, clientKey(conversationId, clientActivityId), activityId);
  }

  /** Removes expired conversations with their activities; resolves when done. */
  async sweep(): Promise<void> {
    const now = this.now();
    const alive = new Map<string, boolean>();
    const isAlive = async (conversationId: string) => {
      let known = alive.get(conversationId);
      if (known === undefined) alive.set(conversationId, (known = !!live(await this.store.get(`m:${conversationId}`), now)));
      return known;
    };
    for await (const [key, raw] of this.store.entries()) {
      const kind = key.slice(0, 2);
      const conversationId = kind === 'm:' ? key.slice(2) : key.slice(2, key.lastIndexOf(':'));
      if (!(await isAlive(conversationId))) await this.store.compareAndSet(key, raw, undefined);
    }
  }


}

/** Pub/sub inside one process: enough when one instance holds every stream. */
export class LocalBroadcast implements Broadcast {
  private readonly topics = new Map<string, Set<(message: string) => void>>();

  async publish(topic: string, message: string): Promise<void> {
    for (const handler of [...(this.topics.get(topic) ?? [])]) handler(message);
  }

  async listen(topic: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    const own = (message: string) => handler(message);
    let handlers = this.topics.get(topic);
    if (!handlers) this.topics.set(topic, (handlers = new Set()));
    handlers.add(own);
    return async () => {
      handlers.delete(own);
      if (!handlers.size && this.topics.get(topic) === handlers) this.topics.delete(topic);
    };
  }
}

/** A stored conversation's owner, or undefined for anything else. */
export function parseConversation(raw: string | null | undefined): StoredConversation | undefined {
  if (raw === null || raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredConversation>;
    return typeof parsed?.userId === 'string' && typeof parsed.userName === 'string' ? { userId: parsed.userId, userName: parsed.userName } : undefined;
  } catch {
    return undefined;
  }
}

/** The window of a limit of `burst` requests refilled at `perSecond`: burst / perSecond seconds, at least one. */
export function windowSeconds(rate: { readonly perSecond: number; readonly burst: number }): number {
  return Math.max(1, Math.ceil(rate.burst / rate.perSecond));
}

/** One request against a rate-limiter-flexible limiter, which rejects with a RateLimiterRes when the limit is reached. */
export async function consume(limiter: RateLimiterMemory | RateLimiterRedis, key: string): Promise<RateDecision> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterMs: refusal.msBeforeNext };
    throw refusal;
  }
}

/** The meta of a conversation that has not expired. */
function live(raw: string | undefined, now: number): Meta | undefined {
  if (raw === undefined) return undefined;
  try {
    const meta = JSON.parse(raw) as Meta;
    return typeof meta?.until === 'number' && typeof meta.count === 'number' && meta.until > now ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** The count of activities an expired conversation's meta recorded (0 for anything else). */
function countOf(raw: string | undefined): number {
  try {
    const count = raw === undefined ? 0 : (JSON.parse(raw) as Partial<Meta>).count;
    return typeof count === 'number' && Number.isSafeInteger(count) && count > 0 ? count : 0;
  } catch {
    return 0;
  }
}

function clientKey(conversationId: string, clientActivityId: string): string {
  return `c:${conversationId}:${createHash('sha256').update(clientActivityId).digest('base64url')}`;
}
