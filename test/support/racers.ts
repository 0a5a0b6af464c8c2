import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordStore } from '../../src/app/ports.js';
import { projectRoot } from '../../src/paths.js';
import type { RaceReport } from './cas-racer.js';

const RACER = join(projectRoot, 'dist', 'test', 'support', 'cas-racer.js');

/** A racer process (test/support/cas-racer.ts): `ready` once it is connected, `report` when it is done. */
export interface Racer {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly report: Promise<RaceReport>;
}

/** Starts a racer on the store at `url`; `mode` "get-then-set" makes it use the old SQLite write. */
export function startRacer(url: string, name: string, count: number, mode?: 'get-then-set'): Racer {
  const child = spawn(process.execPath, ['--enable-source-maps', RACER, url, name, String(count), ...(mode ? [mode] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const report = new Promise<RaceReport>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') ready();
      else resolve(JSON.parse(line) as RaceReport);
    });
    child.once('exit', (code) => reject(new Error(`racer ${name} exited with ${code} before reporting: ${stderr}`)));
  });
  // A racer that dies before "ready" fails the test through `report`, never by waiting forever.
  return { child, ready: Promise.race([readyPromise, report.then(() => undefined)]), report };
}

/** Starts racers "a" and "b" together on `url` and resolves with their reports; kills them if the test fails. */
export async function raceTwo(url: string, count: number, mode?: 'get-then-set'): Promise<[RaceReport, RaceReport]> {
  const racers = ['a', 'b'].map((name) => startRacer(url, name, count, mode));
  try {
    await Promise.all(racers.map((r) => r.ready));
    // Both start together, so that their writes interleave.
    for (const racer of racers) racer.child.stdin!.end('go\n');
    const [a, b] = await Promise.all(racers.map((r) => r.report));
    return [a, b];
  } finally {
    for (const racer of racers) if (racer.child.exitCode === null) racer.child.kill('SIGKILL');
  }
}

/**
 * What went wrong in a race of two racers over `count` records, read back from the store: records
 * nobody or both decided, a stored decision that is not its winner's, increments lost.
 */
export async function raceProblems(
  [a, b]: [RaceReport, RaceReport],
  count: number,
  records: RecordStore<{ by?: string }>,
  counters: RecordStore<{ n: number }>,
): Promise<string[]> {
  const problems: string[] = [];
  const both = a.won.filter((id) => b.won.includes(id));
  if (both.length > 0) problems.push(`${both.length} records both processes were told they decided`);
  if (a.won.length + b.won.length - both.length !== count) problems.push(`${a.won.length + b.won.length - both.length} of ${count} records decided`);
  for (const [name, report] of [['a', a] as const, ['b', b] as const]) {
    for (const id of report.won) {
      const by = (await records.get(id))?.value.by;
      if (by !== name && !both.includes(id)) problems.push(`${id} won by ${name} but stored as decided by ${by}`);
    }
  }
  const counter = await counters.get('counter');
  if (a.increments + b.increments !== 2 * count) problems.push(`${a.increments + b.increments} increments reported`);
  if (counter?.value.n !== 2 * count) problems.push(`the counter is ${counter?.value.n} after ${2 * count} increments`);
  if (counter?.version !== 2 * count) problems.push(`the counter is at version ${counter?.version} after ${2 * count} increments`);
  return problems;
}
