import { stat } from 'node:fs';
import { Socket } from 'node:net';
import { expect } from 'chai';
import { PassBatches } from '../../src/pass-batches.js';
import { RedisBackend } from '../../src/storage/redis-backend.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

/**
 * When a turn's commands leave for Redis, counted in passes of the event loop. A pass counter
 * goes up first thing in every check phase; socket writes are recorded with the pass they happen in.
 */
describe('Redis: what turns let go together ask leaves in the same pass of the event loop', () => {
  let redis: RedisServer;
  let backend: RedisBackend;
  let pass = 0;
  let counting = false;
  const written: { text: string; pass: number }[] = [];
  const write = Socket.prototype.write;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    backend = await RedisBackend.connect(redis.url);
    await backend.namespace('passes').compareAndSet('known', undefined, 'value');
    Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
      written.push({ text: String(chunk), pass });
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    };
    counting = true;
    const tick = () => {
      pass++;
      // Scheduled in a check phase, so first in the next one.
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
  });

  after(async () => {
    counting = false;
    Socket.prototype.write = write;
    await backend?.close();
    await redis?.stop();
  });

  /** The pass in which a command naming `key` was written. */
  const passOf = (key: string) => written.find((w) => w.text.includes(key))?.pass;

  const pings = () => written.filter((w) => /PING/i.test(w.text)).length;

  /**
   * In a poll phase (an I/O callback, as requests are read): `keys.length` turns queued to start
   * together at the end of the pass, each announced to the store when `announce`, each then reading
   * its key. Resolves with the pass they were let go in.
   */
  function turnsReading(keys: string[], announce: boolean): Promise<number> {
    const batches = new PassBatches();
    return new Promise((resolve, reject) => {
      stat('.', () => {
        const turns = keys.map((key) => {
          const started = batches.next();
          if (announce) backend.sendWithThisPass();
          return started.then(() => {
            const releasedIn = pass;
            return backend.namespace('passes').get(key).then(() => releasedIn);
          });
        });
        Promise.all(turns).then((passes) => resolve(passes[0]), reject);
      });
    });
  }

  it('writes the reads of turns let go together at the end of a pass in that pass, when told they are coming', async () => {
    const before = pings();
    const releasedIn = await turnsReading(['announced-1', 'announced-2', 'announced-3'], true);
    expect(passOf('announced-1')).to.equal(releasedIn);
    expect(passOf('announced-3')).to.equal(releasedIn);
    // One PING for the pass, however many turns it lets go.
    expect(pings() - before).to.equal(1);
  });

  it("(without being told, node-redis's own scheduling writes them a pass later: why the assistant tells it)", async () => {
    const releasedIn = await turnsReading(['unannounced-1', 'unannounced-2'], false);
    expect(passOf('unannounced-1')).to.equal(releasedIn + 1);
  });

  it('sends no PING for a lone turn (an idle server: nothing else in its pass to wait behind)', async () => {
    const before = pings();
    await turnsReading(['lone'], true);
    expect(pings() - before).to.equal(0);
  });

  it('writes what turns ask after replies they were let go with in the pass that let them go', async () => {
    const store = backend.namespace('passes');
    // Asked together, answered together: both replies are read in one poll phase and let go at its end.
    const continuedIn = await Promise.all([store.get('known'), store.get('known')]).then(() => pass);
    await store.get('after-replies');
    expect(passOf('after-replies')).to.equal(continuedIn);
  });
});
