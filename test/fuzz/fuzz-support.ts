import { request } from 'node:http';
import fc from 'fast-check';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';

/**
 * Cases per fuzz target: a few hundred in CI; `FUZZ_RUNS=10000` for the long run whose figures
 * the README gives. Read here, in the tests, never in src/.
 */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 200) || 200);

/** The Direct Line signing key of the fuzzed server, so tests can hold valid tokens. */
export const FUZZ_SIGNING_KEY = 'fuzz-signing-key-0123456789abcdef0123';

/** No answer within this time is a hang. */
export const HANG_MS = 5000;

/** The server under fuzzing: in-memory storage (cheap snapshots), page throttling out of the way. */
export function startFuzzTarget(): Promise<RunningAssistant> {
  return startAssistant({ STORAGE_URL: 'memory:', INVITATION_SIGNING_KEY: FUZZ_SIGNING_KEY, PAGE_RATE_BURST: '100000', PAGE_RATE_PER_SECOND: '10000' });
}

/** Raw HTTP, so paths and headers arrive exactly as generated (fetch would normalize them). */
export function raw(
  baseUrl: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; text: string; ms: number }> {
  const url = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method, path: options.path, headers: { ...(options.headers ?? {}), ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: Date.now() - started }));
        res.on('error', reject);
      },
    );
    req.setTimeout(HANG_MS, () => req.destroy(new Error(`no answer to ${options.method} ${options.path} within ${HANG_MS} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Printable ASCII without spaces: what an HTTP request line may carry. */
const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

/** A path segment: percent-encoded text of any kind, raw printable characters, or broken escapes. */
export const segment: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
  printable.map((s) => s.replace(/[/?#]/g, '')),
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '..', '%2e%2e', 'a%2Fb', '%C0%AF', '%FF%FE', 'x'.repeat(2000)),
);

/** A query string: well-formed pairs, or printable garbage. */
export const query: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.constantFrom('t', 'watermark', 'locale', 'persona', 'lang', 'x'), segment, { maxKeys: 4 }).map((d) => `?${Object.entries(d).map(([k, v]) => `${k}=${v}`).join('&')}`),
  printable.map((s) => `?${s.replace(/#/g, '')}`),
);

/** A request body with the content type it is sent as (some deliberately mismatched). */
export const body: fc.Arbitrary<{ type?: string; body?: string }> = fc.oneof(
  fc.constant({}),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
  fc.string({ maxLength: 80 }).map((s) => ({ type: 'application/json', body: s })),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 5 }).map((d) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(d).toString() })),
  fc.string({ maxLength: 80 }).map((s) => ({ type: 'application/x-www-form-urlencoded', body: s })),
  fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream').map((type) => ({ type, body: '--x\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nabc\r\n--x--\r\n' })),
);
