import { measureCards } from './cards.js';

/** The card measurement in a process of its own (bench/cards.ts): its results go back to the parent. */
const [iterations, warmUp] = process.argv.slice(2).map(Number);
process.send!(measureCards(iterations, warmUp), () => process.disconnect());
