import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { projectRoot } from '../../src/paths.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { startAssistant } from '../support/assistant.js';
import type { RaceReport } from '../support/cas-racer.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

const RACER = join(projectRoot, 'dist', 'test', 'support', 'cas-racer.js');

/** A racer process: resolves `ready` once it is connected, `report` when it is done. */
function startRacer(url: string, name: string, count: number): { child: ChildProcess; ready: Promise<void>; report: Promise<RaceReport> } {
  const child = spawn(process.execPath, ['--enable-source-maps', RACER, url, name, String(count)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const report = new Promise<RaceReport>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') ready();
      else resolve(JSON.parse(line) as RaceReport);
    });
    child.once('exit', (code) => reject(new Error(`racer ${name} exited with ${code} before reporting: ${stderr}`)));
  });
  // A racer that dies before "ready" fails the test through `report`, never by waiting forever.
  return { child, ready: Promise.race([readyPromise, report.then(() => undefined)]), report };
}

describe('Redis across processes', () => {
  let redis: RedisServer;
  before(async function () {
    requireRedis(this);
    redis = await startRedis();
  });
  after(async () => redis?.stop());

  it('gives each record exactly one winner and loses no update when two processes race on compare-and-set', async () => {
    const count = 200;
    // Existing, undecided records: the race compares against a stored value, not only absence.
    const setup = await RedisBackend.connect(redis.url);
    const records = new CasRecordStore<{ by?: string }>(setup.namespace('race'));
    const counters = new CasRecordStore<{ n: number }>(setup.namespace('race'));
    try {
      for (let i = 0; i < count; i++) expect(await records.compareAndSet(`record-${i}`, 0, {})).to.not.equal(undefined);
      const racers = ['a', 'b'].map((name) => startRacer(redis.url, name, count));
      try {
        await Promise.all(racers.map((r) => r.ready));
        // Both start together, so that their writes interleave.
        for (const racer of racers) racer.child.stdin!.end('go\n');
        const [a, b] = await Promise.all(racers.map((r) => r.report));

        expect(a.won.length + b.won.length, 'records decided').to.equal(count);
        expect(a.won.filter((id) => b.won.includes(id)), 'records both processes think they decided').to.deep.equal([]);
        for (const [name, report] of [['a', a] as const, ['b', b] as const]) {
          for (const id of report.won) expect((await records.get(id))?.value.by, id).to.equal(name);
        }
        const counter = await counters.get('counter');
        expect(a.increments + b.increments).to.equal(2 * count);
        expect(counter?.value.n, 'the shared counter after 2 × 200 increments').to.equal(2 * count);
        expect(counter?.version).to.equal(2 * count);
        console.log(`      (write conflicts met: ${a.conflicts} in a, ${b.conflicts} in b)`);
      } finally {
        for (const racer of racers) if (racer.child.exitCode === null) racer.child.kill('SIGKILL');
      }
    } finally {
      await setup.close();
    }
  });

  it('serves the assistant with STORAGE_URL=redis://…, ready on /readyz', async () => {
    const app = await startAssistant({ STORAGE_URL: redis.url });
    try {
      const res = await fetch(`${app.baseUrl}/readyz`);
      expect(await res.json()).to.deep.equal({ status: 'ready', storage: 'redis' });
    } finally {
      await app.stop();
    }
  });
});
