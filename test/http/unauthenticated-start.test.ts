import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { serverEntry } from '../../src/paths.js';

/** The server as `npm start` runs it. */
const MAIN = serverEntry;

/** Runs `node dist/server/main.js` until it exits or logs "listening" (then stops it). */
function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string; listening: boolean }> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let listening = false;
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    if (!listening && c.toString().includes('"msg":"listening"')) {
      listening = true;
      child.kill('SIGTERM');
    }
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, listening })));
}

describe('Starting without an app id', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'csp-unauth-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to bind a non-loopback address, with one line saying why, and exit code 1', async () => {
    const { code, stderr, listening } = await run({ HOST: '0.0.0.0', PORT: '0', DATA_DIR: dataDir });
    expect(listening).to.equal(false);
    expect(code).to.equal(1);
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).to.match(/^Configuration error: HOST 0\.0\.0\.0 is not a loopback address and MicrosoftAppId is not set/);
    expect(stderr).to.include('ALLOW_UNAUTHENTICATED=true');
  });

  it('starts there when ALLOW_UNAUTHENTICATED=true says so', async () => {
    const { listening } = await run({ HOST: '0.0.0.0', PORT: '0', DATA_DIR: dataDir, ALLOW_UNAUTHENTICATED: 'true' });
    expect(listening).to.equal(true);
  });
});
