import { mutate } from '../../src/app/ports.js';
import { fail, ok } from '../../src/domain/result.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';

/**
 * A separate process for the cross-process test: decides each of `count` records once if
 * nobody did, and prints the keys it won as one JSON line.
 */
const [url, name, count] = process.argv.slice(2);
const storage = await RedisBackend.connect(url);
const records = new CasRecordStore<{ by?: string }>(storage.namespace('race'));
const won: string[] = [];
await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    const result = await mutate(records, `record-${i}`, (current) => (current?.by ? fail('TAKEN', 'x') : ok({ by: name })));
    if (result.ok) won.push(`record-${i}`);
  }),
);
process.stdout.write(`${JSON.stringify(won)}\n`);
await storage.close();
