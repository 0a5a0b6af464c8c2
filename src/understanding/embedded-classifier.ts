import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Nlp } from '@nlpjs/nlp';
import { LangEn } from '@nlpjs/lang-en-min';
import { LangIt } from '@nlpjs/lang-it';
import { LOCALES, type Locale } from '../i18n/catalog.js';
import { NO_INTENT, OUT_OF_SCOPE, type Classification, type TextClassifier } from '../bot/understanding/classifier.port.js';
import { SpellingCorrector, words } from './spelling.js';
import type { TrainingData } from './utterances.js';

/** The intent of asking for help. */
const HELP = 'menu.help';

const NLP_VERSION = (createRequire(import.meta.url)('@nlpjs/nlp/package.json') as { version: string }).version;

/** Models trained in this process, by training data hash: several assistants in one process (tests) train once. */
const trained = new Map<string, Promise<Nlp>>();

/**
 * The embedded classifier: an nlp.js model of both languages trained from the utterances kept in the
 * repository, in process and offline. Each sentence is read in English and in Italian and the
 * language whose best intent is surer wins, so the user's locale is a tie-breaker, not a rule.
 */
export class EmbeddedClassifier implements TextClassifier {
  private constructor(
    private readonly nlp: Nlp,
    private readonly spelling: Readonly<Record<Locale, SpellingCorrector>>,
    private readonly domainWords: Readonly<Record<Locale, ReadonlySet<string>>>,
  ) {}

  /**
   * Builds the model: from `cacheFile` when it holds a model of the same training data and nlp.js
   * version, else by training (about a second) and writing the cache for the next start.
   */
  static async create(data: TrainingData, cacheFile?: string): Promise<EmbeddedClassifier> {
    const hash = createHash('sha256').update(NLP_VERSION).update(JSON.stringify(data)).digest('hex');
    let model = trained.get(hash);
    if (!model) {
      model = load(data, hash, cacheFile);
      trained.set(hash, model);
      model.catch(() => trained.delete(hash));
    }
    const spelling = Object.fromEntries(LOCALES.map((l) => [l, new SpellingCorrector(Object.values(data[l]).flat())])) as Record<Locale, SpellingCorrector>;
    const domainWords = Object.fromEntries(LOCALES.map((l) => [l, telling(data[l])])) as Record<Locale, Set<string>>;
    return new EmbeddedClassifier(await model, spelling, domainWords);
  }

  /**
   * Classifies one sentence in the language most of its words belong to (the user's language when
   * both fit as well), after correcting typing mistakes against that language's words.
   */
  async classify(text: string, locale: Locale): Promise<Classification> {
    let language = locale;
    let best = this.spelling[locale].known(text);
    for (const other of LOCALES) {
      const known = this.spelling[other].known(text);
      if (known > best) {
        best = known;
        language = other;
      }
    }
    const corrected = this.spelling[language].correct(text);
    const result = await this.nlp.process(language, corrected);
    // Not one word of the assistant's work: text about something else, or not understood, whatever else the model guesses.
    if (!words(corrected).some((w) => this.domainWords[language].has(w)) && result.intent !== OUT_OF_SCOPE) {
      return { intents: [{ intent: NO_INTENT, score: 1 }], language };
    }
    return { intents: (result.classifications ?? []).map((c) => ({ intent: c.intent, score: c.score })), language };
  }
}

/**
 * The words that tell the assistant's work apart: they occur in the sentences of a few intents
 * (not in most of them, like "the" or "show") and never in the out-of-scope examples.
 */
function telling(utterances: Readonly<Record<string, readonly string[]>>): Set<string> {
  const intentsOf = new Map<string, Set<string>>();
  for (const [intent, sentences] of Object.entries(utterances)) {
    for (const word of sentences.flatMap((s) => words(s))) {
      const set = intentsOf.get(word) ?? new Set<string>();
      set.add(intent);
      intentsOf.set(word, set);
    }
  }
  const limit = Math.max(3, Math.floor(Object.keys(utterances).length / 4));
  // Asking for help is said with everyday words ("what can you do"), which count for it.
  const help = new Set((utterances[HELP] ?? []).flatMap((s) => words(s)));
  return new Set(
    [...intentsOf].filter(([word, intents]) => !intents.has(OUT_OF_SCOPE) && (intents.size <= limit || help.has(word))).map(([word]) => word),
  );
}

async function load(data: TrainingData, hash: string, cacheFile: string | undefined): Promise<Nlp> {
  const nlp = newNlp();
  if (cacheFile) {
    const cached = await readCache(cacheFile);
    if (cached?.hash === hash) {
      nlp.import(cached.model);
      return nlp;
    }
  }
  for (const locale of LOCALES) {
    for (const [intent, sentences] of Object.entries(data[locale])) {
      for (const sentence of sentences) nlp.addDocument(locale, sentence, intent);
    }
  }
  await nlp.train();
  if (cacheFile) {
    // Written aside and renamed, so a concurrent start never reads half a model.
    const partial = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify({ hash, model: nlp.export(true) }), { mode: 0o600 });
    await rename(partial, cacheFile);
  }
  return nlp;
}

function newNlp(): Nlp {
  const nlp = new Nlp({ languages: [...LOCALES], autoSave: false, autoLoad: false, log: false, forceNER: false, nlu: { log: false, useNoneFeature: true } });
  nlp.container.use(LangEn);
  nlp.container.use(LangIt);
  return nlp;
}

async function readCache(file: string): Promise<{ hash: string; model: string } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as { hash?: unknown; model?: unknown };
  return typeof parsed.hash === 'string' && typeof parsed.model === 'string' ? { hash: parsed.hash, model: parsed.model } : undefined;
}
