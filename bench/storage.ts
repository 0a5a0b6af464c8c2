import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { mutate } from '../src/app/ports.js';
import { ok } from '../src/domain/result.js';
import { CasBotStorage } from '../src/storage/bot-storage.js';
import type { StorageBackend } from '../src/storage/cas-store.js';
import { KeyvBackend } from '../src/storage/keyv-backend.js';
import { CasRecordStore } from '../src/storage/record-store.js';

/** No single measurement runs longer than this, whatever the backend's speed. */
const BUDGET_MS = 10_000;

/** Runs `op` `operations` times one after the other (fewer if the time budget runs out); returns operations per second. */
async function rate(operations: number, op: (i: number) => Promise<unknown>): Promise<{ perSecond: number; done: number }> {
  const started = performance.now();
  let done = 0;
  while (done < operations && performance.now() - started < BUDGET_MS) await op(done++);
  return { perSecond: done / ((performance.now() - started) / 1000), done };
}

/** Prints record updates/s (through `mutate`) and botbuilder state writes/s for each backend. */
export async function benchStorage(operations = 2000, redisUrl = process.env.REDIS_URL): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-'));
  const backends: [string, () => Promise<StorageBackend>][] = [
    ['memory', async () => KeyvBackend.memory()],
    ['SQLite, WAL + synchronous=NORMAL', async () => KeyvBackend.sqlite(join(dir, 'wal.sqlite'))],
    ['SQLite, journal_mode=DELETE (no WAL)', async () => KeyvBackend.sqlite(join(dir, 'delete.sqlite'), { wal: false })],
  ];
  if (redisUrl) {
    const { RedisBackend } = await import('../src/storage/redis-backend.js');
    backends.push([`Redis ${new URL(redisUrl).host}`, () => RedisBackend.connect(redisUrl)]);
  }
  console.log(`storage: ${operations} sequential operations per measurement over 10 keys (at most ${BUDGET_MS / 1000} s each)`);
  try {
    for (const [name, open] of backends) {
      const storage = await open();
      try {
        const run = `${Date.now()}`;
        const records = new CasRecordStore<{ n: number }>(storage.namespace(`bench-records-${run}`));
        const bot = new CasBotStorage(storage.namespace(`bench-state-${run}`));
        const updates = await rate(operations, (i) => mutate(records, `r${i % 10}`, (current) => ok({ n: (current?.n ?? 0) + 1 })));
        const writes = await rate(operations, (i) => bot.write({ [`conversation/${i % 10}`]: { turn: i, eTag: '*' } }));
        const cut = (r: { done: number }) => (r.done < operations ? ` (${r.done} done)` : '');
        console.log(
          `  ${name.padEnd(38)} ${updates.perSecond.toFixed(0).padStart(7)} record updates/s${cut(updates)}` +
            ` ${writes.perSecond.toFixed(0).padStart(7)} state writes/s${cut(writes)}`,
        );
      } finally {
        await storage.close();
      }
    }
    if (!redisUrl) console.log('  (Redis: set REDIS_URL=redis://127.0.0.1:6379 to include it)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node dist/bench/storage.js` runs this benchmark alone; bench/run.ts imports it with the others.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchStorage();
