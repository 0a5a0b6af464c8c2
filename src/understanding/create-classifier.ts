import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { understandingDir } from '../paths.js';
import { OUT_OF_SCOPE, type Classification, type TextClassifier } from '../bot/understanding/classifier.port.js';
import type { Locale } from '../i18n/catalog.js';
import { CluClassifier, FallbackClassifier, OpenAiClassifier } from './hosted-classifiers.js';
import { readTrainingData } from './utterances.js';

/**
 * The classifier the configuration names, built on first use or when `warm` is called (the
 * assistant calls it once it listens): the embedded model and @nlpjs cost a start nothing, and a
 * sentence that arrives before the model is ready waits for it.
 */
export class DeferredClassifier implements TextClassifier {
  private built?: Promise<TextClassifier>;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  classify(text: string, locale: Locale): Promise<Classification> {
    return this.load().then((classifier) => classifier.classify(text, locale));
  }

  /** Starts building now; a failure is logged here and met again by the next sentence. */
  warm(): void {
    this.load().catch((error: unknown) => this.log.error({ err: error }, 'the understanding model could not be loaded'));
  }

  private load(): Promise<TextClassifier> {
    if (!this.built) {
      const built = createClassifier(this.config, this.log);
      this.built = built;
      // A failed build is tried again by the next sentence instead of failing every one after it.
      built.catch(() => {
        if (this.built === built) this.built = undefined;
      });
    }
    return this.built;
  }
}

/** Builds the classifier the configuration names; the embedded model is always built, as default or fallback. */
export async function createClassifier(config: Config, log: Logger): Promise<TextClassifier> {
  const data = readTrainingData(understandingDir);
  // @nlpjs is loaded with the model, not with the assistant.
  const { BUILT_MODEL, EmbeddedClassifier } = await import('./embedded-classifier.js');
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
