import { once } from 'node:events';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { mutate, type RecordStore } from '../../src/app/ports.js';
import { fail, ok } from '../../src/domain/result.js';
import type { CasStore } from '../../src/storage/cas-store.js';
import { KeyedMutex } from '../../src/storage/keyed-mutex.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { CasRecordStore } from '../../src/storage/record-store.js';

/** What a racer prints when done: the records it decided and the write conflicts it met. */
export interface RaceReport {
  won: string[];
  increments: number;
  conflicts: number;
}

/**
 * The SQLite compare-and-set as it was before it became one conditional statement: read, compare,
 * then write unconditionally, serialized by a lock in this process only. Racers use it with the
 * `get-then-set` argument, so that the test shows the race it lost across processes.
 */
class GetThenSetStore implements CasStore {
  private readonly mutex = new KeyedMutex();
  private readonly keyv: Keyv<string>;

  constructor(file: string, name: string) {
    this.keyv = new Keyv<string>({ store: new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5000 }), namespace: name, throwOnErrors: true });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.keyv.get(key)) ?? undefined;
  }

  compareAndSet(key: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    return this.mutex.run(key, async () => {
      if ((await this.get(key)) !== expected) return false;
      if (next === undefined) await this.keyv.delete(key);
      else await this.keyv.set(key, next);
      return true;
    });
  }

  entries(): AsyncIterable<[string, string]> {
    throw new Error('not used by the race');
  }

  close(): Promise<void> {
    return this.keyv.disconnect();
  }
}

/**
 * A separate process for the cross-process tests, run as `cas-racer.js <url> <name> <count> [get-then-set]`
 * (url: a STORAGE_URL; get-then-set: the old SQLite write, to show that it loses the race).
 * It connects, prints "ready", and on "go" from stdin races the other racers: it decides each
 * of `count` records if nobody did, and adds 1 to one shared counter `count` times. Then it
 * prints a RaceReport as one JSON line.
 */
async function race(url: string, name: string, count: number, getThenSet: boolean): Promise<RaceReport> {
  const naive = getThenSet ? new GetThenSetStore(url.slice('sqlite://'.length), 'race') : undefined;
  const storage = naive ? { namespace: () => naive, close: () => naive.close() } : await openStorage(url);
  let conflicts = 0;
  const counting = <T>(store: RecordStore<T>): RecordStore<T> => ({
    get: (id) => store.get(id),
    delete: (id, version) => store.delete(id, version),
    list: () => store.list(),
    compareAndSet: async (id, version, value) => {
      const saved = await store.compareAndSet(id, version, value);
      if (!saved) conflicts++;
      return saved;
    },
  });
  const decisions = counting(new CasRecordStore<{ by?: string }>(storage.namespace('race')));
  const counters = counting(new CasRecordStore<{ n: number }>(storage.namespace('race')));
  try {
    process.stdout.write('ready\n');
    process.stdin.setEncoding('utf8');
    const [line] = (await once(process.stdin, 'data')) as [string];
    if (line.trim() !== 'go') throw new Error(`racer ${name} expected "go", got ${JSON.stringify(line)}`);
    const won: string[] = [];
    const deciding = Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const id = `record-${i}`;
        const result = await mutate(decisions, id, (current) => (current?.by ? fail('TAKEN', 'decided already') : ok({ by: name })));
        if (result.ok) won.push(id);
      }),
    );
    let increments = 0;
    const incrementing = (async () => {
      for (let i = 0; i < count; i++) {
        // Many attempts: the other racer changes the same counter all the time, on purpose.
        await mutate(counters, 'counter', (current) => ok({ n: (current?.n ?? 0) + 1 }), 1000);
        increments++;
      }
    })();
    await Promise.all([deciding, incrementing]);
    return { won, increments, conflicts };
  } finally {
    await storage.close();
  }
}

const [url, name, count, mode] = process.argv.slice(2);
const report = await race(url, name, Number(count), mode === 'get-then-set');
process.stdout.write(`${JSON.stringify(report)}\n`);
process.stdin.pause();
