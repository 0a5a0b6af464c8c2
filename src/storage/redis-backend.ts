import { createHash } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { PassBatches } from '../pass-batches.js';
import type { CasStore, EntriesOf, IndexedCasStore, IndexedStorageBackend, IndexHit, IndexRef, IndexScan } from './cas-store.js';
import { cleanSort, entryChanges, safeEntries, SEP, split } from './index-support.js';

/** The node-redis client @keyv/redis ships. */
export type Client = ReturnType<typeof createClient>;

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

/**
 * The same compare-and-set, and when it wins, the record's index entries change in the same
 * script: KEYS[2..] are the sorted sets of the entries to remove (ARGV[5] of them) and then of
 * those to add, ARGV[6..] their members (`sort \0 id`, all at score 0, ordered by ZRANGE BYLEX).
 */
const INDEXED_CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
local removes = tonumber(ARGV[5])
for i = 2, #KEYS do
  if i - 1 <= removes then redis.call('ZREM', KEYS[i], ARGV[4 + i]) else redis.call('ZADD', KEYS[i], 0, ARGV[4 + i]) end
end
return 1`;
const INDEXED_CAS_SHA = createHash('sha1').update(INDEXED_CAS_SCRIPT).digest('hex');

/** Backfill of one record: its entries are added only when it still holds the value they were computed from. */
const BACKFILL_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[i]) end
return 1`;
const BACKFILL_SHA = createHash('sha1').update(BACKFILL_SCRIPT).digest('hex');

/**
 * A page of an index with its records, in one round trip: the members of the sorted set KEYS[1]
 * from ARGV[1] to ARGV[2] by ZRANGE BYLEX (ARGV[3] = '1': backwards), at most ARGV[4] of them, each
 * followed by its record, the key ARGV[5] .. id (the id follows the separator in the member), or
 * false when the record is gone. It reads keys it computes, as the MGET it replaces did: one Redis
 * server, not a Cluster.
 */
const SCAN_SCRIPT = `
local members
if ARGV[3] == '1' then
  members = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYLEX', 'REV', 'LIMIT', 0, ARGV[4])
else
  members = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYLEX', 'LIMIT', 0, ARGV[4])
end
local out = {}
for i = 1, #members do
  local member = members[i]
  local at = string.find(member, '\\0', 1, true)
  out[2 * i - 1] = member
  if at then out[2 * i] = redis.call('GET', ARGV[5] .. string.sub(member, at + 1)) else out[2 * i] = false end
end
return out`;
const SCAN_SHA = createHash('sha1').update(SCAN_SCRIPT).digest('hex');

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
    protected readonly client: Client,
    protected readonly prefix: string,
    protected readonly call: Call,
  ) {}

  /**
   * Runs a script by its digest, sending the script itself when the server's cache does not have it
   * (a restart, a new server). The hot commands (this, GET and SET NX) go out as raw arguments
   * through sendCommand: node-redis's typed commands build a parser and run an async wrapper with a
   * reply transform per command, work the replies here do not need.
   */
  protected async script(source: string, sha: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const count = String(keys.length);
    try {
      return await this.call(this.client.sendCommand(['EVALSHA', sha, count, ...keys, ...args]), 'EVALSHA');
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return this.call(this.client.sendCommand(['EVAL', source, count, ...keys, ...args]), 'EVAL');
    }
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.call(this.client.sendCommand(['GET', this.prefix + key]), 'GET');
    return typeof value === 'string' ? value : undefined;
  }

  async compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    // Set where absent (a once-only claim, a new record) is Redis's own SET NX: no script to run.
    if (expected === undefined && next !== undefined) {
      const reply: unknown = await this.call(this.client.sendCommand(['SET', this.prefix + key, next, 'NX']), 'SET');
      return reply === 'OK';
    }
    const args = [expected === undefined ? '1' : '0', expected ?? '', next === undefined ? '1' : '0', next ?? ''];
    return Number(await this.script(CAS_SCRIPT, CAS_SHA, [this.prefix + key], args)) === 1;
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

/**
 * A Redis namespace with secondary indexes: one sorted set per index and key,
 * `csi:<namespace>:<index>:<key>`, whose members `sort \0 id` all have score 0, so ZRANGE BYLEX
 * reads them in (sort, id) order; changed by the same script that writes the record.
 */
class RedisIndexedStore extends RedisCasStore implements IndexedCasStore {
  constructor(
    client: Client,
    prefix: string,
    call: Call,
    private readonly indexPrefix: string,
    private readonly entriesOf: EntriesOf,
  ) {
    super(client, prefix, call);
  }

  override compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const { remove, add } = entryChanges(this.entriesOf, expected, next);
    return this.compareAndSetIndexed(key, expected, next, remove, add);
  }

  private async compareAndSetIndexed(key: string, expected: string | undefined, next: string | undefined, remove: readonly IndexRef[], add: readonly IndexRef[]): Promise<boolean> {
    const entries = [...remove, ...add];
    const keys = [this.prefix + key, ...entries.map((r) => this.setOf(r.index, r.key))];
    const args = [expected === undefined ? '1' : '0', expected ?? '', next === undefined ? '1' : '0', next ?? '', String(remove.length), ...entries.map((r) => member(r.sort, key))];
    return Number(await this.script(INDEXED_CAS_SCRIPT, INDEXED_CAS_SHA, keys, args)) === 1;
  }

  async scan(q: IndexScan): Promise<IndexHit[]> {
    const prefix = q.prefix ? cleanSort(q.prefix) : '';
    // Lexicographic bounds: '(' excludes, '[' includes, '-' and '+' are the ends; the byte 0xff is past any UTF-8 text.
    const low: string | Buffer = q.from && !q.descending ? `(${member(q.from[0], q.from[1])}` : prefix ? `[${prefix}` : '-';
    const high: string | Buffer = q.from && q.descending ? `(${member(q.from[0], q.from[1])}` : prefix ? Buffer.concat([Buffer.from(`[${prefix}`), Buffer.from([0xff])]) : '+';
    const set = this.setOf(q.index, q.key);
    const bounds = q.descending ? [high, low] : [low, high];
    const args: (string | Buffer)[] = [set, ...bounds, q.descending ? '1' : '0', String(q.limit), this.prefix];
    let reply: unknown;
    try {
      reply = await this.call(this.client.sendCommand(['EVALSHA', SCAN_SHA, '1', ...args]), 'EVALSHA');
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      reply = await this.call(this.client.sendCommand(['EVAL', SCAN_SCRIPT, '1', ...args]), 'EVAL');
    }
    const pairs = reply as (string | null)[];
    const hits: IndexHit[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const entry = split(String(pairs[i]));
      // With `from` and a prefix, the bound on the other side is the prefix's: drop what lies outside it.
      if (entry.sort.startsWith(prefix)) hits.push({ ...entry, raw: pairs[i + 1] ?? undefined });
    }
    return hits;
  }

  async count(index: string, key: string, prefix?: string): Promise<number> {
    const set = this.setOf(index, key);
    if (!prefix) return Number(await this.call(this.client.sendCommand(['ZCARD', set]), 'ZCARD'));
    const clean = cleanSort(prefix);
    const members = (await this.call(
      this.client.sendCommand(['ZRANGE', set, `[${clean}`, Buffer.concat([Buffer.from(`[${clean}`), Buffer.from([0xff])]), 'BYLEX']),
      'ZRANGE',
    )) as unknown as string[];
    return new Set(members.map((m) => split(String(m)).id)).size;
  }

  async backfill(): Promise<void> {
    const batch: Promise<unknown>[] = [];
    for await (const [key, raw] of this.entries()) {
      const add = safeEntries(this.entriesOf, raw);
      if (!add.length) continue;
      batch.push(this.script(BACKFILL_SCRIPT, BACKFILL_SHA, [this.prefix + key, ...add.map((r) => this.setOf(r.index, r.key))], [raw, ...add.map((r) => member(r.sort, key))]));
      if (batch.length >= 200) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
  }

  async insertMany(records: readonly { readonly key: string; readonly value: string }[]): Promise<void> {
    for (let at = 0; at < records.length; at += 500) {
      await Promise.all(records.slice(at, at + 500).map((r) => this.compareAndSet(r.key, undefined, r.value)));
    }
  }

  private setOf(index: string, key: string): string {
    return `${this.indexPrefix}${index}:${key}`;
  }
}

/** A sorted-set member: the sort key (without the separator) and the record id. */
function member(sort: string, id: string): string {
  return `${cleanSort(sort)}${SEP}${id}`;
}

/** Redis (`STORAGE_URL=redis://…`), the store that several instances behind a load balancer share. */
export class RedisBackend implements IndexedStorageBackend {
  // Reads and writes go through the node-redis client that @keyv/redis ships, not through a Keyv:
  // the compare-and-set script must write exactly what get() reads, and Keyv wraps every value in
  // an envelope of its own (a raw value read through Keyv comes back as undefined or as its
  // `value` field). A store failure is an error, never "no saved state": while the connection is
  // down commands fail at once (no offline queue), a command the server does not answer fails
  // after a time limit, and the client keeps reconnecting in the background.
  readonly kind = 'redis' as const;

  private lastError = '';
  private readonly stores = new Map<string, RedisCasStore>();
  private readonly indexed = new Map<string, RedisIndexedStore>();
  /** Calls not answered yet, each with its deadline: close() lets them finish (each within the time limit) before it disconnects. */
  private readonly inFlight = new Set<InFlight>();
  /** Replies read in one pass of the event loop, let go together at its end. */
  private readonly replies = new PassBatches();
  /** One timer for all calls' deadlines (a timer per command costs more than the command's own work). */
  private sweeper?: NodeJS.Timeout;
  /** Called when the last call in flight settles while close() waits for it. */
  private drained?: () => void;
  /** Requests and replies announced to sendWithThisPass in this pass of the event loop. */
  private announced = 0;

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
    const client = createRedisClient(url, attempts);
    const backend = new RedisBackend(client, options.commandTimeoutMs ?? 5000);
    await client.connect();
    return backend;
  }

  namespace(name: string): CasStore {
    if (!NAMESPACE_NAME.test(name)) throw new Error(`Storage namespace "${name}" must match ${NAMESPACE_NAME}`);
    const indexed = this.indexed.get(name);
    if (indexed) return indexed;
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new RedisCasStore(this.client, `csp:${name}:`, this.call)));
    return store;
  }

  /** A namespace whose records have secondary indexes (sorted sets under `csi:<namespace>:`). */
  indexedNamespace(name: string, entriesOf: EntriesOf): IndexedCasStore {
    if (!NAMESPACE_NAME.test(name)) throw new Error(`Storage namespace "${name}" must match ${NAMESPACE_NAME}`);
    let store = this.indexed.get(name);
    if (!store) this.indexed.set(name, (store = new RedisIndexedStore(this.client, `csp:${name}:`, this.call, `csi:${name}:`, entriesOf)));
    return store;
  }

  async ping(): Promise<void> {
    if (!this.client.isReady) throw new Error(`Redis is not connected${this.lastError ? `: ${this.lastError}` : ''}`);
    await this.call(this.client.ping(), 'PING');
  }

  /**
   * Makes node-redis write, at the end of this pass of the event loop, the commands of the work let
   * go together then (pass-batches.ts): the turns of the requests read in this pass, and what goes
   * on after the replies read in it. node-redis writes the commands asked in a pass at once, from a
   * setImmediate of its own that the first of them schedules. When that first command comes from
   * work let go in the check phase, its setImmediate runs in the next pass, after that pass has read
   * and parsed the next requests and replies, and every turn waits a pass longer for its round trip:
   * longer in flight, its objects survive more young-generation collections. Called during the poll
   * phase, after the caller's batch is queued: one PING puts node-redis's write behind that batch,
   * in this pass. It goes with the second request or reply of a pass: a lone one (an idle server)
   * has no other work in its pass to wait behind, and node-redis's next pass comes at once.
   */
  sendWithThisPass(): void {
    if (++this.announced === 1) setImmediate(() => (this.announced = 0));
    if (this.announced !== 2 || !this.client.isReady) return;
    this.client.sendCommand(['PING']).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    // Every call settles within the time limit, so this wait is bounded even when Redis stalls.
    while (this.inFlight.size) await new Promise<void>((resolve) => (this.drained = resolve));
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    // Nothing is left to wait for: a graceful QUIT would wait forever on a stalled server.
    this.client.destroy();
  }

  /**
   * Runs a command within the time limit. node-redis times a command out only until it is
   * written; a server that stops answering (stalled, or a network that drops packets) would leave
   * the caller waiting forever. A reply that comes later still lands in its place in the
   * connection's queue and is ignored.
   */
  private readonly call: Call = <T>(work: Promise<T>, command: string) =>
    new Promise<T>((resolve, reject) => {
      const flight: InFlight = { until: Date.now() + this.timeoutMs, command, reject };
      this.inFlight.add(flight);
      this.sweeper ??= setInterval(() => this.sweep(), Math.max(10, Math.min(250, this.timeoutMs / 5))).unref();
      work.then(
        // The replies read in one pass go on together at its end (pass-batches.ts); a failure at once.
        (value) => {
          if (!this.land(flight)) return;
          this.replies.later(() => resolve(value));
          this.sendWithThisPass();
        },
        (error: unknown) => this.land(flight) && reject(error as Error),
      );
    });

  /** Whether the call was still waiting (not already failed by its deadline); it waits no more. */
  private land(flight: InFlight): boolean {
    if (!this.inFlight.delete(flight)) return false;
    if (!this.inFlight.size) this.drained?.();
    return true;
  }

  /** Fails the calls past their deadline (checked a few times per time limit). */
  private sweep(): void {
    const now = Date.now();
    for (const flight of this.inFlight) {
      if (flight.until > now) continue;
      this.land(flight);
      flight.reject(new Error(`Redis did not answer ${flight.command} within ${this.timeoutMs} ms`));
    }
  }
}

/** A command sent and not answered yet: when it must have been answered by, and how to fail it. */
interface InFlight {
  readonly until: number;
  readonly command: string;
  readonly reject: (error: Error) => void;
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

/**
 * A node-redis client (not yet connected) that, before its first connection, gives up after
 * `attempts` tries so a wrong STORAGE_URL stops the start, and after it never gives up, so the
 * instance recovers when Redis is back.
 */
export function createRedisClient(url: string, attempts: number): Client {
  let wasReady = false;
  // node-redis infers a narrower client type from these options than the one kept here.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number, cause: Error) =>
        !wasReady && retries + 1 >= attempts ? new Error(`Redis at ${redisAddress(url)} cannot be reached: ${cause.message}`) : Math.min(50 * 2 ** retries, 2000),
    },
  }) as Client;
  client.once('ready', () => {
    wasReady = true;
  });
  return client;
}
