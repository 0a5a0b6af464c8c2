import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { entry, foldText, wordEntries, type Versioned } from '../../src/app/ports.js';
import type { StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasRecordStore, IndexedCasRecordStore } from '../../src/storage/record-store.js';
import { createRedisClient, RedisBackend } from '../../src/storage/redis-backend.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

/** A record with a group (the index key), a name (the sort key and the searched words) and a counter. */
type Thing = { group: string; name: string; n?: number };

const INDEXES = {
  byGroup: (t: Thing) => entry(t.group, foldText(t.name)),
  search: (t: Thing) => wordEntries(t.group, t.name, foldText(t.name)),
};

/** One backend under the contract; `second` opens another connection to the same data (another process's view). */
interface Backend {
  name: string;
  before?(suite: Mocha.Context): Promise<void>;
  open(): Promise<StorageBackend>;
  after?(): Promise<void>;
}

let redis: RedisServer | undefined;
let dir = '';
let shared: KeyvBackend | undefined;

const backends: Backend[] = [
  {
    name: 'memory',
    // Memory lives in one process: "another connection" is the same backend.
    before: async () => {
      shared = KeyvBackend.memory();
    },
    open: async () => shared!,
  },
  {
    name: 'SQLite',
    before: async () => {
      dir = mkdtempSync(join(tmpdir(), 'csp-index-'));
    },
    open: async () => KeyvBackend.sqlite(join(dir, 'index.sqlite')),
    after: async () => rmSync(dir, { recursive: true, force: true }),
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
  {
    // A store that keeps no indexes (a test's stand-in backend): the same answers, computed from scans.
    name: 'stand-in without indexes',
    before: async () => {
      shared = KeyvBackend.memory();
    },
    open: async () => ({ kind: 'memory', namespace: (name: string) => shared!.namespace(name), ping: () => shared!.ping(), close: async () => undefined }),
  },
];

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now()}-${++counter}`;

async function all<T>(list: AsyncIterable<Versioned<T>>): Promise<Versioned<T>[]> {
  const found: Versioned<T>[] = [];
  for await (const r of list) found.push(r);
  return found;
}

/** Every page of `group` with `limit`, following the next cursors; `between` runs after each page. */
async function pages(store: IndexedCasRecordStore<Thing, 'byGroup' | 'search'>, group: string, limit: number, between?: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 1; page < 1000; page++) {
    const found = await store.page('byGroup', group, { cursor, limit });
    if (!found.ok) throw new Error(found.error.code);
    seen.push(...found.value.records.map((r) => r.id));
    if (!found.value.next) return seen;
    cursor = found.value.next;
    await between?.(page);
  }
  throw new Error('paging did not end');
}

for (const backend of backends) {
  describe(`Secondary indexes: ${backend.name}`, function () {
    this.timeout(30000);
    let storage: StorageBackend;
    const opened: StorageBackend[] = [];
    const open = async () => {
      const s = await backend.open();
      opened.push(s);
      return s;
    };
    before(async function () {
      await backend.before?.(this);
      storage = await open();
    });
    after(async () => {
      for (const s of new Set(opened)) await s.close();
      await backend.after?.();
    });

    it('lists records under their index key in (sort, id) order, moves an entry when its key changes, and drops it on delete', async () => {
      const store = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(storage, unique('things'), INDEXES);
      await store.compareAndSet('c', 0, { group: 'g1', name: 'Charlie' });
      await store.compareAndSet('a', 0, { group: 'g1', name: 'alpha' });
      await store.compareAndSet('b', 0, { group: 'g2', name: 'Bravo' });
      const names = async (group: string) => (await all(store.listBy('byGroup', group))).map((r) => r.value.name);
      expect(await names('g1')).to.deep.equal(['alpha', 'Charlie']);
      expect(await store.count('byGroup', 'g1')).to.equal(2);
      const moved = await store.compareAndSet('a', 1, { group: 'g2', name: 'alpha' });
      expect(moved?.version).to.equal(2);
      expect(await names('g1')).to.deep.equal(['Charlie']);
      expect(await names('g2')).to.deep.equal(['alpha', 'Bravo']);
      expect(await store.delete('b', 1)).to.equal(true);
      expect(await names('g2')).to.deep.equal(['alpha']);
      expect(await store.count('byGroup', 'g2')).to.equal(1);
      expect(await store.count('byGroup', 'g1')).to.equal(1);
      expect(await store.delete('c', 7), 'a delete with a stale version').to.equal(false);
      expect(await names('g1')).to.deep.equal(['Charlie']);
    });

    it('keeps the entries of the winner only when two writers race on one record', async () => {
      const name = unique('race');
      const store = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(storage, name, INDEXES);
      // A second connection writes too (another process on SQLite and Redis).
      const other = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(await open(), name, INDEXES);
      for (let round = 0; round < 20; round++) {
        const id = `r${round}`;
        await store.compareAndSet(id, 0, { group: 'start', name: id });
        const [a, b] = await Promise.all([store.compareAndSet(id, 1, { group: 'won-a', name: id }), other.compareAndSet(id, 1, { group: 'won-b', name: id })]);
        expect([a, b].filter(Boolean), `round ${round}: one winner`).to.have.length(1);
      }
      const inA = await all(store.listBy('byGroup', 'won-a'));
      const inB = await all(store.listBy('byGroup', 'won-b'));
      expect(inA.length + inB.length).to.equal(20);
      expect(await store.count('byGroup', 'won-a')).to.equal(inA.length);
      expect(await store.count('byGroup', 'won-b')).to.equal(inB.length);
      expect(await store.count('byGroup', 'start')).to.equal(0);
      for (const r of [...inA, ...inB]) expect((await store.get(r.id))?.value.group).to.equal(r.value.group);
    });

    it('indexes records written before the indexes existed, once, even when two processes backfill at once while a writer works', async () => {
      const name = unique('legacy');
      const plain = new CasRecordStore<Thing>(storage.namespace(name));
      for (let i = 0; i < 120; i++) await plain.compareAndSet(`p${i}`, 0, { group: i % 2 ? 'odd' : 'even', name: `item ${String(i).padStart(3, '0')}` });
      // Two other connections open the indexes at once (two instances starting); a writer changes records meanwhile.
      const [one, two] = [await open(), await open()];
      const first = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(one, name, INDEXES);
      const second = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(two, name, INDEXES);
      const writer = (async () => {
        for (let i = 0; i < 120; i += 10) {
          const current = await first.get(`p${i}`);
          await first.compareAndSet(`p${i}`, current!.version, { ...current!.value, group: 'moved' });
        }
      })();
      await Promise.all([first.backfill(), second.backfill(), writer]);
      // And once more: a second backfill adds nothing.
      await IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(await open(), name, INDEXES).backfill();
      for (const group of ['odd', 'even', 'moved']) {
        const listed = await all(second.listBy('byGroup', group));
        const expected = (await all(plain.list())).filter((r) => r.value.group === group).map((r) => r.id).sort();
        expect(listed.map((r) => r.id).sort(), group).to.deep.equal(expected);
        expect(new Set(listed.map((r) => r.id)).size, `${group}: each once`).to.equal(listed.length);
        if (backend.name !== 'stand-in without indexes') expect(await second.count('byGroup', group), `${group} count`).to.equal(expected.length);
      }
      expect(await second.count('byGroup', 'moved')).to.equal(12);
    });

    it('pages by cursor visiting every record once, even with writes between pages', async () => {
      const store = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(storage, unique('paging'), INDEXES);
      const ids = Array.from({ length: 53 }, (_, i) => `id${String(i).padStart(2, '0')}`);
      for (const id of ids) await store.compareAndSet(id, 0, { group: 'g', name: `Name ${id.slice(-1)}` });
      const seen = await pages(store, 'g', 7, async (page) => {
        // Another user writes between pages: updates (same sort key), new records, a delete.
        const some = await store.get(ids[(page * 11) % ids.length]);
        await store.compareAndSet(some!.id, some!.version, { ...some!.value, n: page });
        await store.compareAndSet(`new${page}`, 0, { group: 'g', name: `Name ${page}` });
        if (page === 3) await store.delete('id52', (await store.get('id52'))!.version);
      });
      expect(new Set(seen).size, 'no record twice').to.equal(seen.length);
      const untouched = ids.filter((id) => id !== 'id52');
      for (const id of untouched) expect(seen, id).to.include(id);
    });

    it('pages back with the previous cursor, descending on request, and by word prefix with each record once', async () => {
      const store = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(storage, unique('both-ways'), INDEXES);
      const names = ['Contoso Consulting', 'Fabrikam', 'Contoso', 'Northwind Traders', 'Adatum', 'Consolidated Messenger', 'Tailspin Toys'];
      for (const [i, name] of names.entries()) await store.compareAndSet(`t${i}`, 0, { group: 'g', name });
      const sorted = [...names].sort((a, b) => (foldText(a) < foldText(b) ? -1 : 1));
      const first = await store.page('byGroup', 'g', { limit: 3 });
      if (!first.ok) throw new Error('first page');
      expect(first.value.records.map((r) => r.value.name)).to.deep.equal(sorted.slice(0, 3));
      expect(first.value.previous).to.equal(undefined);
      const second = await store.page('byGroup', 'g', { limit: 3, cursor: first.value.next });
      if (!second.ok) throw new Error('second page');
      expect(second.value.records.map((r) => r.value.name)).to.deep.equal(sorted.slice(3, 6));
      const back = await store.page('byGroup', 'g', { limit: 3, cursor: second.value.previous });
      if (!back.ok) throw new Error('back');
      expect(back.value.records.map((r) => r.value.name)).to.deep.equal(sorted.slice(0, 3));
      expect(back.value.previous, 'nothing before the first page').to.equal(undefined);
      const forward = await store.page('byGroup', 'g', { limit: 3, cursor: back.value.next });
      expect(forward.ok && forward.value.records.map((r) => r.value.name)).to.deep.equal(sorted.slice(3, 6));
      const newest = await store.page('byGroup', 'g', { limit: 2, descending: true });
      expect(newest.ok && newest.value.records.map((r) => r.value.name)).to.deep.equal([...sorted].reverse().slice(0, 2));
      // "con" starts two words of "Contoso Consulting": it is listed once.
      const found = await all(store.listBy('search', 'g', { prefix: 'con' }));
      expect(found.map((r) => r.value.name).sort()).to.deep.equal(['Consolidated Messenger', 'Contoso', 'Contoso Consulting']);
      expect(await store.count('search', 'g', 'con')).to.equal(3);
      expect((await all(store.listBy('search', 'g', { prefix: 'toys' }))).map((r) => r.value.name)).to.deep.equal(['Tailspin Toys']);
      const paged = await store.page('search', 'g', { prefix: 'con', limit: 2 });
      if (!paged.ok) throw new Error('search page');
      const rest = await store.page('search', 'g', { prefix: 'con', limit: 2, cursor: paged.value.next });
      expect(rest.ok && [...paged.value.records, ...rest.value.records].map((r) => r.id).sort()).to.deep.equal(found.map((r) => r.id).sort());
    });

    it('answers a hostile cursor with LIST.BAD_CURSOR and continues from a stale one', async () => {
      const store = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(storage, unique('hostile'), INDEXES);
      for (let i = 0; i < 5; i++) await store.compareAndSet(`h${i}`, 0, { group: 'g', name: `n${i}` });
      const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
      for (const cursor of ['', 'not a cursor!', 'x'.repeat(5000), b64('not json'), b64({ d: 2, s: 'a', i: 'b' }), b64({ d: 0, s: 1, i: 'b' }), b64({ d: 0, s: 'a', i: '' }), b64([1, 2]), b64(null), b64({ d: 0, s: 'a', i: 'b', b: 'yes' })]) {
        const page = await store.page('byGroup', 'g', { cursor, limit: 2 });
        expect(page.ok, cursor.slice(0, 40)).to.equal(false);
        if (!page.ok) expect(page.error).to.include({ code: 'LIST.BAD_CURSOR', messageKey: 'common.errors.badCursor' });
      }
      const first = await store.page('byGroup', 'g', { limit: 2 });
      if (!first.ok) throw new Error('first');
      // The record the cursor points at goes away: the next page still starts after its place.
      await store.delete('h1', 1);
      const next = await store.page('byGroup', 'g', { limit: 2, cursor: first.value.next });
      expect(next.ok && next.value.records.map((r) => r.id)).to.deep.equal(['h2', 'h3']);
    });
  });
}

describe('Secondary indexes on Redis: round trips', function () {
  this.timeout(30000);
  let server: RedisServer;
  let backend: RedisBackend;
  let watcher: ReturnType<typeof createRedisClient>;
  before(async function () {
    requireRedis(this);
    server = await startRedis();
    backend = await RedisBackend.connect(server.url);
    watcher = createRedisClient(server.url, 3);
    await watcher.connect();
  });
  after(async () => {
    watcher?.destroy();
    await backend?.close();
    await server?.stop();
  });

  /**
   * Commands the server ran since the last reset, by name (INFO commandstats, which also counts the
   * commands a script runs: its ZRANGE, and its GETs, left out here), the watcher's own left out.
   */
  async function commandsSince(): Promise<Record<string, number>> {
    const info = await watcher.info('commandstats');
    await watcher.configResetStat();
    const counts: Record<string, number> = {};
    for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!['info', 'config|resetstat', 'get'].includes(name)) counts[name] = Number(calls);
    return counts;
  }

  it('reads a page of an index and its records in one command, whichever way and from wherever it starts', async () => {
    const store = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(backend, unique('one-trip'), INDEXES);
    for (const name of ['Contoso', 'Fabrikam', 'Litware', 'Proseware', 'Wingtip']) await store.compareAndSet(name, 0, { group: 'g', name });
    await store.page('byGroup', 'g', { limit: 2 });
    await watcher.configResetStat();
    const first = await store.page('byGroup', 'g', { limit: 2 });
    // One script: its ZRANGE and the records' GETs run inside it, in the same round trip.
    expect(await commandsSince()).to.deep.equal({ evalsha: 1, zrange: 1 });
    if (!first.ok) throw new Error('first page');
    expect(first.value.records.map((r) => r.value.name)).to.deep.equal(['Contoso', 'Fabrikam']);
    const next = await store.page('byGroup', 'g', { limit: 2, cursor: first.value.next });
    const back = next.ok ? await store.page('byGroup', 'g', { limit: 2, cursor: next.value.previous }) : undefined;
    const newest = await store.page('byGroup', 'g', { limit: 2, descending: true });
    const searched = await store.page('search', 'g', { prefix: 'pro', limit: 5 });
    expect(await commandsSince(), 'four pages').to.deep.equal({ evalsha: 4, zrange: 4 });
    expect([next, back, newest, searched].map((p) => p?.ok && p.value.records.map((r) => r.value.name))).to.deep.equal([
      ['Litware', 'Proseware'],
      ['Contoso', 'Fabrikam'],
      ['Wingtip', 'Proseware'],
      ['Proseware'],
    ]);
    // A server that lost its scripts (a restart, a failover) is sent the script itself, once.
    await watcher.scriptFlush();
    await watcher.configResetStat();
    const again = await store.page('byGroup', 'g', { limit: 2 });
    expect(again.ok && again.value.records.map((r) => r.value.name)).to.deep.equal(['Contoso', 'Fabrikam']);
    expect(await commandsSince()).to.deep.equal({ evalsha: 1, eval: 1, zrange: 1 });
  });

  it('writes by compare-and-set, with and without indexes, on a server that lost its scripts', async () => {
    const plain = backend.namespace(unique('plain'));
    expect(await plain.get('k')).to.equal(undefined);
    expect(await plain.compareAndSet('k', undefined, 'a'), 'an insert').to.equal(true);
    expect(await plain.compareAndSet('k', undefined, 'z'), 'a second insert').to.equal(false);
    const store = IndexedCasRecordStore.open<Thing, 'byGroup' | 'search'>(backend, unique('flushed'), INDEXES);
    await store.compareAndSet('Contoso', 0, { group: 'g', name: 'Contoso' });
    const read = await store.get('Contoso');
    await watcher.scriptFlush();
    await watcher.configResetStat();
    // The script is sent itself once, after the server said it does not know its digest.
    expect(await plain.compareAndSet('k', 'a', 'b'), 'an update').to.equal(true);
    const commands = await commandsSince();
    expect([commands.evalsha, commands.eval]).to.deep.equal([1, 1]);
    expect(await plain.compareAndSet('k', 'a', 'c'), 'an update from a stale value').to.equal(false);
    expect(await plain.get('k')).to.equal('b');
    expect(await plain.compareAndSet('k', 'b', undefined), 'a delete').to.equal(true);
    expect(await plain.get('k')).to.equal(undefined);
    expect(await store.compareAndSet('Contoso', read!, { group: 'h', name: 'Contoso' }), 'an indexed update').to.not.equal(undefined);
    const [moved, left] = await Promise.all([store.page('byGroup', 'h', { limit: 5 }), store.page('byGroup', 'g', { limit: 5 })]);
    expect([moved.ok && moved.value.records.map((r) => r.value.name), left.ok && left.value.records.length]).to.deep.equal([['Contoso'], 0]);
  });
});
