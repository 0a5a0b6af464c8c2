import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationState, TestAdapter } from 'botbuilder';
import { expect } from 'chai';
import { mutate } from '../../src/app/ports.js';
import { fail, ok } from '../../src/domain/result.js';
import { CasBotStorage } from '../../src/storage/bot-storage.js';
import type { StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

type Decision = { decidedBy?: string };

interface Backend {
  name: string;
  open(): Promise<StorageBackend>;
  before?(context: Mocha.Context): Promise<void>;
  after?(): Promise<void>;
}

let redis: RedisServer | undefined;
let sqliteDir = '';

const backends: Backend[] = [
  { name: 'memory', open: async () => KeyvBackend.memory() },
  {
    name: 'SQLite',
    before: async () => {
      sqliteDir = mkdtempSync(join(tmpdir(), 'csp-sqlite-'));
    },
    open: async () => KeyvBackend.sqlite(join(sqliteDir, 'contract.sqlite')),
    after: async () => rmSync(sqliteDir, { recursive: true, force: true }),
  },
  {
    name: 'Redis',
    before: async (context) => {
      requireRedis(context);
      redis = await startRedis();
    },
    open: async () => RedisBackend.connect(redis!.url),
    after: async () => redis?.stop(),
  },
];

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now()}-${++counter}`;

for (const backend of backends) {
  describe(`Storage contract: ${backend.name}`, function () {
    let storage: StorageBackend;
    before(async function () {
      await backend.before?.(this);
      storage = await backend.open();
    });
    after(async () => {
      await storage?.close();
      await backend.after?.();
    });

    it('reads after write, refuses a compare-and-set with a stale expectation, and deletes', async () => {
      const store = storage.namespace(unique('cas'));
      expect(await store.get('k')).to.equal(undefined);
      expect(await store.compareAndSet('k', undefined, 'one')).to.equal(true);
      expect(await store.get('k')).to.equal('one');
      expect(await store.compareAndSet('k', undefined, 'two'), 'create over an existing value').to.equal(false);
      expect(await store.compareAndSet('k', 'stale', 'two')).to.equal(false);
      expect(await store.compareAndSet('k', 'one', 'two')).to.equal(true);
      expect(await store.compareAndSet('k', 'two', undefined)).to.equal(true);
      expect(await store.get('k')).to.equal(undefined);
    });

    it('keeps namespaces apart and lists every entry of one', async () => {
      const a = storage.namespace(unique('ns-a'));
      const b = storage.namespace(unique('ns-b'));
      for (let i = 0; i < 30; i++) await a.compareAndSet(`key:${i}`, undefined, `v${i}`);
      await b.compareAndSet('key:0', undefined, 'other');
      const listed: string[] = [];
      for await (const [key, value] of a.entries()) listed.push(`${key}=${value}`);
      expect(listed).to.have.length(30);
      expect(listed).to.include('key:7=v7');
      expect(await b.get('key:0')).to.equal('other');
    });

    it('versions records: create, read, update with the current version, refuse a stale one, delete, list', async () => {
      const records = new CasRecordStore<{ name: string }>(storage.namespace(unique('records')));
      const created = await records.compareAndSet('r1', 0, { name: 'first' });
      expect(created).to.deep.equal({ id: 'r1', version: 1, value: { name: 'first' } });
      expect(await records.compareAndSet('r1', 0, { name: 'again' }), 'create twice').to.equal(undefined);
      const updated = await records.compareAndSet('r1', 1, { name: 'second' });
      expect(updated?.version).to.equal(2);
      expect(await records.compareAndSet('r1', 1, { name: 'stale' })).to.equal(undefined);
      expect((await records.get('r1'))?.value).to.deep.equal({ name: 'second' });
      await records.compareAndSet('r2', 0, { name: 'other' });
      const all: string[] = [];
      for await (const r of records.list()) all.push(`${r.id}@${r.version}`);
      expect(all.sort()).to.deep.equal(['r1@2', 'r2@1']);
      expect(await records.delete('r1', 1)).to.equal(false);
      expect(await records.delete('r1', 2)).to.equal(true);
      expect(await records.get('r1')).to.equal(undefined);
    });

    it('gives exactly one winner to 20 concurrent deciders', async () => {
      const records = new CasRecordStore<Decision>(storage.namespace(unique('decisions')));
      await records.compareAndSet('app', 0, {});
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          mutate(records, 'app', (current) =>
            current?.decidedBy ? fail('ALREADY_DECIDED', 'x', { by: current.decidedBy }) : ok({ decidedBy: `reviewer-${i}` }),
          ),
        ),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).to.have.length(1);
      const winner = (await records.get('app'))!.value.decidedBy;
      for (const loser of results.filter((r) => !r.ok)) {
        expect(!loser.ok && loser.error.params?.by).to.equal(winner);
      }
    });

    it('gives botbuilder Storage real eTags: stale refused, "*" overwrites, one of two concurrent writers wins', async () => {
      const bot = new CasBotStorage(storage.namespace(unique('botstate')));
      await bot.write({ doc: { count: 1 } });
      const first = (await bot.read(['doc'])).doc;
      expect(first.count).to.equal(1);
      expect(first.eTag).to.be.a('string');
      await bot.write({ doc: { count: 2, eTag: first.eTag } });
      let error: Error | undefined;
      try {
        await bot.write({ doc: { count: 3, eTag: first.eTag } });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(/eTag conflict/);
      await bot.write({ doc: { count: 4, eTag: '*' } });
      const current = (await bot.read(['doc'])).doc;
      expect(current.count).to.equal(4);
      const outcomes = await Promise.allSettled([
        bot.write({ doc: { count: 5, eTag: current.eTag } }),
        bot.write({ doc: { count: 6, eTag: current.eTag } }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
      await bot.delete(['doc']);
      expect(await bot.read(['doc'])).to.deep.equal({});
    });

    it('keeps ConversationState across turns', async () => {
      const state = new ConversationState(new CasBotStorage(storage.namespace(unique('conversation'))));
      const counter = state.createProperty<number>('count');
      const adapter = new TestAdapter(async (context) => {
        const count = (await counter.get(context, 0)) + 1;
        await counter.set(context, count);
        await context.sendActivity(`turn ${count}`);
        await state.saveChanges(context);
      });
      await adapter.send('a').assertReply('turn 1').send('b').assertReply('turn 2').startTest();
    });
  });
}

describe('SQLite on first start', () => {
  it('opens many namespaces of a new file at once without "database is locked"', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'csp-first-start-'));
      const storage = KeyvBackend.sqlite(join(dir, 'new.sqlite'));
      try {
        await Promise.all(Array.from({ length: 12 }, (_, i) => storage.namespace(`ns-${i}`).compareAndSet('k', undefined, `v${i}`)));
        expect(await storage.namespace('ns-11').get('k')).to.equal('v11');
      } finally {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe('A failing store throws, never looks like "no saved state"', () => {
  it('SQLite at a path that cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csp-broken-'));
    // A folder where the database file should be: SQLite cannot open it.
    const storage = KeyvBackend.sqlite(dir);
    try {
      let error: unknown;
      try {
        await storage.namespace('any').get('key');
      } catch (e) {
        error = e;
      }
      expect(error, 'get on an unopenable database').to.be.instanceOf(Error);
      let pingError: unknown;
      await storage.ping().catch((e: unknown) => (pingError = e));
      expect(pingError).to.be.instanceOf(Error);
    } finally {
      await storage.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Redis after the server stopped', async function () {
    requireRedis(this);
    const server = await startRedis();
    const storage = await RedisBackend.connect(server.url);
    try {
      await storage.namespace('x').compareAndSet('k', undefined, 'v');
      await server.stop();
      let error: unknown;
      try {
        await storage.namespace('x').get('k');
      } catch (e) {
        error = e;
      }
      expect(error, 'get while Redis is down').to.be.instanceOf(Error);
      let pingError: unknown;
      await storage.ping().catch((e: unknown) => (pingError = e));
      expect(String(pingError)).to.match(/Redis/);
    } finally {
      await storage.close().catch(() => undefined);
    }
  });
});
