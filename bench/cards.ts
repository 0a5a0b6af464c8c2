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

/** Prints the cost of expanding each card template with its fixture, per card, in both channels, then the largest card's. */
export async function benchCards(iterations = 300): Promise<void> {
  const renderer = new CardRenderer(cardsDir);
  console.log(`card expansion (${iterations} renders each, after warm-up)`);
  let largest: { name: string; elements: number; ms: number } | undefined;
  for (const name of renderer.names()) {
    const view = fixtures[name]?.[0];
    if (!view) continue;
    for (let i = 0; i < 20; i++) renderer.render(name, view, { locale: 'en', channel: 'msteams' });
    const started = performance.now();
    for (let i = 0; i < iterations; i++) renderer.render(name, view, { locale: i % 2 ? 'it' : 'en', channel: i % 3 ? 'msteams' : 'other' });
    const perCard = (performance.now() - started) / iterations;
    const count = elements(renderer.render(name, view, { locale: 'en', channel: 'msteams' }));
    if (!largest || count > largest.elements) largest = { name, elements: count, ms: perCard };
    console.log(`  ${name.padEnd(28)} ${perCard.toFixed(3)} ms/card  ${String(count).padStart(3)} elements`);
  }
  if (largest) console.log(`  largest card expansion: ${largest.name}, ${largest.elements} elements: ${largest.ms.toFixed(3)} ms/card (target ≤ 0.15 ms)`);
}
