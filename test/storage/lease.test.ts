import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LeasedScheduler } from '../../src/app/reminder-scheduler.js';
import type { StorageBackend } from '../../src/storage/cas-store.js';
import { CasLease } from '../../src/storage/cas-lease.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

const INTERVAL_MS = 60 * 60_000;

/** Two instances' connections to one database: how to set it up and open one connection. */
interface Shared {
  name: string;
  before(suite: Mocha.Context): Promise<void>;
  connect(): Promise<StorageBackend>;
  after(): Promise<void>;
}

let redis: RedisServer | undefined;
let dir = '';

const shared: Shared[] = [
  {
    name: 'one SQLite file',
    before: async () => {
      dir = mkdtempSync(join(tmpdir(), 'csp-lease-'));
    },
    connect: async () => KeyvBackend.sqlite(join(dir, 'shared.sqlite')),
    after: async () => rmSync(dir, { recursive: true, force: true }),
  },
  {
    name: 'one Redis',
    before: async (suite) => {
      requireRedis(suite);
      redis = await startRedis();
    },
    connect: async () => RedisBackend.connect(redis!.url),
    after: async () => redis?.stop(),
  },
];

for (const backend of shared) {
  describe(`Lease and scheduler on ${backend.name}`, function () {
    let stores: StorageBackend[] = [];
    let now = Date.parse('2026-11-30T09:00:00Z');
    let round = 0;

    before(async function () {
      await backend.before(this);
    });
    after(async () => {
      await backend.after();
    });
    beforeEach(async () => {
      stores = [await backend.connect(), await backend.connect()];
    });
    afterEach(async () => {
      for (const store of stores) await store.close();
    });

    /** A scheduler per instance, each on its own connection, whose pass counts and takes a moment. */
    function instances(leaseName: string, passes: string[]) {
      return stores.map(
        (store, i) =>
          new LeasedScheduler({
            lease: new CasLease(store.namespace('leases'), () => now),
            leaseName,
            holder: `instance-${i}`,
            intervalMs: INTERVAL_MS,
            pass: async (proceed) => {
              if (!(await proceed())) return;
              passes.push(`instance-${i}`);
              await new Promise((r) => setTimeout(r, 30));
            },
            onError: (error) => {
              throw error;
            },
          }),
      );
    }

    it('lets exactly one of two racing instances run a pass, round after round', async () => {
      const leaseName = `race-${++round}`;
      const passes: string[] = [];
      const [a, b] = instances(leaseName, passes);
      for (let i = 0; i < 8; i++) {
        const ran = await Promise.all([a.runOnce(), b.runOnce()]);
        expect(ran.filter(Boolean), `round ${i}`).to.have.length(1);
        expect(passes, `round ${i}`).to.have.length(i + 1);
        // A pass keeps the lease for the rest of its interval: the other instance finds it held.
        expect(await (ran[0] ? b : a).runOnce()).to.equal(false);
        now += INTERVAL_MS + 1;
      }
      await Promise.all([a.stop(), b.stop()]);
    });

    it('hands the lease over when its holder stopped, or when it lapsed because the holder died', async () => {
      const leaseName = `handover-${++round}`;
      const passes: string[] = [];
      const [a, b] = instances(leaseName, passes);
      expect(await a.runOnce()).to.equal(true);
      expect(await b.runOnce()).to.equal(false);
      await a.stop();
      expect(await b.runOnce()).to.equal(true);
      // b "dies" holding the lease: a third instance waits for it to lapse.
      const c = new CasLease(stores[0].namespace('leases'), () => now);
      expect(await c.acquire(leaseName, 'instance-c', INTERVAL_MS)).to.equal(false);
      now += INTERVAL_MS + 1;
      expect(await c.acquire(leaseName, 'instance-c', INTERVAL_MS)).to.equal(true);
      expect(await c.renew(leaseName, 'instance-b', INTERVAL_MS)).to.equal(false);
      expect(passes).to.deep.equal(['instance-0', 'instance-1']);
    });

    it('stops a pass whose lease another instance took: renewing it fails', async () => {
      const leaseName = `lost-${++round}`;
      const lease = new CasLease(stores[0].namespace('leases'), () => now);
      const other = new CasLease(stores[1].namespace('leases'), () => now);
      const steps: number[] = [];
      const scheduler = new LeasedScheduler({
        lease,
        leaseName,
        holder: 'slow',
        intervalMs: INTERVAL_MS,
        pass: async (proceed) => {
          for (let step = 0; step < 5; step++) {
            if (!(await proceed())) return;
            steps.push(step);
            if (step === 1) {
              // The holder stalled past its lease and another instance took over.
              now += INTERVAL_MS + 1;
              expect(await other.acquire(leaseName, 'other', INTERVAL_MS)).to.equal(true);
            }
          }
        },
        onError: (error) => {
          throw error;
        },
      });
      expect(await scheduler.runOnce()).to.equal(true);
      expect(steps).to.deep.equal([0, 1]);
      await scheduler.stop();
      expect(await other.renew(leaseName, 'other', INTERVAL_MS)).to.equal(true);
    });
  });
}
