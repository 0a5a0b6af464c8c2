import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { understandingDir } from '../paths.js';
import { OUT_OF_SCOPE, type TextClassifier } from '../bot/understanding/classifier.port.js';
import { BUILT_MODEL, EmbeddedClassifier } from './embedded-classifier.js';
import { CluClassifier, FallbackClassifier, OpenAiClassifier } from './hosted-classifiers.js';
import { readTrainingData } from './utterances.js';

/** Builds the classifier the configuration names; the embedded model is always built, as default or fallback. */
export async function createClassifier(config: Config, log: Logger): Promise<TextClassifier> {
  const data = readTrainingData(understandingDir);
  // The model trained at build time; else one saved at an earlier start; else trained now and saved.
  const saved = join(config.dataDir, 'understanding-model.json');
  const embedded = await EmbeddedClassifier.create(data, { read: [BUILT_MODEL, saved], write: saved });
  const hosted = config.understanding;
  if (hosted.kind === 'embedded') return embedded;
  const model = { endpoint: hosted.endpoint, key: hosted.key, project: hosted.project, deployment: hosted.deployment, timeoutMs: hosted.timeoutMs };
  const examples = Object.fromEntries(Object.entries(data.en).map(([intent, sentences]) => [intent, sentences[0]]));
  delete examples[OUT_OF_SCOPE];
  const primary = hosted.kind === 'azure-clu' ? new CluClassifier(model) : new OpenAiClassifier(model, examples);
  return new FallbackClassifier(primary, embedded, log);
}
