import { NO_INTENT, OUT_OF_SCOPE, type Classification, type ScoredIntent } from './classifier.port.js';
import { isJourney, isQuestion, type JourneyIntent, type QuestionIntent } from './intents.js';

/** What the assistant does with a sentence. */
export type Decision =
  | { readonly kind: 'journey'; readonly intent: JourneyIntent; readonly score: number }
  | { readonly kind: 'answer'; readonly intent: QuestionIntent; readonly score: number }
  | { readonly kind: 'choose'; readonly options: readonly (JourneyIntent | QuestionIntent)[] }
  | { readonly kind: 'outOfScope' }
  | { readonly kind: 'notUnderstood' };

/** How sure the classifier must be: tuned on the benchmark's test set (bench/understanding). */
export const THRESHOLDS = {
  /** At or above this the best intent is acted on, when nothing else is close. */
  confident: 0.5,
  /** Below this an intent is not considered at all. */
  candidate: 0.2,
  /** Two intents closer than this are both offered. */
  margin: 0.2,
} as const;

/**
 * Turns a classification into a decision: act when one intent is clearly best, ask with buttons
 * when two are close or the best is not sure enough, and never start a journey for text about
 * something else.
 */
export function decide(classification: Classification): Decision {
  const ranked = [...classification.intents]
    .filter((i) => i.intent === OUT_OF_SCOPE || i.intent === NO_INTENT || isJourney(i.intent) || isQuestion(i.intent))
    .sort((a, b) => b.score - a.score);
  const [top, second] = ranked;
  if (!top || top.score < THRESHOLDS.candidate) return { kind: 'notUnderstood' };
  if (top.intent === OUT_OF_SCOPE) return top.score >= THRESHOLDS.confident ? { kind: 'outOfScope' } : { kind: 'notUnderstood' };
  if (top.intent === NO_INTENT) return { kind: 'notUnderstood' };
  const close = second && actionable(second) && second.score >= THRESHOLDS.candidate && top.score - second.score < THRESHOLDS.margin;
  if (close) return { kind: 'choose', options: distinct([top.intent, second.intent]) };
  if (top.score < THRESHOLDS.confident) return { kind: 'choose', options: [top.intent as JourneyIntent | QuestionIntent] };
  return isJourney(top.intent) ? { kind: 'journey', intent: top.intent, score: top.score } : { kind: 'answer', intent: top.intent as QuestionIntent, score: top.score };
}

function actionable(i: ScoredIntent): boolean {
  return isJourney(i.intent) || isQuestion(i.intent);
}

function distinct(intents: string[]): (JourneyIntent | QuestionIntent)[] {
  return [...new Set(intents)] as (JourneyIntent | QuestionIntent)[];
}
