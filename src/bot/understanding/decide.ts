import { NO_INTENT, OUT_OF_SCOPE, type Classification, type Entities, type ScoredIntent } from './classifier.port.js';
import { hasLegalForm } from './entities.js';
import { isJourney, isQuestion, type JourneyIntent, type QuestionIntent } from './intents.js';

/** What the assistant does with a sentence. */
export type Decision =
  | { readonly kind: 'journey'; readonly intent: JourneyIntent; readonly score: number }
  | { readonly kind: 'answer'; readonly intent: QuestionIntent; readonly score: number }
  | { readonly kind: 'choose'; readonly options: readonly (JourneyIntent | QuestionIntent)[] }
  | { readonly kind: 'outOfScope' }
  | { readonly kind: 'notUnderstood' };

/** How sure the classifier must be: chosen on the benchmark's development set (bench/understanding). */
export const THRESHOLDS = {
  /** At or above this the best intent is acted on, when nothing else is close. */
  confident: 0.4,
  /** Below this an intent is not considered at all. */
  candidate: 0.2,
  /** Two intents closer than this are both offered. */
  margin: 0.1,
} as const;

/**
 * Intents a sentence's details rule out in favour of another: an invite verb followed by a company
 * name ("invite Fourth Coffee") asks to send an invitation, never to see the invitations sent,
 * which the stemmers cannot tell apart ("invite" and "invitations" are both "invit"); a company
 * name with an e-mail address are the details of a customer invitation, which no question about
 * the program carries ("invite Gallo Logistica, the admin is luca@…" is not a question on admins);
 * and a name with a legal form ("invita Bianchi Srl") is a company, so a customer, not a colleague.
 */
function ruledOut(intent: string, entities: Entities): string {
  if (!entities.companyName) return intent;
  if (intent === 'customer.invitations') return 'customer.invite';
  if (intent === 'colleague.invite' && hasLegalForm(entities.companyName)) return 'customer.invite';
  return entities.email && isQuestion(intent) ? 'customer.invite' : intent;
}

/**
 * Turns a classification into a decision: act when one intent is clearly best, ask with buttons
 * when two are close or the best is not sure enough, and never start a journey for text about
 * something else.
 */
export function decide(classification: Classification, entities: Entities = {}): Decision {
  const ranked = merge(
    classification.intents
      .filter((i) => i.intent === OUT_OF_SCOPE || i.intent === NO_INTENT || isJourney(i.intent) || isQuestion(i.intent))
      .map((i) => ({ intent: ruledOut(i.intent, entities), score: i.score })),
  );
  const [top, second] = ranked;
  if (!top || top.score < THRESHOLDS.candidate) return { kind: 'notUnderstood' };
  if (top.intent === OUT_OF_SCOPE) return top.score >= THRESHOLDS.confident ? { kind: 'outOfScope' } : { kind: 'notUnderstood' };
  if (top.intent === NO_INTENT) return { kind: 'notUnderstood' };
  const close = second && actionable(second) && second.score >= THRESHOLDS.candidate && top.score - second.score < THRESHOLDS.margin;
  if (close) return { kind: 'choose', options: distinct([top.intent, second.intent]) };
  if (top.score < THRESHOLDS.confident) return { kind: 'choose', options: [top.intent as JourneyIntent | QuestionIntent] };
  return isJourney(top.intent) ? { kind: 'journey', intent: top.intent, score: top.score } : { kind: 'answer', intent: top.intent as QuestionIntent, score: top.score };
}

/** One entry per intent, with the sum of its scores, best first. */
function merge(intents: readonly ScoredIntent[]): ScoredIntent[] {
  const scores = new Map<string, number>();
  for (const i of intents) scores.set(i.intent, (scores.get(i.intent) ?? 0) + i.score);
  return [...scores].map(([intent, score]) => ({ intent, score })).sort((a, b) => b.score - a.score);
}

function actionable(i: ScoredIntent): boolean {
  return isJourney(i.intent) || isQuestion(i.intent);
}

function distinct(intents: string[]): (JourneyIntent | QuestionIntent)[] {
  return [...new Set(intents)] as (JourneyIntent | QuestionIntent)[];
}
