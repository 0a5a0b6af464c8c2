import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createClient } from '@keyv/redis';
import type { StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { CasConversationLog, CONVERSATION_TTL_MS, openSharedState, type SharedState } from '../../src/storage/shared-state.js';
import { loadKeyring, loadSharedKeyring, rotateSharedKeyring, SharedSignedLinks } from '../../src/storage/signing-key.js';
import { JoseSignedLinks } from '../../src/security/signed-links.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { alteredToken } from '../support/tamper.js';

/** Two instances' connections to one store, and their shared state. */
interface Pair {
  readonly backends: StorageBackend[];
  readonly states: SharedState[];
}

let redis: RedisServer | undefined;
const kinds: { name: string; before(suite: Mocha.Context): Promise<void>; open(): Promise<Pair>; after(): Promise<void> }[] = [
  {
    name: 'memory (one instance)',
    before: async () => undefined,
    open: async () => {
      const backend = KeyvBackend.memory();
      const state = await openSharedState('memory:', backend);
      return { backends: [backend, backend], states: [state, state] };
    },
    after: async () => undefined,
  },
  {
    name: 'Redis (two connections, as two instances)',
    before: async (suite) => {
      requireRedis(suite);
      redis = await startRedis();
    },
    open: async () => {
      const backends = [await RedisBackend.connect(redis!.url), await RedisBackend.connect(redis!.url)];
      return { backends, states: [await openSharedState(redis!.url, backends[0]), await openSharedState(redis!.url, backends[1])] };
    },
    after: async () => redis?.stop(),
  },
];

for (const kind of kinds) {
  describe(`Shared state on ${kind.name}`, function () {
    this.timeout(20_000);
    let pair: Pair;
    let dirs: string[] = [];
    let round = 0;
    const dataDir = () => {
      const dir = mkdtempSync(join(tmpdir(), 'csp-keys-'));
      dirs.push(dir);
      return dir;
    };

    before(async function () {
      await kind.before(this);
    });
    after(async () => kind.after());
    beforeEach(async () => {
      pair = await kind.open();
    });
    afterEach(async () => {
      for (const state of new Set(pair.states)) await state.close();
      for (const backend of new Set(pair.backends)) await backend.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      dirs = [];
    });
    const keyrings = () => pair.backends.map((b) => b.namespace(`signing-keys-${round}`));

    it('creates one signing keyring when two instances start together; a link signed by one verifies on the other', async () => {
      round++;
      const [one, two] = await Promise.all(keyrings().map((store) => loadSharedKeyring({}, store, dataDir())));
      expect(one.current.kid).to.equal(two.current.kid);
      expect(JSON.parse((await keyrings()[0].get('keyring'))!).keys).to.have.length(1);
      const claims = { id: 'inv-1', kind: 'customer-invitation', subject: 's', exp: Math.floor(Date.now() / 1000) + 3600 };
      const token = await new JoseSignedLinks(one).sign(claims);
      expect((await new JoseSignedLinks(two).verify(token, 'customer-invitation', new Date())).ok).to.equal(true);
    });

    it('takes over an instance’s keyring file once: the first one becomes the shared key, others are retired and keep verifying', async () => {
      round++;
      const [first, second] = [dataDir(), dataDir()];
      const fileOne = loadKeyring({}, first);
      const fileTwo = loadKeyring({}, second);
      const shared = await loadSharedKeyring({}, keyrings()[0], first);
      expect(shared.current.kid, 'links made before sharing stay valid').to.equal(fileOne.current.kid);
      const joined = await loadSharedKeyring({}, keyrings()[1], second);
      expect(joined.current.kid).to.equal(fileOne.current.kid);
      expect(joined.previous.map((k) => k.kid)).to.deep.equal([fileTwo.current.kid]);
      // Taken over once: rotating away from it and starting again does not bring it back as new.
      const rotated = await rotateSharedKeyring(keyrings()[0], new Date(Date.now() + 100 * 86_400_000));
      expect(rotated.previous.map((k) => k.kid)).to.deep.equal([fileOne.current.kid]);
      const again = await loadSharedKeyring({}, keyrings()[1], second);
      expect(again.current.kid).to.equal(rotated.current.kid);
      expect(again.previous.map((k) => k.kid)).to.deep.equal([fileOne.current.kid]);
    });

    it('rotates the shared keyring: a link signed before rotation still verifies, new links use the new key', async () => {
      round++;
      const before = await loadSharedKeyring({}, keyrings()[0], dataDir());
      const claims = { id: 'inv-2', kind: 'customer-invitation', subject: 's', exp: Math.floor(Date.now() / 1000) + 3600 };
      const old = await new JoseSignedLinks(before).sign(claims);
      const rotated = await rotateSharedKeyring(keyrings()[1]);
      expect(rotated.current.kid).to.not.equal(before.current.kid);
      const after = await loadSharedKeyring({}, keyrings()[0], dataDir());
      expect(after.current.kid).to.equal(rotated.current.kid);
      expect((await new JoseSignedLinks(after).verify(old, 'customer-invitation', new Date())).ok).to.equal(true);
    });

    it('follows a rotation made while running: a link signed with the new key makes the keyring reload, at most every 10 s', async () => {
      round++;
      const [storeA, storeB] = keyrings();
      let clock = Date.now();
      const running = new SharedSignedLinks(await loadSharedKeyring({}, storeA, dataDir()), () => loadSharedKeyring({}, storeA, dataDir()), () => clock);
      await rotateSharedKeyring(storeB);
      // Instance B restarted after the rotation and signs with the new key.
      const restarted = new JoseSignedLinks(await loadSharedKeyring({}, storeB, dataDir()));
      const claims = { id: 'inv-3', kind: 'customer-invitation', subject: 's', exp: Math.floor(Date.now() / 1000) + 3600 };
      const token = await restarted.sign(claims);
      expect((await running.verify(token, 'customer-invitation', new Date())).ok, 'within 10 s of the last load').to.equal(false);
      clock += 10_001;
      expect((await running.verify(token, 'customer-invitation', new Date())).ok, 'reloaded').to.equal(true);
      expect(await running.sign(claims), 'and signs with the new key').to.equal(token);
      const forged = alteredToken(token);
      clock += 10_001;
      expect(await running.verify(forged, 'customer-invitation', new Date())).to.deep.equal({ ok: false, reason: 'invalid' });
    });

    it('lets INVITATION_SIGNING_KEY override the shared keyring, writing nothing', async () => {
      round++;
      const configured = await loadSharedKeyring({ current: 'c'.repeat(40), previous: ['p'.repeat(40)] }, keyrings()[0], dataDir());
      expect(configured.current.secret).to.equal('c'.repeat(40));
      expect(configured.previous.map((k) => k.secret)).to.deep.equal(['p'.repeat(40)]);
      expect(await keyrings()[0].get('keyring')).to.equal(undefined);
    });

    it('keeps a Direct Line conversation with gapless watermarks when both instances append at once', async () => {
      const id = `dl-test-${++round}`;
      const [one, two] = pair.states.map((s) => s.conversations);
      expect(await one.start(id, { userId: 'u', userName: 'U' })).to.equal(true);
      expect(await two.start(id, { userId: 'other', userName: 'O' })).to.equal(false);
      expect(await two.find(id)).to.deep.equal({ userId: 'u', userName: 'U' });
      const watermarks = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).append(id, JSON.stringify({ n: i }))));
      expect([...watermarks].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      const all = await two.after(id, 0);
      expect(all.map((a) => a.watermark)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await one.after(id, 15)).map((a) => a.watermark)).to.deep.equal([16, 17, 18, 19, 20]);
      await one.rememberClientActivity(id, 'client-1', `${id}|0000003`);
      expect(await two.clientActivity(id, 'client-1')).to.equal(`${id}|0000003`);
      await expectRejected(one.append('dl-never-started', '{}'), /Unknown Direct Line conversation/);
    });

    it('delivers a message published by one instance to a listener on the other, until it stops listening', async () => {
      const topic = `dl:topic-${++round}`;
      const got: string[] = [];
      const stop = await pair.states[0].broadcast.listen(topic, (m) => got.push(m));
      await pair.states[1].broadcast.publish(topic, 'first');
      await waitUntil(() => got.length === 1);
      await stop();
      await pair.states[1].broadcast.publish(topic, 'second');
      await new Promise((r) => setTimeout(r, 100));
      expect(got).to.deep.equal(['first']);
    });

    it('counts a rate limit across instances: past the burst, a wait before the next request', async () => {
      const name = `pages-${++round}`;
      const limits = pair.states.map((s) => s.rateLimits(name, { perSecond: 0.1, burst: 3 }));
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await limits[i % 2].consume('203.0.113.7'));
      expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, false, false]);
      const refused = decisions[3];
      expect(!refused.allowed && refused.retryAfterMs).to.be.within(1, 30_000);
      expect((await limits[1].consume('198.51.100.1')).allowed, 'another address has its own count').to.equal(true);
    });
  });
}

describe('Direct Line conversations in SQLite or memory expire a day after their last activity', () => {
  it('counts an expired conversation as absent and sweeps it with its activities', async () => {
    const backend = KeyvBackend.memory();
    let now = Date.parse('2026-12-01T09:00:00Z');
    const log = new CasConversationLog(backend.namespace('directline'), () => now);
    await log.start('dl-old', { userId: 'u', userName: 'U' });
    await log.append('dl-old', '{"text":"hi"}');
    await log.rememberClientActivity('dl-old', 'c1', 'dl-old|0000000');
    now += CONVERSATION_TTL_MS - 1000;
    await log.append('dl-old', '{"text":"still here"}');
    now += CONVERSATION_TTL_MS - 1000;
    expect(await log.find('dl-old'), 'the last activity renewed it').to.not.equal(undefined);
    expect((await log.after('dl-old', 0)).map((a) => a.watermark)).to.deep.equal([1, 2]);
    now += 2000;
    expect(await log.find('dl-old')).to.equal(undefined);
    expect(await log.after('dl-old', 0)).to.deep.equal([]);
    await log.sweep();
    const left: string[] = [];
    for await (const [key] of backend.namespace('directline').entries()) left.push(key);
    expect(left).to.deep.equal([]);
    await backend.close();
  });
});

describe('Direct Line conversations in Redis are keys with an expiry', function () {
  this.timeout(20_000);
  let server: RedisServer;
  before(async function () {
    requireRedis(this);
    server = await startRedis();
  });
  after(async () => server?.stop());

  it('sets a TTL of a day on every key of a conversation, renewed by each activity', async () => {
    const backend = await RedisBackend.connect(server.url);
    const state = await openSharedState(server.url, backend);
    const probe = createClient({ url: server.url });
    await probe.connect();
    try {
      await state.conversations.start('dl-ttl', { userId: 'u', userName: 'U' });
      await state.conversations.append('dl-ttl', '{}');
      await state.conversations.rememberClientActivity('dl-ttl', 'c', 'dl-ttl|0000000');
      for (const suffix of ['meta', 'n', 'log', 'client']) {
        const ttl = await probe.pTTL(`csp:dl:{dl-ttl}:${suffix}`);
        expect(ttl, suffix).to.be.within(CONVERSATION_TTL_MS - 60_000, CONVERSATION_TTL_MS);
      }
    } finally {
      probe.destroy();
      await state.close();
      await backend.close();
    }
  });
});

async function expectRejected(work: Promise<unknown>, reason: RegExp): Promise<void> {
  try {
    await work;
  } catch (error) {
    expect((error as Error).message).to.match(reason);
    return;
  }
  expect.fail('expected a rejection');
}

async function waitUntil(done: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

