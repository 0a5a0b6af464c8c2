import { createHash } from 'node:crypto';
import { createClient } from '@keyv/redis';
import type { CasStore, StorageBackend } from './cas-store.js';

type Client = ReturnType<typeof createClient>;

/**
 * Compare-and-set in one Redis round trip: Redis runs a script to completion before any other
 * command, so this is atomic across every process sharing the server.
 * ARGV: expected-absent flag, expected value, delete flag, next value.
 */
const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
return 1`;
const CAS_SHA = createHash('sha1').update(CAS_SCRIPT).digest('hex');

/** Namespace names become part of the key prefix; a ':' in one could make two namespaces overlap. */
const NAMESPACE_NAME = /^[A-Za-z0-9_-]+$/;

/** Tuning for tests and the benchmark; the defaults suit the server. */
export interface RedisBackendOptions {
  /** A call without an answer within this time fails (a stalled server, a lost network), default 5000 ms. */
  commandTimeoutMs?: number;
  /** Connection attempts before `connect` gives up on an unreachable server, default 5 (about 1.5 s). */
  connectAttempts?: number;
}

/** Runs one Redis command for a caller, within the backend's time limit. */
type Call = <T>(work: Promise<T>, command: string) => Promise<T>;

/** A namespace in Redis: keys `csp:<namespace>:<key>`, values stored as given. */
class RedisCasStore implements CasStore {
  constructor(
    private readonly client: Client,
    private readonly prefix: string,
    private readonly call: Call,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.call(this.client.get(this.prefix + key), 'GET');
    return value ?? undefined;
  }

  async compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const options = {
      keys: [this.prefix + key],
      arguments: [expected === undefined ? '1' : '0', expected ?? '', next === undefined ? '1' : '0', next ?? ''],
    };
    let result: unknown;
    try {
      result = await this.call(this.client.evalSha(CAS_SHA, options), 'EVALSHA');
    } catch (error) {
      // The script cache is empty after a Redis restart or on a new server: send the script itself once.
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      result = await this.call(this.client.eval(CAS_SCRIPT, options), 'EVAL');
    }
    return Number(result) === 1;
  }

  async *entries(): AsyncIterable<[string, string]> {
    const match = `${escapeGlob(this.prefix)}*`;
    // SCAN may return a key more than once (while Redis resizes its table); list each once.
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const page = await this.call(this.client.scan(cursor, { MATCH: match, COUNT: 200 }), 'SCAN');
      cursor = String(page.cursor);
      const keys = page.keys.filter((key) => !seen.has(key));
      if (!keys.length) continue;
      for (const key of keys) seen.add(key);
      const values = await this.call(this.client.mGet(keys), 'MGET');
      for (let i = 0; i < keys.length; i++) {
        const value = values[i];
        // null: deleted between SCAN and MGET, so no longer an entry.
        if (typeof value === 'string') yield [keys[i].slice(this.prefix.length), value];
      }
    } while (cursor !== '0');
  }
}

/** Redis (`STORAGE_URL=redis://…`), the store that several instances behind a load balancer share. */
export class RedisBackend implements StorageBackend {
  // Reads and writes go through the node-redis client that @keyv/redis ships, not through a Keyv:
  // the compare-and-set script must write exactly what get() reads, and Keyv wraps every value in
  // an envelope of its own (a raw value read through Keyv comes back as undefined or as its
  // `value` field). A store failure is an error, never "no saved state": while the connection is
  // down commands fail at once (no offline queue), a command the server does not answer fails
  // after a time limit, and the client keeps reconnecting in the background.
  readonly kind = 'redis' as const;

  private lastError = '';
  private readonly stores = new Map<string, RedisCasStore>();
  /** Calls not settled yet: close() lets them finish (each within the time limit) before it disconnects. */
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(
    private readonly client: Client,
    private readonly timeoutMs: number,
  ) {
    // node-redis reports connection trouble as events (an unhandled 'error' event would end the
    // process); commands reject on their own meanwhile, and ping() reports the last one.
    client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
  }

  /** Connects, or rejects with the reason when Redis cannot be reached after a few attempts. */
  static async connect(url: string, options: RedisBackendOptions = {}): Promise<RedisBackend> {
    const attempts = options.connectAttempts ?? 5;
    let wasReady = false;
    // node-redis infers a narrower client type from these options than the one the backend keeps.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2000,
        // Before the first connection: give up after a few attempts so a wrong STORAGE_URL stops
        // the start. After it: never give up, so the instance recovers when Redis is back.
        reconnectStrategy: (retries: number, cause: Error) =>
          !wasReady && retries + 1 >= attempts
            ? new Error(`Redis at ${redisAddress(url)} cannot be reached: ${cause.message}`)
            : Math.min(50 * 2 ** retries, 2000),
      },
    }) as Client;
    client.once('ready', () => {
      wasReady = true;
    });
    const backend = new RedisBackend(client, options.commandTimeoutMs ?? 5000);
    await client.connect();
    return backend;
  }

  namespace(name: string): CasStore {
    if (!NAMESPACE_NAME.test(name)) throw new Error(`Storage namespace "${name}" must match ${NAMESPACE_NAME}`);
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new RedisCasStore(this.client, `csp:${name}:`, this.call)));
    return store;
  }

  async ping(): Promise<void> {
    if (!this.client.isReady) throw new Error(`Redis is not connected${this.lastError ? `: ${this.lastError}` : ''}`);
    await this.call(this.client.ping(), 'PING');
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    // Every call settles within the time limit, so this wait is bounded even when Redis stalls.
    await Promise.allSettled([...this.pending]);
    // Nothing is left to wait for: a graceful QUIT would wait forever on a stalled server.
    this.client.destroy();
  }

  private readonly call: Call = (work, command) => {
    const settled = deadline(work, this.timeoutMs, command);
    const tracked: Promise<unknown> = settled.then(
      () => this.pending.delete(tracked),
      () => this.pending.delete(tracked),
    );
    this.pending.add(tracked);
    return settled;
  };
}

/**
 * node-redis times a command out only until it is written; a server that stops answering (stalled,
 * or a network that drops packets) would leave the caller waiting forever. A reply that comes
 * later still lands in its place in the connection's queue and is ignored.
 */
function deadline<T>(work: Promise<T>, ms: number, command: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer ${command} within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** host:port of a Redis URL, without the password it may carry. */
function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch (error) {
    return `an unparsable URL (${(error as Error).message})`;
  }
}
