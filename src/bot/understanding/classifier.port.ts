import type { Locale } from '../../i18n/catalog.js';

/** Details a sentence may carry that a journey's first card can be filled in with. */
export interface Entities {
  /** ISO country/region code, e.g. `DE`. */
  readonly country?: string;
  /** A product or service to search the directory for, e.g. `Azure`. */
  readonly keyword?: string;
  /** A customer's company name, as typed. */
  readonly companyName?: string;
  /** An e-mail address, as typed. */
  readonly email?: string;
}

/** One intent the classifier considered, with its confidence from 0 to 1. */
export interface ScoredIntent {
  readonly intent: string;
  readonly score: number;
}

/** What a classifier made of one sentence: intents best first, and the language it read it in. */
export interface Classification {
  readonly intents: readonly ScoredIntent[];
  readonly language?: Locale;
  /** Details the classifier itself found (hosted models); the assistant's own extraction fills the rest. */
  readonly entities?: Entities;
}

/**
 * The port behind which free text is classified: the embedded nlp.js model by default, a hosted
 * model (Azure AI Language CLU, Azure OpenAI) when the operator configures one.
 */
export interface TextClassifier {
  /** Classifies one sentence; `locale` is the user's language, a hint rather than a rule. */
  classify(text: string, locale: Locale): Promise<Classification>;
}

/** The intent of text that is not about the assistant's work (weather, jokes, general knowledge). */
export const OUT_OF_SCOPE = 'outOfScope';
/** What classifiers answer when no intent fits. */
export const NO_INTENT = 'None';
