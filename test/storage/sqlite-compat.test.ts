import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import fc from 'fast-check';
import Keyv from 'keyv';
import { entry, foldText } from '../../src/app/ports.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { IndexedCasRecordStore } from '../../src/storage/record-store.js';
import { keyvDecode, keyvEncode } from '../../src/storage/sqlite-backend.js';

/** Values that exercise keyv's encoding: JSON records, a leading ":" (keyv escapes it), ":base64:", quotes, control characters, emoji, non-BMP. */
const VALUES = [
  '{"value":{"n":1},"version":3}',
  ':starts with a colon',
  '::two colons',
  ':base64:aGVsbG8=',
  'quotes " and \\ backslashes \n newlines \t tabs \u0000 nul',
  'Già fatto — “virgolette” 😀 𝄞',
  '',
  'x'.repeat(100_000),
];

/** Keys as the assistant writes them, one that starts with its own namespace (keyv keeps such a key as it is) and one with colons. */
const KEYS = ['plain', 'msteams/conversations/19:abc@thread.v2/users/29:1', 'ns-a:already-prefixed', 'a:b:c'];

/** @keyv/sqlite on `file`, as the assistant wrote SQLite before better-sqlite3 (sqlite3 under keyv). */
function keyvOn(file: string, namespace: string): Keyv<string> {
  return new Keyv<string>({ store: new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5000 }), namespace, throwOnErrors: true });
}

/** The `keyv` table's rows, raw, read with better-sqlite3 outside any backend. */
function rows(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    return new Map((db.prepare('SELECT key, value FROM keyv').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  } finally {
    db.close();
  }
}

describe('SQLite files of @keyv/sqlite and of the better-sqlite3 backend', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'csp-sqlite-compat-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes every string exactly as keyv 5 serializes it, and decodes what keyv writes', async () => {
    const keyv = new Keyv<string>();
    const check = async (value: string) => {
      const serialized = (await keyv.serializeData({ value })) as string;
      expect(keyvEncode(value), JSON.stringify(value.slice(0, 40))).to.equal(serialized);
      expect(keyvDecode(serialized)).to.equal(value);
      expect(((await keyv.deserializeData<string>(keyvEncode(value))) as { value: string }).value).to.equal(value);
    };
    for (const value of VALUES) await check(value);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string().map((s) => `:${s}`)), check), { numRuns: 300 });
  });

  it('reads a file written by @keyv/sqlite, and writes to it with compare-and-set against the values stored there', async () => {
    const file = join(dir, 'assistant.sqlite');
    const written = new Map<string, string>();
    for (const ns of ['ns-a', 'ns-b']) {
      const keyv = keyvOn(file, ns);
      for (const [i, key] of KEYS.entries()) {
        const value = `${VALUES[i % VALUES.length]}|${ns}`;
        await keyv.set(key, value);
        written.set(`${ns} ${key}`, value);
      }
      await keyv.disconnect();
    }
    const before = rows(file);

    const backend = KeyvBackend.sqlite(file);
    try {
      for (const ns of ['ns-a', 'ns-b']) {
        const store = backend.namespace(ns);
        for (const key of KEYS) expect(await store.get(key), `${ns} ${key}`).to.equal(written.get(`${ns} ${key}`));
        // Keys listed as keyv lists them: without the namespace (a key that was already prefixed loses it, as with keyv).
        const listed = new Map<string, string>();
        for await (const [key, value] of store.entries()) listed.set(key, value);
        const keyv = keyvOn(file, ns);
        const expected = new Map<string, string>();
        for await (const [key, value] of keyv.iterator!(undefined)) expected.set(String(key), value as string);
        await keyv.disconnect();
        expect([...listed].sort()).to.deep.equal([...expected].sort());
      }
      expect(rows(file), 'rows after reading').to.deep.equal(before);

      // A compare-and-set against what @keyv/sqlite stored wins, and a stale one loses.
      const a = backend.namespace('ns-a');
      expect(await a.compareAndSet('plain', written.get('ns-a plain'), 'changed')).to.equal(true);
      expect(await a.compareAndSet('plain', written.get('ns-a plain'), 'again')).to.equal(false);
      expect(await a.compareAndSet(KEYS[1], written.get(`ns-a ${KEYS[1]}`), undefined)).to.equal(true);
      expect(await a.get(KEYS[1])).to.equal(undefined);
    } finally {
      await backend.close();
    }
  });

  it('writes a file @keyv/sqlite reads the same, row for row as keyv writes it, with its secondary indexes', async () => {
    const file = join(dir, 'assistant.sqlite');
    type Thing = { group: string; name: string };
    const backend = KeyvBackend.sqlite(file);
    const values = new Map<string, string>();
    try {
      const plain = backend.namespace('ns-a');
      for (const [i, key] of KEYS.entries()) {
        const value = VALUES[(i + 1) % VALUES.length];
        expect(await plain.compareAndSet(key, undefined, value)).to.equal(true);
        values.set(key, value);
      }
      const things = IndexedCasRecordStore.open<Thing, 'byGroup'>(backend, 'things', { byGroup: (t: Thing) => entry(t.group, foldText(t.name)) });
      for (let i = 0; i < 30; i++) expect(await things.compareAndSet(`thing-${i}`, 0, { group: i % 2 ? 'odd' : 'even', name: `Thing ${i}` })).to.not.equal(undefined);
      expect(await things.count('byGroup', 'odd')).to.equal(15);
      const listed: string[] = [];
      for await (const r of things.listBy('byGroup', 'odd')) listed.push(r.value.name);
      expect(listed).to.have.length(15);
    } finally {
      await backend.close();
    }
    await backend.close();

    // keyv reads every value back, and its own writes of the same values are the same bytes.
    const keyv = keyvOn(file, 'ns-a');
    const copy = keyvOn(join(dir, 'keyv-copy.sqlite'), 'ns-a');
    try {
      for (const [key, value] of values) {
        expect(await keyv.get(key), key).to.equal(value);
        await copy.set(key, value);
      }
    } finally {
      await keyv.disconnect();
      await copy.disconnect();
    }
    const ours = rows(file);
    const theirs = rows(join(dir, 'keyv-copy.sqlite'));
    for (const [row, value] of theirs) expect(ours.get(row), row).to.equal(value);

    const records = keyvOn(file, 'things');
    try {
      const record = JSON.parse((await records.get('thing-3'))!) as { value: Thing };
      expect(record.value).to.deep.equal({ group: 'odd', name: 'Thing 3' });
    } finally {
      await records.disconnect();
    }
    // The index tables as the earlier backend made them.
    const db = new Database(file, { readonly: true });
    try {
      const schema = Object.fromEntries((db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[]).map((t) => [t.name, t.sql]));
      expect(schema.keyv).to.equal('CREATE TABLE keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
      expect(schema.record_index).to.match(/^CREATE TABLE record_index \(ns TEXT NOT NULL, idx TEXT NOT NULL, key TEXT NOT NULL, sort TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY \(ns, idx, key, sort, id\)\) WITHOUT ROWID$/);
      expect(db.prepare("SELECT n FROM record_index_count WHERE ns = 'things' AND idx = 'byGroup' AND key = 'odd'").pluck().get()).to.equal(15);
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    } finally {
      db.close();
    }
  });

  it('fails every operation on a file that is not a database with SQLite\'s code and words, as sqlite3 gave them', async () => {
    const file = join(dir, 'not-a-database.sqlite');
    writeFileSync(file, 'These bytes were never a SQLite database. '.repeat(200));
    const backend = KeyvBackend.sqlite(file);
    try {
      for (const op of [() => backend.namespace('x').get('k'), () => backend.namespace('x').compareAndSet('k', undefined, 'v'), () => backend.ping()]) {
        let error: Error | undefined;
        await op().catch((e: Error) => (error = e));
        expect(error?.message).to.equal('SQLITE_NOTADB: file is not a database');
      }
    } finally {
      await backend.close();
    }
  });

  it('closes once however often close() is called, and fails clearly when used after it', async () => {
    const backend = KeyvBackend.sqlite(join(dir, 'closed.sqlite'));
    await backend.ping();
    await Promise.all([backend.close(), backend.close()]);
    await backend.close();
    let error: Error | undefined;
    await backend.namespace('x').get('k').catch((e: Error) => (error = e));
    expect(error?.message).to.match(/is closed/);
  });
});

describe('SQLite write-ahead log', () => {
  it('is checkpointed off the event loop while writes go on, so the log does not grow with every write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csp-sqlite-wal-'));
    const file = join(dir, 'wal.sqlite');
    const backend = KeyvBackend.sqlite(file);
    try {
      const store = backend.namespace('many');
      const value = 'x'.repeat(300);
      // Each write adds at least one 4 KiB page to the log: 6,000 writes unchecked make it over 50 MB.
      for (let i = 0; i < 6000; i++) expect(await store.compareAndSet(`k${i}`, undefined, `${value}${i}`)).to.equal(true);
      // The checkpointing thread runs at least once a second.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await store.compareAndSet('last', undefined, 'v');
      expect(statSync(`${file}-wal`).size, 'bytes of log').to.be.below(32 * 1024 * 1024);
      expect(await store.get('k5999')).to.equal(`${value}5999`);
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite group commit', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'csp-sqlite-group-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('commits the writes asked for in one turn of the event loop together: the log grows by a commit, not by one per write', async () => {
    const file = join(dir, 'group.sqlite');
    const backend = KeyvBackend.sqlite(file);
    try {
      const store = backend.namespace('claims');
      await store.compareAndSet('warm', undefined, 'v');
      const before = statSync(`${file}-wal`).size;
      const written = await Promise.all(Array.from({ length: 40 }, (_, i) => store.compareAndSet(`k${i}`, undefined, `v${i}`)));
      expect(written).to.deep.equal(Array(40).fill(true));
      // One commit of these 40 short rows is a page or two of log; 40 commits would be 40 pages or more.
      expect(statSync(`${file}-wal`).size - before, 'bytes of log').to.be.below(8 * 4096);
      // A race in the batch still has one winner, and each loser is told so.
      const raced = await Promise.all([store.compareAndSet('k1', 'v1', 'a'), store.compareAndSet('k1', 'v1', 'b'), store.compareAndSet('k2', undefined, 'c')]);
      expect(raced).to.deep.equal([true, false, false]);
      expect(await store.get('k1')).to.equal('a');
      expect(rows(file).get('claims:k39')).to.equal(keyvEncode('v39'));
    } finally {
      await backend.close();
    }
  });

  it('undoes a write that fails in a batch on its own: it fails with its reason, the others land', async () => {
    const backend = KeyvBackend.sqlite(join(dir, 'partial.sqlite'));
    try {
      const store = backend.namespace('claims');
      await backend.ping();
      const outcomes = await Promise.allSettled([
        store.compareAndSet('first', undefined, '1'),
        backend.run((c) => {
          c.insert.run('claims:half-written', keyvEncode('x'));
          throw new Error('the work failed after its first statement');
        }, 1),
        store.compareAndSet('last', undefined, '3'),
      ]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason.message).to.equal('the work failed after its first statement');
      expect([await store.get('first'), await store.get('half-written'), await store.get('last')]).to.deep.equal(['1', undefined, '3']);
      // Alone, too.
      const alone = await backend
        .run((c) => {
          c.insert.run('claims:alone', keyvEncode('x'));
          throw new Error('failed alone');
        }, 1)
        .catch((error: Error) => error.message);
      expect([alone, await store.get('alone')]).to.deep.equal(['failed alone', undefined]);
    } finally {
      await backend.close();
    }
  });

  it('commits the writes still waiting when it is closed', async () => {
    const file = join(dir, 'close.sqlite');
    const backend = KeyvBackend.sqlite(file);
    const store = backend.namespace('claims');
    await backend.ping();
    const writes = [store.compareAndSet('a', undefined, '1'), store.compareAndSet('b', undefined, '2')];
    await backend.close();
    expect(await Promise.all(writes)).to.deep.equal([true, true]);
    expect([rows(file).get('claims:a'), rows(file).get('claims:b')]).to.deep.equal([keyvEncode('1'), keyvEncode('2')]);
  });
});

describe('SQLite reads of one turn of the event loop', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'csp-sqlite-reads-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('share one snapshot, which ends with the loop turn: a write after them decides on the latest state, and the next turn reads it', async () => {
    const file = join(dir, 'snapshot.sqlite');
    const backend = KeyvBackend.sqlite(file);
    const other = new Database(file);
    try {
      const store = backend.namespace('claims');
      await store.compareAndSet('seen', undefined, 'before');
      await new Promise((resolve) => setImmediate(resolve));
      // Without waiting for anything else, as turns run: a write asked for (it waits for the group
      // commit), a read, then another process's writes.
      const claim = store.compareAndSet('taken', undefined, 'by this process');
      const first = await store.get('seen');
      other.prepare('INSERT INTO keyv (key, value) VALUES (?, ?)').run('claims:taken', keyvEncode('by the other process'));
      other.prepare('UPDATE keyv SET value = ? WHERE key = ?').run(keyvEncode('after'), 'claims:seen');
      // Still this loop turn: its reads see the file as it was at its first read.
      expect([first, await store.get('seen'), await store.get('taken')]).to.deep.equal(['before', 'before', undefined]);
      // The write is decided on the file as it is when it is committed, not on that snapshot: the
      // other process's row is there, so "create where absent" is refused (and not SQLITE_BUSY_SNAPSHOT).
      expect(await claim).to.equal(false);
      expect(await store.compareAndSet('seen', 'after', 'changed here')).to.equal(true);
      // The next loop turn reads the latest state.
      await new Promise((resolve) => setImmediate(resolve));
      expect([await store.get('seen'), await store.get('taken')]).to.deep.equal(['changed here', 'by the other process']);
      // Nothing is left open once the loop moves on: the other process can write at once.
      await new Promise((resolve) => setImmediate(resolve));
      expect(() => other.prepare('UPDATE keyv SET value = ? WHERE key = ?').run(keyvEncode('last'), 'claims:seen')).to.not.throw();
    } finally {
      other.close();
      await backend.close();
    }
  });

  it('refuses an index scan of no entries or of more than it reads at once, saying so', async () => {
    const backend = KeyvBackend.sqlite(join(dir, 'scan.sqlite'));
    try {
      const store = backend.indexedNamespace('things', () => []);
      for (const limit of [0, 1.5, 1001]) {
        const error = await store.scan({ index: 'byGroup', key: 'g', descending: false, limit }).then(() => undefined, (e: Error) => e);
        expect(error?.message).to.equal(`An index scan reads 1 to 1000 entries, not ${limit}`);
      }
      expect(await store.scan({ index: 'byGroup', key: 'g', descending: false, limit: 1000 })).to.deep.equal([]);
    } finally {
      await backend.close();
    }
  });
});
