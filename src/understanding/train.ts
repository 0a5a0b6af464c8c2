import { performance } from 'node:perf_hooks';
import { understandingDir } from '../paths.js';
import { BUILT_MODEL, holdsModelOf, trainTo } from './embedded-classifier.js';
import { readTrainingData } from './utterances.js';

/**
 * Build step (`npm run build`): trains the embedded understanding model from the utterances and
 * saves it as dist/understanding-model.json, so the assistant's start only loads it. Does nothing
 * when the saved model is already of these utterances; a start with a missing or stale model trains.
 */
const data = readTrainingData(understandingDir);
if (await holdsModelOf(BUILT_MODEL, data)) {
  console.log(`understanding model is current: ${BUILT_MODEL}`);
} else {
  const started = performance.now();
  await trainTo(data, BUILT_MODEL);
  console.log(`understanding model trained in ${(performance.now() - started).toFixed(0)} ms: ${BUILT_MODEL}`);
}
