import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { BenchOptions } from './options.js';
import { startServer } from './servers/fork.js';

/** Bytes of the SQLite database in `dir`, measured with no server running: the last connection to close has checkpointed the write-ahead log into it. */
function sqliteBytes(dir: string): number {
  return statSync(join(dir, 'assistant.sqlite')).size;
}

/**
 * Memory after many distinct conversations: a fresh assistant (SQLite) gets one `help` turn from
 * each of N users, each in their own conversation; prints its RSS before and after, and the
 * database's growth per conversation.
 */
export async function benchMemory(options: BenchOptions, dataDir: string): Promise<void> {
  // A first start seeds the reference data; the database's size after it is the baseline.
  await (await startServer('assistant (memory, seeding)', 'assistant', { env: { DATA_DIR: dataDir } })).stop();
  const bytesBefore = sqliteBytes(dataDir);
  const server = await startServer('assistant (memory)', 'assistant', { env: { DATA_DIR: dataDir } });
  let stopped = false;
  try {
    // One turn first, so the baseline includes everything a first turn loads.
    const warm = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(helpFrom('warm-up')) });
    if (warm.status !== 200) throw new Error(`the warm-up turn answered ${warm.status}`);
    const before = await server.stats();
    const run = randomUUID().slice(0, 8);
    let sent = 0;
    const result = await autocannon({
      url: server.url,
      connections: options.connections,
      amount: options.conversations,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path: '/api/messages',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(helpFrom(`${run}-${sent++}`)) }),
        },
      ],
    });
    const after = await server.stats();
    await server.stop();
    stopped = true;
    const failed = result.non2xx + result.errors + result.timeouts;
    const perConversation = (sqliteBytes(dataDir) - bytesBefore) / options.conversations;
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.log(`memory: ${options.conversations} help turns, each from a distinct user in a distinct conversation (SQLite)${failed ? ` (${failed} failed)` : ''}`);
    console.log(`  RSS after ${options.conversations} conversations: ${mb(after.rss)} MB (${mb(before.rss)} MB before; heap used ${mb(after.heapUsed)} MB; target ≤ 250 MB after 100,000)`);
    console.log(`  SQLite bytes per conversation: ${perConversation.toFixed(0)}`);
  } finally {
    if (!stopped) await server.stop();
  }
}

function helpFrom(id: string): Record<string, unknown> {
  return {
    type: 'message',
    text: 'help',
    id: randomUUID(),
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:1/',
    deliveryMode: 'expectReplies',
    locale: 'en-US',
    from: { id: `mem-user-${id}`, name: `User ${id}` },
    recipient: { id: 'assistant', name: 'CSP Partner Assistant' },
    conversation: { id: `mem-conv-${id}` },
  };
}
