import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationState, TestAdapter } from 'botbuilder';
import { expect } from 'chai';
import { mutate, type Versioned } from '../../src/app/ports.js';
import { fail, ok } from '../../src/domain/result.js';
import { CasBotStorage } from '../../src/storage/bot-storage.js';
import type { StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

type Decision = { decidedBy?: string };

/** One backend under the contract: how to prepare it, open it, and clean up. */
interface Backend {
  name: string;
  before?(suite: Mocha.Context): Promise<void>;
  open(): Promise<StorageBackend>;
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

/** The error `work` rejects with (undefined when it resolves), so a test can look at it. */
async function rejection(work: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

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

    describe('CasStore', () => {
      it('reads after write, refuses a compare-and-set with a wrong expectation, and deletes', async () => {
        const store = storage.namespace(unique('cas'));
        expect(await store.get('k')).to.equal(undefined);
        expect(await store.compareAndSet('k', undefined, 'one')).to.equal(true);
        expect(await store.get('k')).to.equal('one');
        expect(await store.compareAndSet('k', undefined, 'two'), 'create over an existing value').to.equal(false);
        expect(await store.compareAndSet('k', 'stale', 'two'), 'a wrong expected value').to.equal(false);
        expect(await store.get('k')).to.equal('one');
        expect(await store.compareAndSet('k', 'one', 'two')).to.equal(true);
        expect(await store.compareAndSet('k', 'one', undefined), 'delete with a wrong expected value').to.equal(false);
        expect(await store.compareAndSet('k', 'two', undefined)).to.equal(true);
        expect(await store.get('k')).to.equal(undefined);
        expect(await store.compareAndSet('k', 'two', 'three'), 'update of a deleted value').to.equal(false);
      });

      it('keeps values byte for byte: empty, unicode, JSON', async () => {
        const store = storage.namespace(unique('bytes'));
        for (const [key, value] of [['empty', ''], ['unicode', 'Caffè – 東京 🚀'], ['json', '{"a":[1,"x"],"b":null}'], ['colon', ':x']]) {
          expect(await store.compareAndSet(key, undefined, value), key).to.equal(true);
          expect(await store.get(key), key).to.equal(value);
          expect(await store.compareAndSet(key, value, `${value}!`), key).to.equal(true);
        }
      });

      it('keeps namespaces apart and lists every entry of one, over several pages', async () => {
        const a = storage.namespace(unique('ns-a'));
        const b = storage.namespace(unique('ns-b'));
        const count = 600;
        await Promise.all(Array.from({ length: count }, (_, i) => a.compareAndSet(`key:${i}`, undefined, `v${i}`)));
        await b.compareAndSet('key:0', undefined, 'other');
        const listed = new Map<string, string>();
        for await (const [key, value] of a.entries()) {
          expect(listed.has(key), `${key} listed twice`).to.equal(false);
          listed.set(key, value);
        }
        expect(listed.size).to.equal(count);
        expect(listed.get('key:7')).to.equal('v7');
        expect(listed.get('key:0')).to.equal('v0');
        expect(await b.get('key:0')).to.equal('other');
      });
    });

    describe('CasRecordStore', () => {
      it('creates with expected version 0, reads after write, refuses a stale version, deletes and lists', async () => {
        const records = new CasRecordStore<{ name: string }>(storage.namespace(unique('records')));
        const created = await records.compareAndSet('r1', 0, { name: 'first' });
        expect(created).to.deep.equal({ id: 'r1', version: 1, value: { name: 'first' } });
        expect(await records.get('r1')).to.deep.equal(created);
        expect(await records.compareAndSet('r1', 0, { name: 'again' }), 'create twice').to.equal(undefined);
        const updated = await records.compareAndSet('r1', 1, { name: 'second' });
        expect(updated).to.deep.equal({ id: 'r1', version: 2, value: { name: 'second' } });
        expect(await records.compareAndSet('r1', 1, { name: 'stale' }), 'stale version').to.equal(undefined);
        expect((await records.get('r1'))?.value).to.deep.equal({ name: 'second' });
        await records.compareAndSet('r2', 0, { name: 'other' });
        const all: string[] = [];
        for await (const r of records.list()) all.push(`${r.id}@${r.version}:${r.value.name}`);
        expect(all.sort()).to.deep.equal(['r1@2:second', 'r2@1:other']);
        expect(await records.delete('r1', 1), 'delete with a stale version').to.equal(false);
        expect(await records.delete('r1', 2)).to.equal(true);
        expect(await records.get('r1')).to.equal(undefined);
        expect(await records.delete('r1', 2), 'delete of a deleted record').to.equal(false);
      });

      it('writes back a record as read without reading it again, and refuses it once another writer changed it', async () => {
        const namespace = storage.namespace(unique('read-as'));
        let reads = 0;
        const counted = { ...namespace, get: (key: string) => (reads++, namespace.get(key)), compareAndSet: namespace.compareAndSet.bind(namespace), entries: namespace.entries.bind(namespace) };
        const records = new CasRecordStore<{ name: string }>(counted);
        await records.compareAndSet('r1', 0, { name: 'first' });
        const read = (await records.get('r1'))!;
        reads = 0;
        expect(await records.compareAndSet('r1', read, { name: 'second' })).to.deep.equal({ id: 'r1', version: 2, value: { name: 'second' } });
        expect(reads, 'reads for a write of a record as read').to.equal(0);
        // The record as read is now stale: the write is refused, as with its version number.
        expect(await records.compareAndSet('r1', read, { name: 'stale' })).to.equal(undefined);
        // A record of the same id that another store read (or made up) is checked by reading.
        const elsewhere = (await new CasRecordStore<{ name: string }>(namespace).get('r1'))!;
        reads = 0;
        expect(await records.compareAndSet('r1', elsewhere, { name: 'third' })).to.deep.include({ version: 3 });
        expect(reads).to.equal(1);
        expect(await records.compareAndSet('r1', { id: 'r1', version: 2, value: { name: 'forged' } }, { name: 'forged' })).to.equal(undefined);
        expect((await records.get('r1'))?.value).to.deep.equal({ name: 'third' });
      });

      it('parses a record once while its stored text stays the same, frozen, and reads a change made elsewhere at once', async () => {
        type Org = { name: string; members: { id: string; roles: string[] }[] };
        const namespace = storage.namespace(unique('parsed'));
        const records = new CasRecordStore<Org>(namespace);
        const writer = new CasRecordStore<Org>(namespace);
        await writer.compareAndSet('org', 0, { name: 'Contoso', members: [{ id: 'u1', roles: ['adminAgent'] }] });

        const first = (await records.get('org'))!;
        const again = (await records.get('org'))!;
        expect(again, 'the same stored text: the record parsed before').to.equal(first);
        // Shared by every reader: nobody can change it in place for the others.
        expect(Object.isFrozen(first) && Object.isFrozen(first.value) && Object.isFrozen(first.value.members[0].roles)).to.equal(true);
        expect(() => first.value.members[0].roles.push('salesAgent')).to.throw(TypeError);
        expect((await records.get('org'))!.value.members[0].roles).to.deep.equal(['adminAgent']);

        // Another store (another instance of the assistant) writes: the next read sees it.
        const changed = await writer.compareAndSet('org', 1, { name: 'Contoso', members: [{ id: 'u1', roles: ['adminAgent', 'salesAgent'] }] });
        const fresh = (await records.get('org'))!;
        expect(fresh).to.deep.equal(changed);
        // The record still as read is stale for a write; the fresh one is not.
        expect(await records.compareAndSet('org', first, { name: 'stale', members: [] })).to.equal(undefined);
        expect(await records.compareAndSet('org', fresh, { name: 'Contoso S.p.A.', members: [] })).to.deep.include({ version: 3 });

        // Deleted and created again at version 1 with other text: read anew, never the old record.
        expect(await writer.delete('org', 3)).to.equal(true);
        expect(await records.get('org')).to.equal(undefined);
        await writer.compareAndSet('org', 0, { name: 'Fabrikam', members: [] });
        expect((await records.get('org'))!.value.name).to.equal('Fabrikam');

        // A walk over the namespace gives the caller its own records and keeps none of them.
        await writer.compareAndSet('walked', 0, { name: 'Walked', members: [] });
        const walked: Versioned<Org>[] = [];
        for await (const r of records.list()) walked.push(r);
        const listed = walked.find((r) => r.id === 'walked')!;
        expect(Object.isFrozen(listed)).to.equal(false);
        expect(await records.get('walked')).to.not.equal(listed);
      });

      it('gives exactly one of 20 concurrent deciders the decision; the others see who decided', async () => {
        const records = new CasRecordStore<Decision>(storage.namespace(unique('decisions')));
        await records.compareAndSet('application', 0, {});
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            mutate(records, 'application', (current) =>
              current?.decidedBy
                ? fail('LINK.ALREADY_DECIDED', 'already decided', { by: current.decidedBy })
                : ok({ decidedBy: `reviewer-${i}` }),
            ),
          ),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).to.have.length(1);
        const stored = await records.get('application');
        expect(stored?.version).to.equal(2);
        const winner = stored!.value.decidedBy;
        expect(winners[0].ok && winners[0].value.value.decidedBy).to.equal(winner);
        for (const loser of results.filter((r) => !r.ok)) {
          expect(!loser.ok && loser.error.code).to.equal('LINK.ALREADY_DECIDED');
          expect(!loser.ok && loser.error.params?.by).to.equal(winner);
        }
      });
    });

    describe('CasBotStorage', () => {
      it('reads after write, refuses a stale eTag, lets "*" overwrite, and deletes', async () => {
        const bot = new CasBotStorage(storage.namespace(unique('botstate')));
        expect(await bot.read(['doc'])).to.deep.equal({});
        await bot.write({ doc: { count: 1 } });
        const first = (await bot.read(['doc'])).doc;
        expect(first.count).to.equal(1);
        expect(first.eTag).to.be.a('string');
        await bot.write({ doc: { count: 2, eTag: first.eTag } });
        const second = (await bot.read(['doc'])).doc;
        expect(second.count).to.equal(2);
        expect(second.eTag).to.not.equal(first.eTag);

        const stale = await rejection(() => bot.write({ doc: { count: 3, eTag: first.eTag } }));
        expect(stale?.message).to.match(/eTag conflict/);
        expect((await bot.read(['doc'])).doc.count, 'after the refused write').to.equal(2);

        await bot.write({ doc: { count: 4, eTag: '*' } });
        expect((await bot.read(['doc'])).doc.count).to.equal(4);
        await bot.delete(['doc']);
        expect(await bot.read(['doc'])).to.deep.equal({});
        await bot.delete(['doc']);
      });

      it('lets exactly one of several concurrent writers with the same eTag succeed', async () => {
        const bot = new CasBotStorage(storage.namespace(unique('botstate')));
        await bot.write({ doc: { count: 0 } });
        const { eTag } = (await bot.read(['doc'])).doc;
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => bot.write({ doc: { count: i + 1, eTag } })));
        const succeeded = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i + 1] : []));
        expect(succeeded).to.have.length(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).to.match(/eTag conflict/);
        expect((await bot.read(['doc'])).doc.count, 'what the one winner wrote').to.equal(succeeded[0]);
      });

      it('keeps botbuilder ConversationState from one turn to the next', async () => {
        const namespace = storage.namespace(unique('conversation'));
        const counting = (state: ConversationState) => {
          const count = state.createProperty<number>('count');
          return new TestAdapter(async (context) => {
            const next = (await count.get(context, 0)) + 1;
            await count.set(context, next);
            await context.sendActivity(`turn ${next}`);
            await state.saveChanges(context);
          });
        };
        await counting(new ConversationState(new CasBotStorage(namespace))).send('hi').assertReply('turn 1').startTest();
        // A new state and adapter, as in another turn served by a fresh process: only storage links them.
        await counting(new ConversationState(new CasBotStorage(namespace)))
          .send('again')
          .assertReply('turn 2')
          .send('and again')
          .assertReply('turn 3')
          .startTest();
      });
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
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'csp-broken-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite at a path under a regular file', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    // Opening creates the folder, which cannot exist under a file: either step may be the one to fail.
    const error = await rejection(async () => KeyvBackend.sqlite(join(file, 'db.sqlite')).namespace('any').get('key'));
    expect(error, 'get under a regular file').to.be.instanceOf(Error);
    expect(error?.message).to.match(/EEXIST|ENOTDIR|not a directory|CANTOPEN/i);
  });

  it('SQLite at a folder instead of a file', async () => {
    const storage = KeyvBackend.sqlite(dir);
    try {
      expect(await rejection(() => storage.namespace('any').get('key')), 'get').to.be.instanceOf(Error);
      expect(await rejection(() => storage.namespace('any').compareAndSet('key', undefined, 'v')), 'compare-and-set').to.be.instanceOf(Error);
      expect(await rejection(() => storage.ping()), 'ping').to.be.instanceOf(Error);
    } finally {
      await storage.close();
    }
  });
});

describe('Redis when the server fails', () => {
  before(function () {
    requireRedis(this);
  });

  it('rejects at once while the server is stopped, and recovers when it is back', async () => {
    const server = await startRedis();
    const storage = await RedisBackend.connect(server.url);
    let restarted: RedisServer | undefined;
    try {
      const store = storage.namespace('x');
      expect(await store.compareAndSet('k', undefined, 'v')).to.equal(true);
      await server.stop();

      const started = Date.now();
      expect(await rejection(() => store.get('k')), 'get').to.be.instanceOf(Error);
      expect(await rejection(() => store.compareAndSet('k', 'v', 'w')), 'compare-and-set').to.be.instanceOf(Error);
      expect(await rejection(async () => {
        for await (const entry of store.entries()) expect.fail(`listed ${entry[0]} from a stopped server`);
      }), 'entries').to.be.instanceOf(Error);
      const ping = await rejection(() => storage.ping());
      expect(ping?.message).to.match(/Redis is not connected/);
      expect(Date.now() - started, 'ms to reject four calls').to.be.below(1000);

      // No persistence in the test server: the point is that the same backend works again.
      restarted = await startRedis({ port: server.port });
      const deadline = Date.now() + 5000;
      while ((await rejection(() => storage.ping())) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await rejection(() => storage.ping()), 'ping after the restart').to.equal(undefined);
      expect(await store.compareAndSet('k', undefined, 'again'), 'compare-and-set after the restart').to.equal(true);
      expect(await store.get('k')).to.equal('again');
    } finally {
      await storage.close();
      await restarted?.stop();
      await server.stop();
    }
  });

  it('rejects within the time limit when the server stops answering, and closes anyway', async () => {
    const server = await startRedis();
    const storage = await RedisBackend.connect(server.url, { commandTimeoutMs: 300 });
    try {
      const store = storage.namespace('x');
      await store.compareAndSet('k', undefined, 'v');
      server.pause();
      const started = Date.now();
      const [get, cas, ping] = await Promise.all([
        rejection(() => store.get('k')),
        rejection(() => store.compareAndSet('k', 'v', 'w')),
        rejection(() => storage.ping()),
      ]);
      expect(get?.message).to.match(/did not answer GET within 300 ms/);
      expect(cas?.message).to.match(/did not answer EVAL(SHA)? within 300 ms/);
      expect(ping?.message).to.match(/did not answer PING/);
      expect(Date.now() - started).to.be.below(1000);
      const closing = Date.now();
      await storage.close();
      expect(Date.now() - closing, 'ms to close with a frozen server').to.be.below(1000);
    } finally {
      await storage.close();
      await server.stop();
    }
  });

  it('refuses to connect to a server nobody runs, with the reason and without the password', async () => {
    const server = await startRedis();
    const url = `redis://user:secret@127.0.0.1:${server.port}`;
    await server.stop();
    const started = Date.now();
    const error = await rejection(() => RedisBackend.connect(url));
    expect(error?.message).to.match(/cannot be reached: .*ECONNREFUSED/);
    expect(error?.message).to.not.include('secret');
    expect(Date.now() - started).to.be.below(5000);
  });

  it('refuses a namespace name that could overlap another', async () => {
    const server = await startRedis();
    const storage = await RedisBackend.connect(server.url);
    try {
      expect(() => storage.namespace('a:b')).to.throw(/namespace "a:b"/);
    } finally {
      await storage.close();
      await server.stop();
    }
  });
});
