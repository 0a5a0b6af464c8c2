import { performance } from 'node:perf_hooks';
import { LOCALES } from '../src/i18n/catalog.js';
import { understandingDir } from '../src/paths.js';
import { BUILT_MODEL, EmbeddedClassifier, holdsModelOf, loadModel } from '../src/understanding/embedded-classifier.js';
import { readTrainingData } from '../src/understanding/utterances.js';
import { evaluate, percent, readTestSet } from './understanding/evaluate.js';

/** Trains the embedded model from the repository's utterances and measures it on the separate test set. */
const started = performance.now();
const classifier = await EmbeddedClassifier.create(readTrainingData(understandingDir));
const trainMs = performance.now() - started;
// What a start pays instead: reading the model the build trained (npm run build), when it is current.
const data = readTrainingData(understandingDir);
let loadMs: number | undefined;
if (await holdsModelOf(BUILT_MODEL, data)) {
  const loading = performance.now();
  await loadModel(BUILT_MODEL);
  loadMs = performance.now() - loading;
}
const items = readTestSet();
const figures = await evaluate(classifier, items);
console.log(
  `understanding: embedded nlp.js network + linear model, trained in ${trainMs.toFixed(0)} ms, ${loadMs === undefined ? 'no current model from the build' : `loaded from the build's model in ${loadMs.toFixed(0)} ms`}; ${items.length} test sentences`,
);
for (const language of LOCALES) {
  const f = figures.byLanguage[language];
  console.log(`  ${language}: intent ${percent(f.intents)} (asked with buttons instead: ${f.asked}), entities ${percent(f.entities)}, answers ${percent(f.answers)}, out-of-scope rejected ${percent(f.outOfScope)}`);
}
console.log(`  time per sentence: p50 ${figures.p50Ms.toFixed(3)} ms, p99 ${figures.p99Ms.toFixed(3)} ms (CPU time: p50 ${figures.cpuP50Ms.toFixed(3)} ms, p99 ${figures.cpuP99Ms.toFixed(3)} ms)`);
if (process.argv.includes('--mistakes')) for (const language of LOCALES) for (const m of figures.byLanguage[language].mistakes) console.log(`  ${language} ${m}`);
