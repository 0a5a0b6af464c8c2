import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../src/paths.js';
import { freePort } from '../test/support/free-port.js';

/**
 * Whether something accepts connections on the port: a TCP connect, far cheaper than a refused
 * `fetch` (undici's request machinery each time). On 2 cores the waiting process's CPU competes
 * with the start it measures: polling with `fetch` every 10 ms made the same start ~90 ms slower.
 */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts `command` in the project folder with a fresh DATA_DIR and a free port; resolves with the seconds until GET /readyz answers 200. */
async function timeToReady(command: string, args: string[]): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-start-'));
  const port = await freePort();
  const started = performance.now();
  // Its own process group, so that stopping it stops npm's child too.
  const child = spawn(command, args, { cwd: projectRoot, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}: ${stderr.slice(-500)}`);
      if (performance.now() - started > 120_000) throw new Error(`${command} ${args.join(' ')} was not ready within 120 s`);
      // Listening first (a connect), then ready (GET /readyz answers 200).
      const ready =
        (await accepting(port)) &&
        (await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        ));
      if (ready) return (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Time to ready on a built, unchanged checkout: `npm start` as the README says (npm, the check
 * that dist/ is current, then the server), and the server alone (`node dist/server/main.js`, the bundle `npm start` runs) for the split.
 */
export async function benchStart(starts: number): Promise<void> {
  const npm: number[] = [];
  const node: number[] = [];
  // Untimed: the first start after `npm run build` checks the build once and records it as current.
  await timeToReady('npm', ['start']);
  for (let i = 0; i < starts; i++) {
    npm.push(await timeToReady('npm', ['start']));
    node.push(await timeToReady(process.execPath, ['dist/server/main.js']));
  }
  console.log(`start: a built, unchanged checkout, fresh DATA_DIR, until GET /readyz answers (median of ${starts})`);
  console.log(`  start time, npm start: ${median(npm).toFixed(2)} s (target ≤ 1.5 s)`);
  console.log(`  start time, node dist/server/main.js alone: ${median(node).toFixed(2)} s (the rest is npm and the build check)`);
}
