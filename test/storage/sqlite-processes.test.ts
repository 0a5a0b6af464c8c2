import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import type { Actor } from '../../src/domain/actor.js';
import {
  answerAlreadyEnrolled,
  chooseTenant,
  continueFromChecklist,
  hashSecret,
  issueVerification,
  selectMpnProfile,
  setLegalProfile,
  setPartnerCenterSignIn,
  startEnrollment,
  startReview,
  submit,
  verificationKey,
  verifyContact,
  type EnrollmentApplication,
} from '../../src/domain/enrollment/enrollment.js';
import type { Result } from '../../src/domain/result.js';
import { serverEntry } from '../../src/paths.js';
import { KeyvBackend, SQLITE_BUSY_TIMEOUT_MS } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { startAssistant } from '../support/assistant.js';
import { Chat, textsOf } from '../support/chat.js';
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
  const db = new Database(file, { timeout: 0 });
  return {
    run: async (sql) => void db.exec(sql),
    close: async () => void db.close(),
  };
}

/** The longest time the event loop went without running a timer while `work` ran (ms). */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stall: number }> {
  let last = Date.now();
  let stall = 0;
  const tick = setInterval(() => {
    stall = Math.max(stall, Date.now() - last);
    last = Date.now();
  }, 5);
  try {
    const result = await work();
    return { result, stall: Math.max(stall, Date.now() - last) };
  } finally {
    clearInterval(tick);
  }
}

describe('SQLite across processes', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'csp-sqlite-race-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each record exactly one winner and loses no update when two processes race on one file', async () => {
    // On a busy machine one process can finish before the other is scheduled; such a round proves
    // nothing about racing, so the race runs again (each round must be correct) until writes interleave.
    let conflicts = 0;
    for (let round = 1; round <= 5 && conflicts === 0; round++) {
      const store = await seeded(mkdtempSync(join(dir, `round-${round}-`)));
      try {
        const [a, b] = await raceTwo(store.url, COUNT);
        expect(await store.problems([a, b])).to.deep.equal([]);
        expect(a.won.length + b.won.length, 'records decided').to.equal(COUNT);
        conflicts = a.conflicts + b.conflicts;
        console.log(`      (round ${round}: write conflicts met: ${a.conflicts} in a, ${b.conflicts} in b; decided: ${a.won.length} by a, ${b.won.length} by b)`);
      } finally {
        await store.close();
      }
    }
    // Both processes met conflicts, so their writes did interleave: the test raced for real.
    expect(conflicts, 'write conflicts met').to.be.above(0);
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

  it('opens one new file from two instances at the same moment, 20 times, without SQLITE_BUSY', async () => {
    for (let i = 0; i < 20; i++) {
      const file = join(dir, `together-${i}.sqlite`);
      const [a, b] = [KeyvBackend.sqlite(file), KeyvBackend.sqlite(file)];
      try {
        const won = await Promise.all([a.namespace('leases').compareAndSet('k', undefined, 'a'), b.namespace('leases').compareAndSet('k', undefined, 'b'), a.namespace('other').get('z'), b.namespace('other').get('z')]);
        expect(won.slice(0, 2).filter(Boolean), 'one compare-and-set wins').to.have.length(1);
      } finally {
        await a.close();
        await b.close();
      }
    }
  });

  it('waits for a lock another connection holds instead of failing with SQLITE_BUSY, the event loop running meanwhile', async () => {
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
      const { result: written, stall } = await longestStall(() => store.compareAndSet('k', 'one', 'two'));
      await release;
      expect(written, 'the write once the lock was released').to.equal(true);
      expect(Date.now() - started, 'ms waited').to.be.at.least(held - 50).and.below(SQLITE_BUSY_TIMEOUT_MS);
      // SQLite's own busy wait sleeps on this thread for a few ms per attempt; the rest is timers.
      expect(stall, 'longest ms without a timer while waiting').to.be.below(150);
      expect(await store.get('k')).to.equal('two');
    } finally {
      await other.close();
      await storage.close();
    }
  });

  it('answers reads at once while another connection holds the write lock, and lands every queued write once it is released', async () => {
    const file = join(dir, 'queued.sqlite');
    const storage = KeyvBackend.sqlite(file);
    const other = rawConnection(file);
    try {
      const store = storage.namespace('queued');
      expect(await store.compareAndSet('read-me', undefined, 'here')).to.equal(true);
      await other.run('BEGIN IMMEDIATE');
      const writes = Promise.all(Array.from({ length: 20 }, (_, i) => store.compareAndSet(`k${i}`, undefined, `v${i}`)));
      // WAL: a read needs no lock the writer holds.
      const started = Date.now();
      expect(await store.get('read-me')).to.equal('here');
      expect(Date.now() - started, 'ms for a read during the lock').to.be.below(100);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.run('COMMIT');
      expect(await writes).to.deep.equal(Array(20).fill(true));
      for (let i = 0; i < 20; i++) expect(await store.get(`k${i}`)).to.equal(`v${i}`);
    } finally {
      await other.close();
      await storage.close();
    }
  });

  it('gives up after SQLITE_BUSY_TIMEOUT_MS with a clear error when the lock is never released, and writes nothing', async () => {
    const file = join(dir, 'stuck.sqlite');
    const storage = KeyvBackend.sqlite(file);
    const other = rawConnection(file);
    try {
      const store = storage.namespace('stuck');
      expect(await store.compareAndSet('k', undefined, 'one')).to.equal(true);
      await other.run('BEGIN IMMEDIATE');
      const started = Date.now();
      const { result: error, stall } = await longestStall(() => store.compareAndSet('k', 'one', 'two').then(() => undefined, (e: Error) => e));
      const waited = Date.now() - started;
      expect(error?.message).to.match(/^SQLITE_BUSY: .*stuck\.sqlite stayed locked by another connection for 5 s/);
      expect(waited, 'ms waited').to.be.at.least(SQLITE_BUSY_TIMEOUT_MS).and.below(SQLITE_BUSY_TIMEOUT_MS + 1000);
      expect(stall, 'longest ms without a timer while waiting').to.be.below(150);
      await other.run('ROLLBACK');
      expect(await store.get('k')).to.equal('one');
    } finally {
      await other.close();
      await storage.close();
    }
  });

  it('lists a namespace of 1,200 rows in pages, letting the event loop run between them', async () => {
    const storage = KeyvBackend.sqlite(join(dir, 'pages.sqlite'));
    try {
      const store = storage.namespace('many');
      const other = storage.namespace('many-more');
      await Promise.all(Array.from({ length: 1200 }, (_, i) => store.compareAndSet(`k${String(i).padStart(4, '0')}`, undefined, `v${i}`)));
      expect(await other.compareAndSet('k', undefined, 'not listed')).to.equal(true);
      let turns = 0;
      const tick = setInterval(() => turns++, 0);
      const seen: string[] = [];
      let turnsAtFirst = -1;
      try {
        for await (const [key, value] of store.entries()) {
          if (turnsAtFirst < 0) turnsAtFirst = turns;
          expect(value).to.equal(`v${Number(key.slice(1))}`);
          seen.push(key);
        }
      } finally {
        clearInterval(tick);
      }
      expect(seen).to.have.length(1200);
      expect(new Set(seen).size).to.equal(1200);
      expect(turns - turnsAtFirst, 'timer turns while listing').to.be.at.least(2);
    } finally {
      await storage.close();
    }
  });
});

/** `node dist/server/main.js` (the bundle `npm start` runs) on `dataDir`: a second assistant process; resolves once it listens. */
function startSecondProcess(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [serverEntry], { env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) resolve({ child, port: (JSON.parse(line) as { port: number }).port, exited });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out}`)));
  });
}

/** An application under review for tenant number `i`, built with the domain's own transitions. */
function underReview(i: number): EnrollmentApplication {
  const applicant: Actor = { userId: `web-two-${i}`, name: `Applicant ${i}`, tenantId: `00000000-0000-4000-8000-${String(200000 + i).padStart(12, '0')}`, proof: 'openid', globalAdmin: true };
  const now = new Date();
  const key = verificationKey('a signing key for this test, 32+ characters');
  const done = <T>(result: Result<T>): T => {
    if (!result.ok) throw new Error(`unexpected refusal ${result.error.code}`);
    return result.value;
  };
  let app = startEnrollment({ id: `two-processes-${i}`, actor: applicant, now });
  app = done(answerAlreadyEnrolled(app, false, applicant, now));
  app = done(continueFromChecklist(app, applicant, now));
  app = done(chooseTenant(app, { country: 'IT' }, applicant, now));
  app = done(setPartnerCenterSignIn(app, 'admin@contoso.example', applicant, now));
  app = done(selectMpnProfile(app, { partnerId: String(4900000 + i), organizationName: `Two Processes ${i}`, country: 'IT', active: true }, applicant, now));
  app = done(
    setLegalProfile(app, {
      legalName: `Two Processes ${i} S.r.l.`, country: 'IT', line1: 'Via Roma 1', city: 'Milano', region: 'MI', postalCode: '20121',
      contactFirstName: 'Giulia', contactLastName: 'Rossi', contactEmail: `giulia${i}@contoso-italia.example`, contactPhone: '+39 02 1234 5678',
      supportEmail: 'support@contoso-italia.example', supportPhone: '02 1234 5679',
    }, applicant, now),
  );
  app = issueVerification(done(submit(app, applicant, now)), { codeHash: hashSecret('123456', key), tokenHash: hashSecret('link', key) }, now);
  return done(startReview(verifyContact(app, { code: '123456' }, applicant, now, key).app, now));
}

describe('Two assistant processes on one SQLite file', () => {
  it('records one decision per application when reviewers decide at once on two processes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'csp-two-assistants-'));
    const REVIEWER_IDS = 'reviewer-anna,reviewer-marco';
    const first = await startAssistant({ REVIEWER_IDS }, {}, { dataDir, keepData: true });
    let second: Awaited<ReturnType<typeof startSecondProcess>> | undefined;
    try {
      second = await startSecondProcess({ DATA_DIR: dataDir, REVIEWER_IDS });
      const applications = new CasRecordStore<EnrollmentApplication>(first.assistant.storage.namespace('enrollments'));
      const count = 30;
      const ids = Array.from({ length: count }, (_, i) => `two-processes-${i}`);
      for (let i = 0; i < count; i++) expect(await applications.compareAndSet(ids[i], 0, underReview(i))).to.not.equal(undefined);

      // For every application at once: Anna approves on both processes, Marco rejects on both.
      // With the old get-then-set, about half the runs told two of them that they had decided.
      const reviewer = (id: string, baseUrl: string) => new Chat(baseUrl, { id, aadObjectId: id, name: id, tenantId: 'ffffffff-0000-4000-8000-000000000001', channelId: 'msteams' });
      const secondUrl = `http://127.0.0.1:${second.port}`;
      const clicks = [
        { by: 'reviewer-anna', outcome: 'approved', chat: reviewer('reviewer-anna', first.baseUrl) },
        { by: 'reviewer-marco', outcome: 'rejected', chat: reviewer('reviewer-marco', secondUrl) },
        { by: 'reviewer-anna', outcome: 'approved', chat: reviewer('reviewer-anna', secondUrl) },
        { by: 'reviewer-marco', outcome: 'rejected', chat: reviewer('reviewer-marco', first.baseUrl) },
      ];
      const answers = await Promise.all(
        ids.map((applicationId) =>
          Promise.all(
            clicks.map(({ outcome, chat }) =>
              outcome === 'approved'
                ? chat.submit('enrollment.review.approve', { applicationId })
                : chat.submit('enrollment.review.reject', { applicationId, reason: 'Address could not be verified' }),
            ),
          ),
        ),
      );
      for (const [i, applicationId] of ids.entries()) {
        const told = answers[i].map((replies) => textsOf(replies).some((t) => t.includes('already decided')));
        const winners = clicks.filter((_, c) => !told[c]);
        expect(winners, `clicks on ${applicationId} not told "already decided"`).to.have.length(1);
        const decision = (await applications.get(applicationId))?.value.decision;
        expect({ outcome: decision?.outcome, by: decision?.by }, applicationId).to.deep.equal({ outcome: winners[0].outcome, by: winners[0].by });
      }
    } finally {
      second?.child.kill('SIGTERM');
      await second?.exited;
      await first.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
