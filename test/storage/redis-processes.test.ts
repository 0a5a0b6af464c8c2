import { expect } from 'chai';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { startAssistant } from '../support/assistant.js';
import { raceProblems, raceTwo } from '../support/racers.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

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
      const [a, b] = await raceTwo(redis.url, count);
      expect(await raceProblems([a, b], count, records, counters)).to.deep.equal([]);
      expect(a.won.length + b.won.length, 'records decided').to.equal(count);
      console.log(`      (write conflicts met: ${a.conflicts} in a, ${b.conflicts} in b)`);
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
