import { performance } from 'node:perf_hooks';
import { CardRenderer } from '../src/cards/renderer.js';
import { cardsDir } from '../src/paths.js';
import { fixtures } from '../test/cards/fixtures.js';

/** Elements of a rendered card: every object with a `type` (body elements, actions, inputs). */
function elements(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + elements(item), 0);
  if (!node || typeof node !== 'object') return 0;
  const own = typeof (node as { type?: unknown }).type === 'string' ? 1 : 0;
  return Object.values(node).reduce((n: number, value) => n + elements(value), own);
}

/**
 * Prints the cost of expanding each card template with its fixture, per card, in both channels,
 * then the largest card's: a server renders each card thousands of times, so each is measured
 * once the JIT has compiled the renderer for it (`warmUp` renders), as the median of 5 batches.
 */
export async function benchCards(iterations = 300, warmUp = 1000): Promise<void> {
  const renderer = new CardRenderer(cardsDir);
  console.log(`card expansion (median of 5 batches of ${iterations} renders each, after ${warmUp} renders of warm-up)`);
  let largest: { name: string; elements: number; ms: number } | undefined;
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
    const perCard = batches.sort((a, b) => a - b)[2];
    const count = elements(renderer.render(name, view, { locale: 'en', channel: 'msteams' }));
    if (!largest || count > largest.elements) largest = { name, elements: count, ms: perCard };
    console.log(`  ${name.padEnd(28)} ${perCard.toFixed(3)} ms/card  ${String(count).padStart(3)} elements`);
  }
  if (largest) console.log(`  largest card expansion: ${largest.name}, ${largest.elements} elements: ${largest.ms.toFixed(3)} ms/card (target ≤ 0.15 ms)`);
}
