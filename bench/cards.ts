import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CardRenderer } from '../src/cards/renderer.js';
import { cardsDir } from '../src/paths.js';
import { fixtures } from '../test/cards/fixtures.js';

/** One card's cost in one process: the median batch's time per render, and the card's elements. */
export interface CardCost {
  readonly name: string;
  readonly ms: number;
  readonly elements: number;
}

/** Elements of a rendered card: every object with a `type` (body elements, actions, inputs). */
function elements(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + elements(item), 0);
  if (!node || typeof node !== 'object') return 0;
  const own = typeof (node as { type?: unknown }).type === 'string' ? 1 : 0;
  return Object.values(node).reduce((n: number, value) => n + elements(value), own);
}

/**
 * The cost of expanding each card template with its fixture, in both channels and languages, in
 * this process: a server renders each card thousands of times, so each is measured once the JIT
 * has compiled the renderer for it (`warmUp` renders), as the median of 5 batches.
 */
export function measureCards(iterations: number, warmUp: number): CardCost[] {
  const renderer = new CardRenderer(cardsDir);
  const costs: CardCost[] = [];
  for (const name of renderer.names()) {
    const view = fixtures[name]?.[0];
    if (!view) continue;
    for (let i = 0; i < warmUp; i++) renderer.render(name, view, { locale: i % 2 ? 'it' : 'en', channel: i % 3 ? 'msteams' : 'other' });
    const batches: number[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const started = performance.now();
      for (let i = 0; i < iterations; i++) renderer.render(name, view, { locale: i % 2 ? 'it' : 'en', channel: i % 3 ? 'msteams' : 'other' });
      batches.push((performance.now() - started) / iterations);
    }
    costs.push({ name, ms: batches.sort((a, b) => a - b)[2], elements: elements(renderer.render(name, view, { locale: 'en', channel: 'msteams' })) });
  }
  return costs;
}

/** `measureCards` in a new Node.js process (`cards-process.js`), with nothing else run in it before; on CPU `cpu` only, when given. */
function measureInProcess(iterations: number, warmUp: number, cpu: number | undefined): Promise<CardCost[]> {
  const script = fileURLToPath(new URL('./cards-process.js', import.meta.url));
  const args = [String(iterations), String(warmUp)];
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  // taskset starts Node.js in its place, which inherits the IPC channel.
  const child: ChildProcess = cpu === undefined ? fork(script, args, { execArgv: [], stdio }) : spawn('taskset', ['-c', String(cpu), process.execPath, script, ...args], { stdio });
  return new Promise((resolve, reject) => {
    let costs: CardCost[] | undefined;
    child.once('message', (message) => (costs = message as CardCost[]));
    child.once('error', reject);
    child.once('exit', (code) => (costs && code === 0 ? resolve(costs) : reject(new Error(`the card measurement process exited with ${code}`))));
  });
}

/**
 * A short loop that allocates as rendering does (small objects and strings), in a new process on
 * CPU `cpu`: its milliseconds. On this machine one CPU at a time can run such code up to 1.7×
 * slower for minutes (round 15), while a loop of arithmetic runs as fast on both.
 */
function allocationLoopMs(cpu: number): number {
  const loop = 'const o=[];const t=performance.now();for(let i=0;i<3e5;i++){o.push({a:i,b:String(i)});if(o.length>1000)o.length=0}process.stdout.write(String(performance.now()-t))';
  const run = spawnSync('taskset', ['-c', String(cpu), process.execPath, '-e', loop], { encoding: 'utf8' });
  const ms = Number(run.stdout);
  return run.status === 0 && Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
}

/** The CPUs a process can be pinned to (with taskset), or none when there is one CPU or no taskset. */
function pinnableCpus(): number[] {
  const count = availableParallelism();
  if (count < 2 || spawnSync('taskset', ['--version']).status !== 0) return [];
  return Array.from({ length: count }, (_, cpu) => cpu);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Prints each card's expansion cost, then the largest card's, as medians over `processes` new
 * processes, one after the other. A process that has just driven minutes of load, as the
 * benchmark's own has, is not one that renders cards, so each measurement starts a process of its
 * own. Each runs on one CPU: the one whose allocation loop was fastest just before it. On this
 * machine one CPU at a time renders up to 1.7× slower for minutes (a neighbour on the host, round
 * 15); the loop's times on every CPU are printed with the largest card's time in each process.
 */
export async function benchCards(iterations: number, warmUp: number, processes: number): Promise<void> {
  const cpus = pinnableCpus();
  const where = cpus.length ? `, each on the CPU whose allocation loop was fastest just before it ("loop": its ms on CPU ${cpus.join('/')})` : '';
  console.log(`card expansion (median over ${processes} new process(es) of the median of 5 batches of ${iterations} renders each, after ${warmUp} renders of warm-up${where})`);
  const runs: { costs: CardCost[]; cpu?: number; loops: number[] }[] = [];
  for (let i = 0; i < processes; i++) {
    const loops = cpus.map(allocationLoopMs);
    const fastest = loops.length && Number.isFinite(Math.min(...loops)) ? cpus[loops.indexOf(Math.min(...loops))] : undefined;
    runs.push({ costs: await measureInProcess(iterations, warmUp, fastest), ...(fastest === undefined ? {} : { cpu: fastest }), loops });
  }
  let largest: { name: string; elements: number; ms: number; each: number[] } | undefined;
  for (const { name, elements: count } of runs[0].costs) {
    const each = runs.map((run) => run.costs.find((cost) => cost.name === name)!.ms);
    const ms = median(each);
    if (!largest || count > largest.elements) largest = { name, elements: count, ms, each };
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(3)} ms/card  ${String(count).padStart(3)} elements`);
  }
  if (largest) {
    const shown = (ms: number, i: number) => {
      const run = runs[i];
      const loops = run.loops.map((loop) => loop.toFixed(0)).join('/');
      return run.cpu === undefined ? ms.toFixed(3) : `${ms.toFixed(3)} (CPU ${run.cpu}; loop ${loops} ms)`;
    };
    const each = processes > 1 || runs[0].cpu !== undefined ? `; in each process ${largest.each.map(shown).join(', ')}` : '';
    console.log(`  largest card expansion: ${largest.name}, ${largest.elements} elements: ${largest.ms.toFixed(3)} ms/card (target ≤ 0.15 ms${each})`);
  }
}
