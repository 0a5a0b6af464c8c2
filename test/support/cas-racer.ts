import { once } from 'node:events';
import { mutate, type RecordStore } from '../../src/app/ports.js';
import { fail, ok } from '../../src/domain/result.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';

/** What a racer prints when done: the records it decided and the write conflicts it met. */
export interface RaceReport {
  won: string[];
  increments: number;
  conflicts: number;
}

/**
 * A separate process for the cross-process test, run as `cas-racer.js <url> <name> <count>`.
 * It connects, prints "ready", and on "go" from stdin races the other racers: it decides each
 * of `count` records if nobody did, and adds 1 to one shared counter `count` times. Then it
 * prints a RaceReport as one JSON line.
 */
async function race(url: string, name: string, count: number): Promise<RaceReport> {
  const storage = await RedisBackend.connect(url);
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

const [url, name, count] = process.argv.slice(2);
const report = await race(url, name, Number(count));
process.stdout.write(`${JSON.stringify(report)}\n`);
process.stdin.pause();
