import { performance } from 'node:perf_hooks';
import { CardRenderer } from '../src/cards/renderer.js';
import { cardsDir } from '../src/paths.js';
import { fixtures } from '../test/cards/fixtures.js';

/** Prints the cost of expanding each card template with its fixture, per card, in both channels. */
export async function benchCards(iterations = 300): Promise<void> {
  const renderer = new CardRenderer(cardsDir);
  console.log(`card expansion (${iterations} renders each, after warm-up)`);
  for (const name of renderer.names()) {
    const view = fixtures[name]?.[0];
    if (!view) continue;
    for (let i = 0; i < 20; i++) renderer.render(name, view, { locale: 'en', channel: 'msteams' });
    const started = performance.now();
    for (let i = 0; i < iterations; i++) renderer.render(name, view, { locale: i % 2 ? 'it' : 'en', channel: i % 3 ? 'msteams' : 'other' });
    const perCard = (performance.now() - started) / iterations;
    console.log(`  ${name.padEnd(28)} ${perCard.toFixed(3)} ms/card`);
  }
}
