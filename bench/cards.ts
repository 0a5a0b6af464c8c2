import { fork } from 'node:child_process';
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

/** `measureCards` in a new Node.js process (`cards-process.js`), with nothing else run in it before. */
function measureInProcess(iterations: number, warmUp: number): Promise<CardCost[]> {
  const child = fork(fileURLToPath(new URL('./cards-process.js', import.meta.url)), [String(iterations), String(warmUp)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let costs: CardCost[] | undefined;
    child.once('message', (message) => (costs = message as CardCost[]));
    child.once('error', reject);
    child.once('exit', (code) => (costs && code === 0 ? resolve(costs) : reject(new Error(`the card measurement process exited with ${code}`))));
  });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Prints each card's expansion cost, then the largest card's, as medians over `processes` new
 * processes, one after the other. The same renders can take different times in different
 * processes (how V8 happens to compile the walk; BENCHMARKS.md, rounds 13 and 14), and a process
 * that has just driven minutes of load, as the benchmark's own has, is not one that renders cards:
 * so each measurement starts a process of its own, and the largest card's time in every one is printed.
 */
export async function benchCards(iterations: number, warmUp: number, processes: number): Promise<void> {
  console.log(`card expansion (median over ${processes} new process(es) of the median of 5 batches of ${iterations} renders each, after ${warmUp} renders of warm-up)`);
  const runs: CardCost[][] = [];
  for (let i = 0; i < processes; i++) runs.push(await measureInProcess(iterations, warmUp));
  let largest: { name: string; elements: number; ms: number; each: number[] } | undefined;
  for (const { name, elements: count } of runs[0]) {
    const each = runs.map((costs) => costs.find((cost) => cost.name === name)!.ms);
    const ms = median(each);
    if (!largest || count > largest.elements) largest = { name, elements: count, ms, each };
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(3)} ms/card  ${String(count).padStart(3)} elements`);
  }
  if (largest) {
    const each = processes > 1 ? `; in each process ${largest.each.map((ms) => ms.toFixed(3)).join(', ')}` : '';
    console.log(`  largest card expansion: ${largest.name}, ${largest.elements} elements: ${largest.ms.toFixed(3)} ms/card (target ≤ 0.15 ms${each})`);
  }
}
