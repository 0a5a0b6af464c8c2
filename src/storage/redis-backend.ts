import { createClient } from '@keyv/redis';
import type { CasStore, StorageBackend } from './cas-store.js';

type Client = ReturnType<typeof createClient>;

/**
 * Compare-and-set in one Redis round trip: atomic across every process sharing the server.
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

/** A namespace in Redis: keys `csp:<namespace>:<key>`, values as given. */
class RedisCasStore implements CasStore {
  constructor(
    private readonly client: Client,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.client.get(this.prefix + key);
    return value ?? undefined;
  }

  async compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const result = await this.client.eval(CAS_SCRIPT, {
      keys: [this.prefix + key],
      arguments: [expected === undefined ? '1' : '0', expected ?? '', next === undefined ? '1' : '0', next ?? ''],
    });
    return Number(result) === 1;
  }

  async *entries(): AsyncIterable<[string, string]> {
    for await (const batch of this.client.scanIterator({ MATCH: `${escapeGlob(this.prefix)}*`, COUNT: 200 })) {
      const keys = (Array.isArray(batch) ? batch : [batch]) as string[];
      if (!keys.length) continue;
      const values = await this.client.mGet(keys);
      for (let i = 0; i < keys.length; i++) {
        const value = values[i];
        if (typeof value === 'string') yield [keys[i].slice(this.prefix.length), value];
      }
    }
  }
}

/**
 * Redis (`STORAGE_URL=redis://…`), what several instances behind a load balancer share. Uses
 * the node-redis client that @keyv/redis ships; commands fail at once while the connection is
 * down (no offline queue), so a store failure is an error, never "no saved state".
 */
export class RedisBackend implements StorageBackend {
  readonly kind = 'redis' as const;

  private lastError = '';

  private constructor(private readonly client: Client) {
    // node-redis reports connection trouble as events; commands reject on their own meanwhile.
    client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
  }

  /** Connects, or rejects with the reason when Redis cannot be reached. */
  static async connect(url: string): Promise<RedisBackend> {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    });
    const backend = new RedisBackend(client as Client);
    await client.connect();
    return backend;
  }

  namespace(name: string): CasStore {
    return new RedisCasStore(this.client, `csp:${name}:`);
  }

  async ping(): Promise<void> {
    if (!this.client.isReady) throw new Error(`Redis is not connected${this.lastError ? `: ${this.lastError}` : ''}`);
    await this.client.ping();
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    // A graceful close waits for pending replies, which never come while Redis is down.
    if (this.client.isReady) await this.client.close();
    else this.client.destroy();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
