import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot } from '../../src/paths.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { startAssistant } from '../support/assistant.js';

const run = promisify(execFile);
const RACER = join(projectRoot, 'dist', 'test', 'support', 'cas-racer.js');

describe('Redis across processes', () => {
  let redis: RedisServer;
  before(async function () {
    requireRedis(this);
    redis = await startRedis();
  });
  after(async () => redis?.stop());

  it('gives each record exactly one winner when two processes race on compare-and-set', async () => {
    const count = 200;
    const [a, b] = await Promise.all(
      ['a', 'b'].map((name) => run(process.execPath, [RACER, redis.url, name, String(count)]).then((r) => JSON.parse(r.stdout) as string[])),
    );
    expect(a.length + b.length).to.equal(count);
    expect(a.filter((key) => b.includes(key))).to.deep.equal([]);
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
