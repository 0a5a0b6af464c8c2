import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasOnceStore } from '../../src/storage/once-store.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

let redis: RedisServer | undefined;
let sqliteDir = '';

const backends: { name: string; before?(suite: Mocha.Context): Promise<void>; open(): Promise<StorageBackend>; after?(): Promise<void> }[] = [
  { name: 'memory', open: async () => KeyvBackend.memory() },
  {
    name: 'SQLite',
    before: async () => {
      sqliteDir = mkdtempSync(join(tmpdir(), 'csp-once-'));
    },
    open: async () => KeyvBackend.sqlite(join(sqliteDir, 'once.sqlite')),
    after: async () => rmSync(sqliteDir, { recursive: true, force: true }),
  },
  {
    name: 'Redis',
    before: async (suite) => {
      requireRedis(suite);
      redis = await startRedis();
    },
    open: async () => RedisBackend.connect(redis!.url),
    after: async () => redis?.stop(),
  },
];

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now()}-${++counter}`;

for (const backend of backends) {
  describe(`Claim-once store: ${backend.name}`, () => {
    let storage: StorageBackend;
    let now = 1_000_000;
    let once: CasOnceStore;
    before(async function () {
      await backend.before?.(this);
      storage = await backend.open();
    });
    after(async () => {
      await storage?.close();
      await backend.after?.();
    });
    beforeEach(() => {
      once = new CasOnceStore(storage.namespace(unique('once')), () => now);
    });

    it('lets the first claimant go ahead; a later one sees the recorded answer', async () => {
      const key = unique('activity');
      expect(await once.claim(key, 60_000)).to.deep.equal({ first: true });
      expect(await once.claim(key, 60_000)).to.deep.equal({ first: false });
      await once.settle(key, '{"status":200}', 60_000);
      expect(await once.claim(key, 60_000)).to.deep.equal({ first: false, result: '{"status":200}' });
    });

    it('keeps a settled answer for the time given when settling, not the claim\'s', async () => {
      const key = unique('extended');
      await once.claim(key, 1000);
      await once.settle(key, 'first answer', 60_000);
      now += 30_000;
      expect(await once.claim(key, 1000)).to.deep.equal({ first: false, result: 'first answer' });
      now += 30_001;
      expect(await once.claim(key, 1000)).to.deep.equal({ first: true });
    });

    it('gives exactly one of 20 concurrent claimants the key', async () => {
      const key = unique('race');
      const claims = await Promise.all(Array.from({ length: 20 }, () => once.claim(key, 60_000)));
      expect(claims.filter((c) => c.first)).to.have.length(1);
    });

    it('frees a released claim for a retry, but keeps a settled one', async () => {
      const failed = unique('failed');
      await once.claim(failed, 60_000);
      await once.release(failed);
      expect(await once.claim(failed, 60_000)).to.deep.equal({ first: true });
      const done = unique('done');
      await once.claim(done, 60_000);
      await once.settle(done, 'answer', 60_000);
      await once.release(done);
      expect(await once.claim(done, 60_000)).to.deep.equal({ first: false, result: 'answer' });
    });

    it('keeps nothing of a final claim in the process, and still frees it for a retry when released', async () => {
      const namespace = storage.namespace(unique('final'));
      let reads = 0;
      const counted = { ...namespace, get: (id: string) => (reads++, namespace.get(id)), compareAndSet: namespace.compareAndSet.bind(namespace), entries: namespace.entries.bind(namespace) };
      once = new CasOnceStore(counted, () => now);
      const keys = Array.from({ length: 50 }, () => unique('message'));
      for (const key of keys) expect(await once.claim(key, 60_000, { final: true })).to.deep.equal({ first: true });
      expect(await once.claim(keys[0], 60_000, { final: true })).to.deep.equal({ first: false });
      expect((once as unknown as { held: Map<string, string> }).held.size).to.equal(0);
      // Released after a failure: read back first, since nothing was kept.
      reads = 0;
      await once.release(keys[1]);
      expect(reads).to.equal(1);
      expect(await once.claim(keys[1], 60_000, { final: true })).to.deep.equal({ first: true });
      // A claim that will be settled is held, and settled without a read.
      const settled = unique('invoke');
      await once.claim(settled, 60_000);
      reads = 0;
      await once.settle(settled, 'answer', 60_000);
      expect(reads).to.equal(0);
    });

    it('forgets a claim after its time, and a sweep removes what expired', async () => {
      const namespace = storage.namespace(unique('expiry'));
      once = new CasOnceStore(namespace, () => now);
      const key = unique('old');
      await once.claim(key, 1000);
      await once.claim(unique('young'), 60_000);
      now += 1001;
      expect(await once.claim(key, 1000)).to.deep.equal({ first: true });
      now += 1001;
      await once.sweep();
      const left: string[] = [];
      for await (const [k] of namespace.entries()) left.push(k);
      expect(left).to.have.length(1);
    });

    it('sweeps expired entries by itself about once an hour', async () => {
      const namespace = storage.namespace(unique('hourly'));
      once = new CasOnceStore(namespace, () => now);
      await once.claim(unique('short'), 1000);
      now += 60 * 60 * 1000;
      await once.claim(unique('trigger'), 60_000);
      for (let i = 0; i < 50; i++) {
        const keys: string[] = [];
        for await (const [k] of namespace.entries()) keys.push(k);
        if (keys.length === 1) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect.fail('the expired entry was not swept');
    });

    it('keeps keys of any length and alphabet apart', async () => {
      const long = 'x'.repeat(5000);
      expect(await once.claim(long, 60_000)).to.deep.equal({ first: true });
      expect(await once.claim(`${long}y`, 60_000)).to.deep.equal({ first: true });
      expect(await once.claim('a\u0000b:ç*?[', 60_000)).to.deep.equal({ first: true });
      expect(await once.claim('a\u0000b:ç*?[', 60_000)).to.deep.equal({ first: false });
    });
  });
}
