import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { projectRoot, serverEntry } from '../../src/paths.js';

/** The server as `npm start` runs it (the bundle), and as `tsc` compiles it. */
const MAIN = serverEntry;
const UNBUNDLED = join(projectRoot, 'dist', 'src', 'main.js');

/** Starts the server (`node dist/server/main.js` unless told) and resolves with the port from its "listening" log line. */
function startProcess(env: Record<string, string>, execArgv: string[] = [], main = MAIN): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null>; output: () => string }> {
  const child = spawn(process.execPath, [...execArgv, main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) resolve({ child, port: JSON.parse(line).port, exited, output: () => out });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out}`)));
  });
}

describe('The assistant process', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'csp-process-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  for (const [what, main, ownModule] of [
    ['the bundle npm start runs', MAIN, '/dist/server/main.js'],
    ['the compiled modules', UNBUNDLED, '/dist/src/http/server.js'],
  ] as const) {
    it(`starts without the modules of sign-in, tokens and stores it does not use (they load with their first use): ${what}`, async () => {
      const trace = join(dataDir, 'modules.txt');
      const tracer = pathToFileURL(join(projectRoot, 'dist', 'test', 'support', 'module-trace.js')).href;
      const { child, port, exited } = await startProcess({ PORT: '0', DATA_DIR: dataDir, MODULE_TRACE_FILE: trace }, ['--import', tracer], main);
      try {
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(200);
        const modules = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
        // The trace works: the server's own code and pino (imported by name) are in it.
        expect(modules.some((url) => url.endsWith(ownModule))).to.equal(true);
        expect(modules.some((url) => url.includes('/node_modules/pino/'))).to.equal(true);
        // The bundle carries zod; the compiled modules import it from node_modules.
        expect(modules.some((url) => url.includes('/node_modules/zod/'))).to.equal(main === UNBUNDLED);
        const packageOf = (url: string) => /\/node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
        const packages = new Set(modules.map(packageOf));
        for (const lazy of ['jose', 'openid-client', 'oauth4webapi', 'oidc-provider', 'nodemailer', 'keyv', '@keyv/redis', '@azure/msal-node']) expect(packages, lazy).to.not.include(lazy);
        // Nor the bundle's chunks of them (the Redis and memory stores, Partner Center).
        expect(modules.filter((url) => /\/dist\/server\/(keyv-backend|redis-backend|partner-center)/.test(url))).to.deep.equal([]);
        // restify and rate-limiter-flexible: only the parts used, never the package's main module with all its plugins and stores.
        expect(modules.filter((url) => /\/node_modules\/(restify|rate-limiter-flexible)\/(lib\/)?index\.js$/.test(url))).to.deep.equal([]);
        // botbuilder is required (src/botbuilder.ts), not imported by name: Node would scan it and all it re-exports for names first.
        expect(modules.filter((url) => url.includes('/node_modules/botbuilder'))).to.deep.equal([]);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    });
  }

  it('stops with one line naming a bad variable and exit code 1', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', PORT: 'eighty', DATA_DIR: dataDir } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).to.match(/^Configuration error: PORT /);
  });

  it('on SIGTERM stops accepting, finishes the turn in flight, and exits 0 within 5 s', async () => {
    const { child, port, exited, output } = await startProcess({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    const body = JSON.stringify({
      type: 'message',
      text: 'help',
      deliveryMode: 'expectReplies',
      channelId: 'emulator',
      conversation: { id: 'c-shutdown' },
      from: { id: 'u-shutdown' },
      recipient: { id: 'assistant' },
    });
    let signalled = 0;
    // Send half of a request, signal, then the rest: the request is in flight during the shutdown.
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 40));
      // Signal only once the server has the request: then it is truly in flight.
      const waitForRequest = setInterval(() => {
        if (!output().includes('"msg":"request started"')) return;
        clearInterval(waitForRequest);
        signalled = Date.now();
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(40)), 200);
      }, 20);
    });
    const { status, text } = await response;
    expect(status).to.equal(200);
    expect(JSON.parse(text).activities).to.have.length(1);
    expect(await exited).to.equal(0);
    expect(Date.now() - signalled).to.be.below(5000);
  });
});
