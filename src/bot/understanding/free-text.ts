import type { Locale } from '../../i18n/catalog.js';
import type { ActionData, Command, Feature } from '../feature.js';
import { text } from '../presenting.js';
import type { Turn } from '../turn.js';
import type { Entities, TextClassifier } from './classifier.port.js';
import { decide, type Decision } from './decide.js';
import { extractEntities } from './entities.js';
import { isJourney, isQuestion, JOURNEYS, QUESTIONS, type JourneyIntent, type QuestionIntent } from './intents.js';

/** The verb of the buttons free text offers (a choice between journeys, an answer's journey). */
export const UNDERSTANDING_VERBS = { choose: 'understanding.choose' } as const;

/** What a sentence was understood as, with the details it carries. */
export interface Understood {
  readonly decision: Decision;
  readonly entities: Entities;
}

/** Where out-of-scope and not-understood text is answered (the main menu). */
export interface FreeTextFallback {
  outOfScope(turn: Turn): Promise<void>;
  notUnderstood(turn: Turn): Promise<void>;
}

/**
 * Understanding of free text: asks the classifier port what a sentence is about and leads to the
 * same entry points the commands and buttons use (a feature's card verb or command), answers
 * questions about the program from the guide, and asks with buttons when unsure. It never runs a
 * verb that changes a record: every journey it starts shows a card whose button the user presses.
 */
export class FreeText {
  constructor(
    private readonly classifier: TextClassifier,
    private readonly features: () => readonly Feature[],
    private readonly fallback: FreeTextFallback,
  ) {}

  /** Classifies a sentence and finds its details, without answering. */
  async understand(sentence: string, locale: Locale): Promise<Understood> {
    const bounded = sentence.slice(0, 500);
    const classification = await this.classifier.classify(bounded, locale);
    const entities = { ...extractEntities(bounded), ...classification.entities };
    return { decision: decide(classification, entities), entities };
  }

  /** Answers a sentence the commands did not match. */
  async handle(turn: Turn, sentence: string): Promise<void> {
    await this.act(turn, await this.understand(sentence, turn.locale));
  }

  /**
   * Whether understanding could ever serve a command typed with extra words better; when not (a
   * code after "accept invitation", a language), the words are not classified at all, and so never
   * reach a hosted model.
   */
  mayImprove(command: Command): boolean {
    return !command.takesText || Object.values(JOURNEYS).some((j) => 'command' in j && j.command === command.wordsKey);
  }

  /**
   * Whether a command typed with extra words is better served by understanding: a command that
   * ignores its words gives way to a confident journey or answer; one that reads them gives way
   * only to its own journey when the sentence carried details (a country, a company, an e-mail)
   * that are more than the words the command would read anyway.
   */
  improves(understood: Understood, command: Command, rest: string): boolean {
    const { decision, entities } = understood;
    if (decision.kind !== 'journey' && decision.kind !== 'answer') return false;
    if (!command.takesText) return true;
    if (decision.kind !== 'journey') return false;
    const journey = JOURNEYS[decision.intent];
    const data = 'data' in journey ? journey.data(entities) : {};
    const values = Object.values(data);
    const same = values.length === 1 && values[0].toLowerCase() === rest.toLowerCase();
    return values.length > 0 && !same && 'command' in journey && journey.command === command.wordsKey;
  }

  /** Does what a decision says. */
  async act(turn: Turn, { decision, entities }: Understood): Promise<void> {
    switch (decision.kind) {
      case 'journey':
        return this.start(turn, decision.intent, entities);
      case 'answer':
        return this.answer(turn, decision.intent);
      case 'choose':
        return this.choose(turn, decision.options, entities);
      case 'outOfScope':
        return this.fallback.outOfScope(turn);
      case 'notUnderstood':
        return this.fallback.notUnderstood(turn);
    }
  }

  /** The feature that carries the buttons free text offers. */
  feature(): Feature {
    return {
      name: 'understanding',
      actions: { [UNDERSTANDING_VERBS.choose]: (turn, data) => this.chosen(turn, data) },
    };
  }

  private async chosen(turn: Turn, data: ActionData): Promise<void> {
    const intent = text(data.intent);
    const entities: Entities = {
      ...(text(data.country) ? { country: text(data.country) } : {}),
      ...(text(data.keyword) ? { keyword: text(data.keyword) } : {}),
      ...(text(data.companyName) ? { companyName: text(data.companyName) } : {}),
      ...(text(data.email) ? { email: text(data.email) } : {}),
    };
    if (isJourney(intent)) return this.start(turn, intent, entities);
    if (isQuestion(intent)) return this.answer(turn, intent);
    await turn.say('common.errors.invalidAction');
  }

  /** Runs a journey's entry point, with the sentence's details as the verb's data. */
  private async start(turn: Turn, intent: JourneyIntent, entities: Entities): Promise<void> {
    const journey = JOURNEYS[intent];
    const features = this.features();
    if ('verb' in journey) {
      const handler = features.find((f) => f.actions?.[journey.verb])?.actions?.[journey.verb];
      if (!handler) throw new Error(`No feature handles the verb ${journey.verb} of journey ${intent}`);
      await handler(turn, 'data' in journey ? journey.data(entities) : {});
      return;
    }
    const command = features.flatMap((f) => f.commands ?? []).find((c) => c.wordsKey === journey.command);
    if (!command) throw new Error(`No feature has the command ${journey.command} of journey ${intent}`);
    await command.run(turn, '');
  }

  private async answer(turn: Turn, intent: QuestionIntent): Promise<void> {
    const question = QUESTIONS[intent];
    const { t } = turn;
    await turn.show('understanding-answer', {
      question: t(`${question.answerKey}.title`),
      answer: t(`${question.answerKey}.text`),
      source: t('understanding.answerSource', { section: t(`${question.answerKey}.source`) }),
      journey: { title: t(JOURNEYS[question.journey].titleKey), verb: UNDERSTANDING_VERBS.choose, intent: question.journey },
    });
  }

  private async choose(turn: Turn, options: readonly (JourneyIntent | QuestionIntent)[], entities: Entities): Promise<void> {
    const { t } = turn;
    const titles = options.map((o) => (isJourney(o) ? t(JOURNEYS[o].titleKey) : t(`${QUESTIONS[o].answerKey}.title`)));
    await turn.show('understanding-choice', {
      question: titles.length > 1 ? t('understanding.choice.two', { first: titles[0], second: titles[1] }) : t('understanding.choice.one', { first: titles[0] }),
      options: options.map((intent, i) => ({
        title: titles[i],
        verb: UNDERSTANDING_VERBS.choose,
        intent,
        country: entities.country ?? '',
        keyword: entities.keyword ?? '',
        companyName: entities.companyName ?? '',
        email: entities.email ?? '',
      })),
    });
  }
}
