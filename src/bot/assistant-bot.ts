import {
  ActivityHandler,
  ActivityTypes,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type BotState,
} from 'botbuilder';
import { translate } from '../i18n/catalog.js';
import { LOCALES } from '../i18n/catalog.js';
import type { ContactBook } from './contact-book.js';
import type { ActionData, Command, Feature } from './feature.js';
import { Turn, type TurnServices } from './turn.js';

/** Everything the bot is built from; features are the journeys it routes to. */
export interface AssistantBotOptions extends TurnServices {
  readonly features: readonly Feature[];
  readonly states: readonly BotState[];
  /** Where users can be reached later; remembered on every successful turn. */
  readonly contacts?: ContactBook;
  /** Shown when a turn starts a conversation or nothing else matches. */
  readonly fallback: {
    welcome(turn: Turn): Promise<void>;
    notUnderstood(turn: Turn): Promise<void>;
  };
}

type CommandEntry = { phrase: string; command: Command; feature: Feature };

/**
 * The Bot Framework activity handler: welcomes new users, routes typed commands, card
 * actions (Action.Execute and Action.Submit alike) and awaited answers to the features.
 */
export class AssistantBot extends ActivityHandler {
  private readonly commands: CommandEntry[];
  private readonly actions = new Map<string, Feature>();

  constructor(private readonly options: AssistantBotOptions) {
    super();
    this.commands = indexCommands(options.features);
    for (const feature of options.features) {
      for (const verb of Object.keys(feature.actions ?? {})) {
        if (this.actions.has(verb)) throw new Error(`Card verb ${verb} is claimed by two features`);
        this.actions.set(verb, feature);
      }
    }

    this.onMessage(async (context, next) => {
      const turn = await Turn.create(context, options);
      const value = context.activity.value;
      if (value && typeof value === 'object' && typeof (value as ActionData).verb === 'string') {
        const { verb, ...data } = value as ActionData & { verb: string };
        await this.runAction(turn, verb, data);
      } else {
        await this.runText(turn);
      }
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const added = context.activity.membersAdded ?? [];
      if (added.some((member) => member.id !== context.activity.recipient?.id)) {
        await options.fallback.welcome(await Turn.create(context, options));
      }
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await options.fallback.welcome(await Turn.create(context, options));
      await next();
    });
  }

  /** Runs the turn, then saves conversation and user state only when nothing failed. */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await Promise.all(this.options.states.map((state) => state.saveChanges(context)));
    const type = context.activity.type;
    if (this.options.contacts && (type === ActivityTypes.Message || type === ActivityTypes.Invoke || type === ActivityTypes.ConversationUpdate || type === 'installationUpdate')) {
      const turn = await Turn.create(context, this.options);
      if (turn.actor) await this.options.contacts.remember(turn.actor.userId, context, turn.locale);
    }
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const turn = await Turn.create(context, this.options, true);
    const action = invokeValue?.action;
    const verb = typeof action?.verb === 'string' ? action.verb : '';
    const data = action?.data && typeof action.data === 'object' ? (action.data as ActionData) : {};
    await this.runAction(turn, verb, data);
    if (turn.invokeCard) {
      return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: turn.invokeCard };
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: { text: turn.t('common.actionDone') } as never };
  }

  private async runAction(turn: Turn, verb: string, data: ActionData): Promise<void> {
    const feature = this.actions.get(verb);
    const handler = feature?.actions?.[verb];
    if (!handler) {
      await turn.say('common.errors.invalidAction');
      return;
    }
    await handler(turn, data);
  }

  private async runText(turn: Turn): Promise<void> {
    const activity = turn.context.activity;
    if (activity.type !== ActivityTypes.Message) return;
    const text = normalize(TurnContext.removeRecipientMention(activity) ?? activity.text ?? '');
    if (text) {
      const match = this.commands.find((c) => text === c.phrase || text.startsWith(`${c.phrase} `));
      if (match) {
        const session = await turn.session();
        // A command ends whatever the conversation was waiting for.
        delete session.awaiting;
        await match.command.run(turn, text.slice(match.phrase.length).trim());
        return;
      }
      const session = await turn.session();
      const waiting = session.awaiting && this.options.features.find((f) => f.name === session.awaiting?.feature);
      if (waiting?.onText && session.awaiting) {
        await waiting.onText(turn, (activity.text ?? '').trim(), session.awaiting.kind);
        return;
      }
    }
    await this.options.fallback.notUnderstood(turn);
  }
}

/** Every command phrase in every language, longest first so "find a provider" wins over "find". */
function indexCommands(features: readonly Feature[]): CommandEntry[] {
  const entries: CommandEntry[] = [];
  const seen = new Map<string, string>();
  for (const feature of features) {
    for (const command of feature.commands ?? []) {
      for (const locale of LOCALES) {
        for (const word of translate(locale, command.wordsKey).split('|')) {
          const phrase = normalize(word);
          const owner = seen.get(phrase);
          if (owner && owner !== command.wordsKey) throw new Error(`Command "${phrase}" is claimed twice`);
          if (owner) continue;
          seen.set(phrase, command.wordsKey);
          entries.push({ phrase, command, feature });
        }
      }
    }
  }
  return entries.sort((a, b) => b.phrase.length - a.phrase.length);
}

/** Lower-case, single spaces, no surrounding punctuation: how typed commands are compared. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[\s/!.?¿¡]+|[\s.!?]+$/g, '');
}
