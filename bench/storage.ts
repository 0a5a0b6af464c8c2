import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mutate } from '../src/app/ports.js';
import { ok } from '../src/domain/result.js';
import { CasBotStorage } from '../src/storage/bot-storage.js';
import type { StorageBackend } from '../src/storage/cas-store.js';
import { KeyvBackend } from '../src/storage/keyv-backend.js';
import { CasRecordStore } from '../src/storage/record-store.js';

/** Prints record updates/s (through `mutate`) and botbuilder state writes/s for each backend. */
export async function benchStorage(operations = 2000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-'));
  const backends: [string, () => Promise<StorageBackend>][] = [
    ['memory', async () => KeyvBackend.memory()],
    ['SQLite, WAL + synchronous=NORMAL', async () => KeyvBackend.sqlite(join(dir, 'wal.sqlite'))],
    ['SQLite, rollback journal', async () => KeyvBackend.sqlite(join(dir, 'nowal.sqlite'), { wal: false })],
  ];
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    const { RedisBackend } = await import('../src/storage/redis-backend.js');
    backends.push([`Redis ${redisUrl}`, () => RedisBackend.connect(redisUrl)]);
  } else {
    console.log('  (set REDIS_URL=redis://127.0.0.1:6379 to include Redis)');
  }
  console.log(`storage (${operations} sequential operations each, 10 keys)`);
  try {
    for (const [name, open] of backends) {
      const storage = await open();
      const records = new CasRecordStore<{ n: number }>(storage.namespace(`bench-records-${Date.now()}`));
      const bot = new CasBotStorage(storage.namespace(`bench-state-${Date.now()}`));
      let started = performance.now();
      for (let i = 0; i < operations; i++) await mutate(records, `r${i % 10}`, (current) => ok({ n: (current?.n ?? 0) + 1 }));
      const recordRate = operations / ((performance.now() - started) / 1000);
      started = performance.now();
      for (let i = 0; i < operations; i++) await bot.write({ [`conversation/${i % 10}`]: { turn: i, eTag: '*' } });
      const stateRate = operations / ((performance.now() - started) / 1000);
      console.log(`  ${name.padEnd(34)} ${recordRate.toFixed(0).padStart(7)} record updates/s ${stateRate.toFixed(0).padStart(7)} state writes/s`);
      await storage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
