import { connect } from 'node:net';
import { expect } from 'chai';
import fc from 'fast-check';
import WebSocket from 'ws';
import { localDirectLine } from '../support/directline.js';
import type { RunningAssistant } from '../support/assistant.js';
import { FUZZ_RUNS, FUZZ_SIGNING_KEY, HANG_MS, query, raw, segment, startFuzzTarget } from './fuzz-support.js';
import { JoseSignedLinks, signingKey } from '../../src/security/signed-links.js';

/** Sends an upgrade request for `path` and resolves with the status code of the answer. */
function upgrade(port: number, path: string, extraHeaders = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`);
    });
    let text = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no answer to the upgrade of ${path} within ${HANG_MS} ms`)), HANG_MS);
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (text.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0));
    });
    socket.on('error', reject);
  });
}

describe('Fuzz: the WebSocket upgrade and stream', function () {
  this.timeout(Math.max(60_000, FUZZ_RUNS * 100));
  let app: RunningAssistant;
  let port: number;
  let token: string;
  let conversationId: string;
  const statuses = new Map<number, number>();

  before(async () => {
    app = await startFuzzTarget();
    port = Number(new URL(app.baseUrl).port);
    ({ token, conversationId } = await (localDirectLine(new JoseSignedLinks({ current: signingKey(FUZZ_SIGNING_KEY), previous: [] })).issue({ userId: 'fuzz-stream', name: 'Stream', proof: 'portal' })));
    expect((await raw(app.baseUrl, { method: 'POST', path: '/v3/directline/conversations', headers: { authorization: `Bearer ${token}` } })).status).to.equal(201);
  });
  after(async () => {
    await app.stop();
    console.log(`      (upgrades: ${[...statuses.values()].reduce((a, b) => a + b, 0)}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))})`);
  });
  afterEach(async () => expect((await raw(app.baseUrl, { method: 'GET', path: '/healthz' })).status).to.equal(200));

  it('answers an upgrade of any path and query with 101, 400, 403 or 404, never throwing', async () => {
    const path = fc.oneof(
      fc.tuple(segment, query).map(([s, q]) => `/v3/directline/conversations/${s}/stream${q}`),
      fc.tuple(fc.constantFrom(encodeURIComponent(conversationId), conversationId), fc.constantFrom(token, `${token}x`, '', '%E0%A4%A'), fc.oneof(fc.constant(''), segment.map((w) => `&watermark=${w}`))).map(([c, t, w]) => `/v3/directline/conversations/${c}/stream?t=${t}${w}`),
      fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
      fc.constantFrom('*', '//', '/v3/directline/conversations//stream', 'http://x/v3/directline/conversations/a/stream'),
    );
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        const status = await upgrade(port, p);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect([101, 400, 403, 404], `${p} → ${status}`).to.include(status);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('keeps serving while stream clients send anything (text, binary, oversized, then vanish)', async () => {
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
      fc.constantFrom(Buffer.alloc(70 * 1024, 7), '{"type":"message"'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), fc.boolean(), async (frames, terminate) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/v3/directline/conversations/${conversationId}/stream?t=${encodeURIComponent(token)}`);
        ws.on('error', () => undefined);
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
        });
        for (const f of frames) if (ws.readyState === ws.OPEN) ws.send(f);
        if (terminate) ws.terminate();
        else ws.close();
      }),
      { numRuns: Math.ceil(FUZZ_RUNS / 4) },
    );
    const posted = await raw(app.baseUrl, { method: 'POST', path: `/v3/directline/conversations/${conversationId}/activities`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'help' }) });
    expect(posted.status).to.equal(200);
  });
});
