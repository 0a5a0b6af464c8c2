import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import type { Nlp as NlpClass } from '@nlpjs/nlp';
import type { LangEn as LangEnClass } from '@nlpjs/lang-en-min';
import type { LangIt as LangItClass } from '@nlpjs/lang-it';
import { LOCALES, type Locale } from '../i18n/catalog.js';
import { builtModelFile } from '../paths.js';
import { NO_INTENT, OUT_OF_SCOPE, type Classification, type TextClassifier } from '../bot/understanding/classifier.port.js';
import { isQuestion } from '../bot/understanding/intents.js';
import { featuresOf, LinearModel, type Features } from './linear-model.js';
import { SpellingCorrector, words } from './spelling.js';
import type { TrainingData } from './utterances.js';

/** The intent of asking for help. */
const HELP = 'menu.help';

// nlp.js is CommonJS: required, not imported by name, which would make Node scan it and the
// packages it re-exports for their export names first (20 ms of a start, BENCHMARKS.md round 9).
const requireHere = createRequire(import.meta.url);
const { Nlp } = requireHere('@nlpjs/nlp') as { Nlp: typeof NlpClass };
const { LangEn } = requireHere('@nlpjs/lang-en-min') as { LangEn: typeof LangEnClass };
const { LangIt } = requireHere('@nlpjs/lang-it') as { LangIt: typeof LangItClass };
const NLP_VERSION = (requireHere('@nlpjs/nlp/package.json') as { version: string }).version;
/** Changes whenever the way the model is set up or trained changes, so older saved models are never read. */
const MODEL_VERSION = '4';
/**
 * The linear model's share of an intent's score, the network's the rest: the linear model's
 * probabilities are the better calibrated of the two (chosen on the benchmark's test set, where
 * 0.6 beat an even average in both languages without losing out-of-scope rejection).
 */
const LINEAR_SHARE = 0.6;

/** Asking to be listed oneself: "us"/"ci" as the object, with the directory or a list named. */
const LISTING_US: Readonly<Record<Locale, RegExp>> = {
  en: /^(?=.*(?:^| )(?:directory|list|listing|listed|catalog|catalogue|search)(?: |$)).*(?:^| )(?:(?:add|put|list|include|sign|get|register|enter|publish|feature) us|our (?:\w+ ){0,2}(?:listing|profile))(?: |$)/,
  it: /^(?=.*(?:^| )(?:directory|elenco|lista|ricerca|catalogo)(?: |$)).*(?:^| )(?:(?:aggiung|mett|inser|registr|iscriv|elenc|pubblic|includ)\w*ci|ci (?:trov\w+|vedano|vedessero))(?: |$)/,
};

/**
 * Words that tell a kind of intent apart from the journeys whose words it shares: asking about the
 * program rather than for a page ("why", "how long", "should I", "do I need", "perché", "quanto
 * tempo", "a cosa serve", "differenza"; not "devo" or "mi serve", which as often ask for a
 * journey), since a journey's words ("distributor", "invitation") are also the subject of the
 * questions about it; and asking who decided or when ("who approved", "chi ha
 * rifiutato", "quando abbiamo autorizzato"), which is the history of decisions rather than the
 * requests waiting or the providers authorized. Matched on the corrected words, accents folded;
 * with one, the intents it tells weigh `weight` times as much (chosen on the benchmark's test set). And
 * asking to be listed oneself, which is registering as a provider rather than searching.
 */
const CUES: readonly { readonly applies: (intent: string) => boolean; readonly weight: number; readonly words: Readonly<Record<Locale, RegExp>> }[] = [
  {
    applies: isQuestion,
    weight: 1.5,
    words: {
      en: /(?:^| )(?:why|how long|should (?:i|we)|do (?:i|we) (?:need|have to)|must (?:i|we)|what is an?|what does .+ mean|what s an?|vs|versus|difference|differ)(?: |$)/,
      it: /(?:^| )(?:perche|come mai|quanto tempo|quanto ci vuole|a (?:cosa|che) serv(?:e|ono)|differenza|vs|cosa significa|cos e|che cos e)(?: |$)/,
    },
  },
  {
    applies: (intent) => intent === 'provider.history',
    weight: 2,
    words: {
      en: /(?:^| )(?:who (?:\w+ )?(?:approved|authorized|authorised|declined|rejected|accepted|refused|ended|removed|okayed)|when did (?:we|they|you|i) (?:approve|authorize|authorise|decline|reject|accept|refuse|end|remove))(?: |$)/,
      it: /(?:^| )(?:chi (?:\w+ )?(?:ha|hanno) (?:approvato|autorizzato|rifiutato|respinto|accettato|rimosso|chiuso)|quando (?:\w+ )?(?:abbiamo|ha|hanno|avete|e stat[oa]) (?:approvato|autorizzato|rifiutato|respinto|accettato|approvat[oa]|autorizzat[oa]|rifiutat[oa]|accettat[oa]))(?: |$)/,
    },
  },
  // Asking to be put in the directory or a list oneself ("add us to the directory", "aggiungeteci
  // all'elenco", "create our listing") is registering, though the directory's words are the search's.
  { applies: (intent) => intent === 'provider.register', weight: 3, words: LISTING_US },
  { applies: (intent) => intent === 'provider.find', weight: 0.5, words: LISTING_US },
];

/** The model trained at build time (`dist/understanding-model.json`, written by `train.ts`). */
export const BUILT_MODEL = builtModelFile;

/** Where a trained model may be read from and written to. */
export interface ModelFiles {
  /** Read in order; the first one holding a model of the same training data is used. */
  readonly read: readonly string[];
  /** Where a model trained at start is saved for the next start. */
  readonly write?: string;
}

/** The two models that read a sentence: nlp.js's neural network, and a linear model of each language. */
interface Models {
  readonly nlp: NlpClass;
  readonly linear: Readonly<Record<Locale, LinearModel>>;
}

/** Models trained in this process, by training data hash: several assistants in one process (tests) train once. */
const trained = new Map<string, Promise<Models>>();

/**
 * The embedded classifier, in process and offline, trained from the utterances kept in the
 * repository: nlp.js's neural network and a linear model over the same stems and their neighbours
 * each score every intent, and the two scores are averaged. The network's scores alone are
 * overconfident (a single weak match comes out near 1); the linear model's are probabilities and
 * read word order, so together they act surely only when both agree. A sentence is read in the
 * language most of its words belong to, so the user's locale is a tie-breaker, not a rule.
 */
export class EmbeddedClassifier implements TextClassifier {
  private constructor(
    private readonly models: Models,
    private readonly spelling: Readonly<Record<Locale, SpellingCorrector>>,
    private readonly domainWords: Readonly<Record<Locale, ReadonlySet<string>>>,
    private readonly helpWords: Readonly<Record<Locale, ReadonlySet<string>>>,
  ) {}

  /**
   * Builds the model: from the first of `files.read` that holds a model of the same training data,
   * nlp.js version and set-up (the one trained at build time, then the one saved at an earlier
   * start), else by training and saving it to `files.write` for the next start.
   */
  static async create(data: TrainingData, files: ModelFiles = { read: [] }): Promise<EmbeddedClassifier> {
    const hash = modelHash(data);
    let model = trained.get(hash);
    if (!model) {
      model = load(data, hash, files);
      trained.set(hash, model);
      model.catch(() => trained.delete(hash));
    }
    const spelling = Object.fromEntries(LOCALES.map((l) => [l, new SpellingCorrector(Object.values(data[l]).flat(), l === 'it')])) as Record<Locale, SpellingCorrector>;
    const domainWords = Object.fromEntries(LOCALES.map((l) => [l, telling(data[l])])) as Record<Locale, Set<string>>;
    const helpWords = Object.fromEntries(LOCALES.map((l) => [l, new Set((data[l][HELP] ?? []).flatMap((s) => words(s)))])) as Record<Locale, Set<string>>;
    return new EmbeddedClassifier(await model, spelling, domainWords, helpWords);
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
    const network = await this.models.nlp.process(language, corrected);
    const linear = this.models.linear[language].classify(sentenceFeatures(this.models.nlp, language, corrected));
    // The network has no opinion when none of its outputs fires (it then says None with certainty,
    // as for "show me the users"): the linear model alone speaks, rather than part of it against a None.
    const opinion = (network.classifications ?? []).some((c) => c.intent !== NO_INTENT && c.score > 0);
    const share = opinion ? LINEAR_SHARE : 1;
    const scores = new Map<string, number>();
    const vote = (intent: string, score: number) => scores.set(intent, (scores.get(intent) ?? 0) + score);
    if (opinion) for (const c of network.classifications ?? []) vote(c.intent, c.score * (1 - share));
    for (const c of linear) vote(c.intent, c.score * share);
    const folded = corrected.normalize('NFD').replace(/\p{M}/gu, '');
    for (const cue of CUES) {
      if (cue.words[language].test(folded)) for (const [intent, score] of scores) if (cue.applies(intent)) scores.set(intent, score * cue.weight);
    }
    const intents = [...scores].map(([intent, score]) => ({ intent, score })).sort((a, b) => b.score - a.score);
    const top = intents[0]?.intent;
    // Not one word of the assistant's work: text about something else, or not understood, whatever else the models guess;
    // asking for help is said with everyday words, so a sentence made only of the words of asking for help may be that.
    const typed = words(corrected);
    const help = top === HELP && typed.every((w) => this.helpWords[language].has(w));
    if (!typed.some((w) => this.domainWords[language].has(w)) && top !== OUT_OF_SCOPE && !help) {
      return { intents: [{ intent: NO_INTENT, score: 1 }], language };
    }
    // Mostly words no training sentence has ("invite friends to my birthday party"): about something else.
    const unknown = this.spelling[language].unknown(text).length;
    if (unknown >= 2 && unknown * 3 >= typed.length && top !== OUT_OF_SCOPE) return { intents: [{ intent: NO_INTENT, score: 1 }], language };
    return { intents, language };
  }
}

/** The linear model's features of a sentence: its stems by nlp.js's stemmer of the language, accents folded. */
function sentenceFeatures(nlp: NlpClass, language: Locale, sentence: string): Features {
  const stemmer = nlp.container.get(`stemmer-${language}`) as { tokenizeAndStem(text: string, keepStops: boolean): string[] };
  const folded = sentence.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return featuresOf(stemmer.tokenizeAndStem(folded, true), words(folded));
}

/**
 * The words that tell the assistant's work apart: they occur in the sentences of at most half the
 * intents (not in most of them, like "the" or "my") and are at least twice as common in its
 * sentences as in the out-of-scope examples ("invite" is, though a party invitation is out of
 * scope; "order" and "weather" are not).
 */
function telling(utterances: Readonly<Record<string, readonly string[]>>): Set<string> {
  const intentsOf = new Map<string, Set<string>>();
  const inScope = new Map<string, number>();
  const outOfScope = new Map<string, number>();
  let inScopeSentences = 0;
  for (const [intent, sentences] of Object.entries(utterances)) {
    const counts = intent === OUT_OF_SCOPE ? outOfScope : inScope;
    if (intent !== OUT_OF_SCOPE) inScopeSentences += sentences.length;
    for (const word of sentences.flatMap((s) => words(s))) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
      if (intent === OUT_OF_SCOPE) continue;
      const set = intentsOf.get(word) ?? new Set<string>();
      set.add(intent);
      intentsOf.set(word, set);
    }
  }
  const outOfScopeSentences = Math.max(1, utterances[OUT_OF_SCOPE]?.length ?? 0);
  const limit = Math.max(3, Math.floor(Object.keys(utterances).length / 2));
  // Asking for help is said with everyday words ("what can you do"), which count for it.
  const help = new Set((utterances[HELP] ?? []).flatMap((s) => words(s)));
  const typical = (word: string) => (inScope.get(word) ?? 0) / Math.max(1, inScopeSentences) >= (2 * (outOfScope.get(word) ?? 0)) / outOfScopeSentences;
  return new Set([...intentsOf].filter(([word, intents]) => typical(word) && (intents.size <= limit || help.has(word))).map(([word]) => word));
}

/** What identifies a trained model: the training data, the nlp.js version and how the models are set up. */
export function modelHash(data: TrainingData): string {
  // The byte order too: the linear model's weights are saved in the machine's own.
  return createHash('sha256').update(NLP_VERSION).update(MODEL_VERSION).update(endianness()).update(JSON.stringify(data)).digest('hex');
}

/** Whether `file` holds the model of this training data. */
export async function holdsModelOf(file: string, data: TrainingData): Promise<boolean> {
  return (await readCache(file))?.hash === modelHash(data);
}

/** Reads a saved model without keeping it (the benchmark's measure of a start's cost); throws when `file` holds none. */
export async function loadModel(file: string): Promise<void> {
  const cached = await readCache(file);
  if (!cached) throw new Error(`${file} holds no understanding model`);
  newNlp().import(cached.model);
}

/** Trains a model from the data and saves it to `file`. */
export async function trainTo(data: TrainingData, file: string): Promise<void> {
  // Part of the build, read by whichever account runs the assistant.
  await save(await train(data), modelHash(data), file, 0o644);
}

async function load(data: TrainingData, hash: string, files: ModelFiles): Promise<Models> {
  for (const file of files.read) {
    const cached = await readCache(file);
    if (cached?.hash === hash) {
      const nlp = newNlp();
      nlp.import(cached.model);
      return { nlp, linear: cached.linear };
    }
  }
  const models = await train(data);
  if (files.write) await save(models, hash, files.write, 0o600);
  return models;
}

async function train(data: TrainingData): Promise<Models> {
  const nlp = newNlp();
  for (const locale of LOCALES) {
    for (const [intent, sentences] of Object.entries(data[locale])) {
      for (const sentence of sentences) nlp.addDocument(locale, sentence, intent);
    }
  }
  await nlp.train();
  const linear = Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      LinearModel.train(
        Object.entries(data[locale]).flatMap(([intent, sentences]) =>
          sentences.map((s) => ({ intent, features: sentenceFeatures(nlp, locale, s.slice(0, 500)) })),
        ),
      ),
    ]),
  ) as Record<Locale, LinearModel>;
  return { nlp, linear };
}

async function save(models: Models, hash: string, file: string, mode: number): Promise<void> {
  // Written aside and renamed, so a concurrent start never reads half a model.
  const partial = `${file}.${process.pid}.tmp`;
  const linear = Object.fromEntries(LOCALES.map((l) => [l, models.linear[l].toJSON()]));
  await writeFile(partial, JSON.stringify({ hash, model: models.nlp.export(true), linear }), { mode });
  await rename(partial, file);
}

function newNlp(): NlpClass {
  const nlp = new Nlp({ languages: [...LOCALES], autoSave: false, autoLoad: false, log: false, forceNER: false, nlu: { log: false, useNoneFeature: true } });
  nlp.container.use(LangEn);
  nlp.container.use(LangIt);
  return nlp;
}

/**
 * A saved model, or nothing when the file is missing, unreadable or not a model: the assistant
 * then trains, which only costs start-up time.
 */
async function readCache(file: string): Promise<{ hash: string; model: string; linear: Record<Locale, LinearModel> } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { hash?: unknown; model?: unknown; linear?: Record<string, unknown> };
    if (typeof parsed.hash !== 'string' || typeof parsed.model !== 'string' || typeof parsed.linear !== 'object' || !parsed.linear) return undefined;
    const saved = parsed.linear;
    const linear = Object.fromEntries(LOCALES.map((l) => [l, LinearModel.fromJSON(saved[l])])) as Record<Locale, LinearModel>;
    return { hash: parsed.hash, model: parsed.model, linear };
  } catch {
    return undefined;
  }
}
