import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import type { Logger } from '../../src/log.js';
import type { EnrollmentApplication } from '../../src/domain/enrollment/enrollment.js';
import { seedDir } from '../../src/paths.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { privateDir } from '../../src/storage/private-dir.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, textOf, textsOf } from '../support/chat.js';
import { outboxMails } from '../support/mail.js';

type Profile = { partnerId: string; country: string; active: boolean };

const LEGAL = {
  legalName: 'Fabrikam Italia S.r.l.', country: 'IT', line1: 'Via Dante 2', line2: '', city: 'Torino', region: 'TO', postalCode: '10121',
  contactFirstName: 'Luca', contactLastName: 'Bianchi', contactEmail: 'luca.bianchi@fabrikam-italia.example', contactPhone: '+39 011 123 4567',
  supportEmail: 'support@fabrikam-italia.example', supportPhone: '011 123 4568', supportWebsite: 'https://fabrikam-italia.example/support',
};

/** Every file and folder under `dir` with its permission bits, as `path: mode` in octal. */
function modes(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      found[relative(dir, full)] = (statSync(full).mode & 0o777).toString(8);
      if (entry.isDirectory()) visit(full);
    }
  };
  found['.'] = (statSync(dir).mode & 0o777).toString(8);
  visit(dir);
  return found;
}

/** A web chat user through the enrollment up to "Enroll now", which mails the primary contact a code and a link. */
async function enrollUntilVerification(app: RunningAssistant): Promise<Chat> {
  const signIns = (JSON.parse(readFileSync(join(seedDir, 'partner-profiles.json'), 'utf8')) as { signIns: Record<string, Profile[]> }).signIns;
  const [userName, profiles] = Object.entries(signIns).find(([, list]) => list.some((p) => p.country === 'IT' && p.active))!;
  const n = String(Date.now() % 1e12).padStart(12, '0');
  const chat = new Chat(app.baseUrl, { id: `29:at-rest-${n}`, aadObjectId: `aad-at-rest-${n}`, name: 'Luca', tenantId: `00000000-0000-4000-8000-${n}`, channelId: 'msteams' });
  await chat.say('enroll');
  await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
  await chat.submit('enrollment.checklist');
  await chat.submit('enrollment.tenant', { mode: 'existing', country: 'IT' });
  await chat.submit('enrollment.mpnSignIn', { userName });
  await chat.submit('enrollment.mpnSelect', { partnerId: profiles.find((p) => p.country === 'IT' && p.active)!.partnerId });
  await chat.submit('enrollment.legal', LEGAL);
  const shown = cardsOf(await chat.submit('enrollment.enrollNow')).map(textOf).join('\n');
  expect(shown).to.include('Verify the primary contact');
  return chat;
}

/** The code and the link of the one verification mail in the outbox. */
function mailed(dataDir: string): { code: string; link: string } {
  const { text } = outboxMails(dataDir)[0];
  return { code: /\b(\d{6})\b/.exec(text)![1], link: /(http:\/\/\S+\/enrollment\/verify\/\S+)/.exec(text)![1] };
}

/** A logger that keeps its lines, to see what was logged. */
function capturingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe('Files at rest', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'csp-at-rest-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps every file the assistant writes 0600 and every folder 0700, through an enrollment that mails a code', async () => {
    // A data folder that does not exist yet: the assistant creates it.
    const dataDir = join(root, 'data');
    const app = await startAssistant({}, {}, { dataDir, keepData: true });
    try {
      await enrollUntilVerification(app);
      const found = modes(dataDir);
      const eml = Object.keys(found).filter((path) => path.endsWith('.eml'));
      expect(eml, 'the verification mail').to.have.length(1);
      // What is written while the assistant runs: the database with its WAL, the key, the mail.
      expect(found).to.include.keys('assistant.sqlite', 'assistant.sqlite-wal', 'assistant.sqlite-shm', 'signing-keys.json', 'outbox');
      for (const [path, mode] of Object.entries(found)) {
        const folder = statSync(join(dataDir, path)).isDirectory();
        expect(mode, `${path} (${folder ? 'folder' : 'file'})`).to.equal(folder ? '700' : '600');
      }
    } finally {
      await app.stop();
    }
  });

  it('narrows an existing data folder and database open to others when it starts', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'assistant.sqlite'), '', { mode: 0o644 });
    chmodSync(join(dataDir, 'assistant.sqlite'), 0o644);
    mkdirSync(join(dataDir, 'outbox'), { mode: 0o755 });
    chmodSync(join(dataDir, 'outbox'), 0o755);
    const app = await startAssistant({}, {}, { dataDir, keepData: true });
    try {
      expect((await fetch(`${app.baseUrl}/readyz`)).status).to.equal(200);
      await enrollUntilVerification(app);
      const found = modes(dataDir);
      expect(found['.'], 'the data folder').to.equal('700');
      expect(found['assistant.sqlite']).to.equal('600');
      expect(found['assistant.sqlite-wal']).to.equal('600');
      expect(found.outbox).to.equal('700');
    } finally {
      await app.stop();
    }
  });

  it('logs one line and goes on when a folder cannot be made private', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const { log, lines } = capturingLog();
    await privateDir(join(file, 'data'), log);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 40, msg: 'folder could not be made private to this user (0700)' });
  });

  it("leaves another user's folder as it is, and says so in one line", async function () {
    // Only root can give a folder to another user; elsewhere this case cannot be set up.
    if (process.getuid?.() !== 0) this.skip();
    const dir = join(root, 'theirs');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    chownSync(dir, 4242, 4242);
    const { log, lines } = capturingLog();
    await privateDir(dir, log);
    expect((statSync(dir).mode & 0o777).toString(8)).to.equal('755');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 40, dir, mode: '755' });
  });
});

describe('Verification codes at rest', () => {
  it('stores neither the code nor the link token in a way a copy of the record gives away, and the code still verifies', async () => {
    const app = await startAssistant();
    try {
      const chat = await enrollUntilVerification(app);
      const { code, link } = mailed(app.dataDir);
      const token = decodeURIComponent(link.split('/').pop()!);

      // A copy of the stored record, read from the SQLite file the way anyone with the file could.
      const copy = KeyvBackend.sqlite(join(app.dataDir, 'assistant.sqlite'));
      let stored: EnrollmentApplication | undefined;
      try {
        for await (const record of new CasRecordStore<EnrollmentApplication>(copy.namespace('enrollments')).list()) {
          if (record.value.legal?.legalName === LEGAL.legalName) stored = record.value;
        }
      } finally {
        await copy.close();
      }
      const verification = stored?.verification;
      expect(verification?.codeHash, 'the stored code').to.match(/^[0-9a-f]{64}$/);
      const text = JSON.stringify(stored);
      expect(text).to.not.include(token.split('.')[1]);

      // Every 6-digit code through plain SHA-256, as one would reverse the old format: no match.
      const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
      let reversed: string | undefined;
      for (let n = 0; n <= 999_999 && reversed === undefined; n++) {
        const guess = String(n).padStart(6, '0');
        if (sha256(guess) === verification!.codeHash) reversed = guess;
      }
      expect(reversed, 'a code found by brute force').to.equal(undefined);
      expect(verification!.codeHash).to.not.equal(sha256(code));
      expect(verification!.tokenHash).to.not.equal(sha256(token.split('.')[1]));

      const verified = await chat.say(code);
      expect(textsOf(verified).join()).to.include('now under review');
    } finally {
      await app.stop();
    }
  });
});
