import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sqlite3 from 'sqlite3';
import { KeyvBackend, SQLITE_BUSY_TIMEOUT_MS } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { raceProblems, raceTwo } from '../support/racers.js';

const COUNT = 200;

/** A SQLite file in a new folder with COUNT undecided records, so the race compares against stored values. */
async function seeded(dir: string): Promise<{ url: string; problems: (reports: Parameters<typeof raceProblems>[0]) => Promise<string[]>; close(): Promise<void> }> {
  const file = join(dir, 'race.sqlite');
  const setup = KeyvBackend.sqlite(file);
  const records = new CasRecordStore<{ by?: string }>(setup.namespace('race'));
  const counters = new CasRecordStore<{ n: number }>(setup.namespace('race'));
  for (let i = 0; i < COUNT; i++) expect(await records.compareAndSet(`record-${i}`, 0, {})).to.not.equal(undefined);
  return { url: `sqlite://${file}`, problems: (reports) => raceProblems(reports, COUNT, records, counters), close: () => setup.close() };
}

/** Runs `sql` on its own connection to `file`, as another process would. */
function rawConnection(file: string): { run(sql: string): Promise<void>; close(): Promise<void> } {
  const db = new sqlite3.Database(file);
  return {
    run: (sql) => new Promise((resolve, reject) => db.run(sql, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve()))),
  };
}

describe('SQLite across processes', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'csp-sqlite-race-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each record exactly one winner and loses no update when two processes race on one file', async () => {
    const store = await seeded(dir);
    try {
      const [a, b] = await raceTwo(store.url, COUNT);
      expect(await store.problems([a, b])).to.deep.equal([]);
      expect(a.won.length + b.won.length, 'records decided').to.equal(COUNT);
      // Both processes met conflicts, so their writes did interleave: the test raced for real.
      expect(a.conflicts + b.conflicts, 'write conflicts met').to.be.above(0);
      console.log(`      (write conflicts met: ${a.conflicts} in a, ${b.conflicts} in b; decided: ${a.won.length} by a, ${b.won.length} by b)`);
    } finally {
      await store.close();
    }
  });

  it('would fail with the old get-then-set: two winners for a record or lost increments', async () => {
    // The old write read the value, compared it, then wrote whatever was there by then; its lock
    // was in one process, so both racers could read the same version and both write. The race is
    // a matter of timing, so up to three rounds; in trials every round showed it.
    let problems: string[] = [];
    for (let round = 1; round <= 3 && problems.length === 0; round++) {
      const roundDir = join(dir, `round-${round}`);
      const store = await seeded(roundDir);
      try {
        problems = await store.problems(await raceTwo(store.url, COUNT, 'get-then-set'));
      } finally {
        await store.close();
      }
    }
    console.log(`      (with get-then-set: ${problems.join('; ')})`);
    expect(problems).to.not.deep.equal([]);
  });

  it('waits for a lock another connection holds instead of failing with SQLITE_BUSY', async () => {
    const file = join(dir, 'busy.sqlite');
    const storage = KeyvBackend.sqlite(file);
    const other = rawConnection(file);
    try {
      const store = storage.namespace('busy');
      expect(await store.compareAndSet('k', undefined, 'one')).to.equal(true);
      // Another writer takes the file's write lock and keeps it for a while.
      await other.run('BEGIN IMMEDIATE');
      const held = 700;
      const started = Date.now();
      const release = new Promise<void>((resolve) => setTimeout(() => resolve(other.run('COMMIT')), held));
      const written = await store.compareAndSet('k', 'one', 'two');
      await release;
      expect(written, 'the write once the lock was released').to.equal(true);
      expect(Date.now() - started, 'ms waited').to.be.at.least(held - 50).and.below(SQLITE_BUSY_TIMEOUT_MS);
      expect(await store.get('k')).to.equal('two');
    } finally {
      await other.close();
      await storage.close();
    }
  });
});
