import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCards } from './cards.js';
import { benchStorage } from './storage.js';
import { benchTurns } from './turns.js';
import { benchMemory } from './memory.js';
import { benchStart } from './start.js';
import { benchLists } from './lists.js';
import { parseOptions, runs } from './options.js';
import { hasRedisServer, startRedis, type RedisServer } from '../test/support/redis-server.js';

/** Runs every benchmark and prints its numbers; nothing here passes or fails. */
const options = parseOptions(process.argv.slice(2), process.env);
const root = mkdtempSync(join(tmpdir(), 'csp-bench-'));
let redis: RedisServer | undefined;
try {
  if (options.redis && hasRedisServer() && (runs(options, 'turns') || runs(options, 'storage'))) redis = await startRedis();
  if (runs(options, 'turns')) await benchTurns(options, redis?.url, (name) => join(root, `turns-${name}`));
  if (runs(options, 'cards')) await benchCards(options.quick ? 30 : 300, options.quick ? 20 : 1000, options.cardProcesses);
  if (runs(options, 'storage')) await benchStorage(options.quick ? 200 : 2000, redis?.url);
  if (runs(options, 'lists')) {
    console.log('list scaling (bench/lists.ts):');
    await benchLists({ ...(options.quick ? { sizes: [100, 1000], rounds: 3 } : {}), redis: options.redis });
  }
  if (runs(options, 'memory')) await benchMemory(options, join(root, 'memory'));
  if (runs(options, 'start')) await benchStart(options.starts);
} finally {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
}
