import { hash } from 'node:crypto';
import type { Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, BotState, InvokeResponse } from 'botbuilder';
import { ActivityHandler, ActivityTypes, INVOKE_RESPONSE_KEY, TurnContext } from '../botbuilder.js';
import type { OnceStore } from '../app/ports.js';
import type { Actor } from '../domain/actor.js';
import { ACTION_NONCE } from '../cards/renderer.js';
import { resolveLocale, translate } from '../i18n/catalog.js';
import { LOCALES } from '../i18n/catalog.js';
import type { ContactBook } from './contact-book.js';
import { EarlyReads } from './early-reads.js';
import type { ActionData, Command, Feature, ReadAhead } from './feature.js';
import { SIGN_IN_INVOKES } from './teams-sign-in.js';
import { Turn, type TurnServices } from './turn.js';
import type { FreeText } from './understanding/free-text.js';

/** Everything the bot is built from; features are the journeys it routes to. */
export interface AssistantBotOptions extends TurnServices {
  readonly features: readonly Feature[];
  readonly states: readonly BotState[];
  /** Where users can be reached later; remembered on every successful turn. */
  readonly contacts?: ContactBook;
  /** Activity ids and card clicks already handled: a redelivery or a double click changes nothing twice. */
  readonly once?: OnceStore;
  /** Card verbs whose clicks are claimed once (the others only show something). */
  readonly onceVerbs?: ReadonlySet<string>;
  /** Answers Teams' sign-in invokes (`signin/tokenExchange`, `signin/verifyState`) when an OAuth connection is configured. */
  readonly signIn?: (turn: Turn) => Promise<InvokeResponse>;
  /** Understanding of text that is not a command: journeys, answers and out-of-scope; without it such text is not understood. */
  readonly understanding?: FreeText;
  /** Shown when a turn starts a conversation or nothing else matches. */
  readonly fallback: {
    welcome(turn: Turn): Promise<void>;
    notUnderstood(turn: Turn): Promise<void>;
  };
}

type CommandEntry = { phrase: string; command: Command; feature: Feature };
/** A message's text as typed (without the mention of the bot), and the command it starts with. */
type TypedText = { typed: string; text: string; match?: CommandEntry; rest: string };

/** How long a delivered activity id or a card click is remembered (Teams and Direct Line retry within minutes). */
export const ONCE_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long an invoke's or a click's claim holds while its turn runs: if the instance dies mid-turn,
 * the channel's redelivery after this is handled instead of ignored for a day. (A message is
 * claimed for the day at once: one write instead of two, at the price of ignoring the retry of a
 * message whose instance died mid-turn; the user sees no answer and says it again.)
 */
const IN_PROGRESS_TTL_MS = 2 * 60 * 1000;
/** Where a turn keeps the invoke response it answered, so a redelivery can be answered the same. */
const INVOKE_ANSWER = Symbol('invokeAnswer');
/** Where a turn keeps its message's text as read once (reading it takes the bot's mention out of the activity). */
const TYPED_TEXT = Symbol('typedText');

/**
 * The Bot Framework activity handler: welcomes new users, routes typed commands, card
 * actions (Action.Execute and Action.Submit alike) and awaited answers to the features.
 */
export class AssistantBot extends ActivityHandler {
  private readonly commands: CommandEntry[];
  private readonly actions = new Map<string, Feature>();
  private readonly readAheads = new Map<string, ReadAhead>();
  private readonly typedAnswers: NonNullable<Feature['typedAnswers']>;

  constructor(private readonly options: AssistantBotOptions) {
    super();
    this.commands = indexCommands(options.features);
    this.typedAnswers = options.features.flatMap((f) => f.typedAnswers ?? []);
    for (const feature of options.features) {
      for (const verb of Object.keys(feature.actions ?? {})) {
        if (this.actions.has(verb)) throw new Error(`Card verb ${verb} is claimed by two features`);
        this.actions.set(verb, feature);
      }
      for (const [verb, readAhead] of Object.entries(feature.readAhead ?? {})) {
        if (feature.actions?.[verb] === undefined) throw new Error(`Feature ${feature.name} reads ahead for ${verb}, which it does not handle`);
        this.readAheads.set(verb, readAhead);
      }
    }
  }

  /**
   * Sends the turn to what answers its activity's type: a message to a command, a card's submit
   * or free text; a member added or the app installed to the welcome; an invoke to
   * `onInvokeActivity`, its response sent as the SDK sends it. The SDK's own dispatch passes every
   * turn through a chain of event handlers (Turn, Message, Dialog…), a promise and a closure each,
   * none of which this bot registers; the garbage they leave is collected while every other turn
   * waits (BENCHMARKS.md, round 14). Other types go to the SDK, which does nothing with them here.
   */
  protected override async onTurnActivity(context: TurnContext): Promise<void> {
    const activity = context.activity;
    switch (activity.type) {
      case ActivityTypes.Message: {
        const turn = await Turn.create(context, this.options);
        const action = this.actionOf(activity);
        if (action) await this.runSubmit(turn, action.verb, action.data);
        else await this.runText(turn);
        return;
      }
      case ActivityTypes.ConversationUpdate:
        // Someone other than the bot itself was added.
        if ((activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id)) {
          await this.options.fallback.welcome(await Turn.create(context, this.options));
        }
        return;
      case ActivityTypes.InstallationUpdate:
        if (activity.action === 'add' || activity.action === 'add-upgrade') await this.options.fallback.welcome(await Turn.create(context, this.options));
        return;
      case ActivityTypes.Invoke: {
        const response = await this.onInvokeActivity(context);
        if (response && !context.turnState.get(INVOKE_RESPONSE_KEY)) await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: response });
        return;
      }
      default:
        return super.onTurnActivity(context);
    }
  }

  /**
   * Runs the turn once per activity id (per conversation, for a day): a redelivery is ignored, or
   * for an invoke answered with the first delivery's response. A failed turn gives its claim up so
   * that the channel's retry is handled.
   *
   * One store write where one does: any other activity than an invoke is claimed for the day at
   * once, since a redelivery of it is ignored and nothing of its answer is kept; and an
   * Action.Execute on a state-changing button is not claimed here at all, since its click's own
   * claim (user, verb, card rendering and inputs, all carried again by a redelivery) holds its
   * answer for a redelivery.
   */
  override async run(context: TurnContext): Promise<void> {
    this.readAhead(context);
    const key = deliveryKey(context);
    const once = this.options.once;
    if (!key || !once || this.claimsItsClick(context.activity)) return this.runTurn(context);
    const invoke = context.activity.type === ActivityTypes.Invoke;
    // A message's state is read while its delivery is claimed: one round trip to the store for
    // both. (A redelivery read it for nothing; its failure is the turn's, met when the turn awaits it.)
    const loading = this.loadStates(context);
    loading?.catch(() => undefined);
    // Only an invoke's claim is settled with its answer; a message's is final.
    const claim = await once.claim(key, invoke ? IN_PROGRESS_TTL_MS : ONCE_TTL_MS, { final: !invoke });
    if (!claim.first) return this.answerRedelivery(context, claim.result);
    try {
      await this.runTurn(context, loading);
    } catch (error) {
      await once.release(key);
      throw error;
    }
    if (!invoke) return;
    const answer = context.turnState.get<InvokeResponse | undefined>(INVOKE_ANSWER);
    // A refused invoke changed nothing: a redelivery is refused the same way, so nothing is kept.
    if ((answer?.status ?? 200) >= 400) await once.release(key);
    else await once.settle(key, JSON.stringify(answer ?? null), ONCE_TTL_MS);
  }

  /**
   * Answers invokes through the SDK, but refuses a malformed Action.Execute (the SDK would throw
   * on it) and an invoke nobody handles (the SDK says 501) with a 400 and the reason: both are the
   * client's request, not a server failure. The answer is kept for a redelivery.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const { name, value } = context.activity;
    const action = (value as { action?: unknown } | undefined)?.action;
    let response: InvokeResponse;
    if (name === 'adaptiveCard/action' && (!action || typeof action !== 'object' || Array.isArray(action))) {
      response = invokeRefusal('BadRequest', 'An adaptiveCard/action invoke needs a "value" with an "action" object.');
    } else if ((name === SIGN_IN_INVOKES.tokenExchange || name === SIGN_IN_INVOKES.verifyState) && this.options.signIn) {
      response = await this.options.signIn(await Turn.create(context, this.options));
    } else {
      response = await super.onInvokeActivity(context);
      if (response.status === 501) response = { status: 400, body: { code: 'NotSupported', message: `This bot does not handle "${String(name ?? '').slice(0, 100)}" invokes.` } };
    }
    context.turnState.set(INVOKE_ANSWER, response);
    return response;
  }

  /**
   * Starts the reads the turn's command or card action will make (see `EarlyReads`), for the proven
   * user, so that they go to the store with the delivery claim and the state. Routing decides
   * later, as always; a read it does not use is dropped.
   */
  private readAhead(context: TurnContext): void {
    const activity = context.activity;
    let start: ((early: EarlyReads, actor: Actor) => void) | undefined;
    const action = this.actionOf(activity);
    if (action) {
      const readAhead = this.readAheads.get(action.verb);
      if (readAhead) {
        const { [ACTION_NONCE]: _nonce, ...inputs } = action.data;
        start = (early, actor) => readAhead(early, actor, inputs);
      }
    } else if (activity.type === ActivityTypes.Message) {
      const { match, rest } = this.typedText(context);
      // Text after a command that free-text understanding may take elsewhere is not read ahead for.
      if (match?.command.readAhead && (!rest || !this.options.understanding?.mayImprove(match.command))) {
        const readAhead = match.command.readAhead.bind(match.command);
        start = (early, actor) => readAhead(early, actor, rest);
      }
    }
    if (start) EarlyReads.begin(context, this.options.identity.actorOf(context), start);
  }

  /** The card action an activity carries (an Action.Submit message or an Action.Execute invoke): its verb and data, untrusted. */
  private actionOf(activity: Activity): { verb: string; data: ActionData } | undefined {
    if (activity.type === ActivityTypes.Message) {
      const value = activity.value as { verb?: unknown } | undefined;
      if (!value || typeof value !== 'object' || typeof value.verb !== 'string') return undefined;
      const { verb, ...data } = value as ActionData & { verb: string };
      return { verb, data };
    }
    if (activity.type !== ActivityTypes.Invoke || activity.name !== 'adaptiveCard/action') return undefined;
    const action = (activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
    if (typeof action?.verb !== 'string') return undefined;
    const data = action.data && typeof action.data === 'object' && !Array.isArray(action.data) ? (action.data as ActionData) : {};
    return { verb: action.verb, data };
  }

  /** A message's text as typed and the command it starts with; read once per turn. */
  private typedText(context: TurnContext): TypedText {
    const known = context.turnState.get<TypedText | undefined>(TYPED_TEXT);
    if (known) return known;
    const activity = context.activity;
    const typed = (TurnContext.removeRecipientMention(activity) ?? activity.text ?? '').trim();
    const text = normalize(typed);
    const match = text ? this.commands.find((c) => text === c.phrase || text.startsWith(`${c.phrase} `)) : undefined;
    const read: TypedText = { typed, text, ...(match ? { match } : {}), rest: match ? text.slice(match.phrase.length).trim() : '' };
    context.turnState.set(TYPED_TEXT, read);
    return read;
  }

  /** Whether an activity is an Action.Execute on a state-changing button of a card rendering (which `claimClick` claims). */
  private claimsItsClick(activity: Activity): boolean {
    if (activity.type !== ActivityTypes.Invoke || activity.name !== 'adaptiveCard/action') return false;
    const action = (activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
    const data = action?.data;
    return (
      typeof action?.verb === 'string' &&
      this.options.onceVerbs?.has(action.verb) === true &&
      !!data &&
      typeof data === 'object' &&
      typeof (data as ActionData)[ACTION_NONCE] === 'string'
    );
  }

  /**
   * A message turn reads the user's state (language) and the conversation's (session): asked for
   * together, one round trip to the store instead of two. Invokes read what they need.
   */
  private loadStates(context: TurnContext): Promise<unknown> | undefined {
    if (context.activity.type !== ActivityTypes.Message) return undefined;
    return Promise.all(this.options.states.map((state) => state.load(context)));
  }

  /** Runs the turn (its state read by `loading`, or now), then saves conversation and user state only when nothing failed and nothing was refused. */
  private async runTurn(context: TurnContext, loading = this.loadStates(context)): Promise<void> {
    await loading;
    if (!context.activity.type) throw new Error('Activity is missing its type');
    await this.onTurnActivity(context);
    // A refused invoke (malformed, or of a kind the bot does not handle) leaves no trace.
    if ((context.turnState.get<InvokeResponse | undefined>(INVOKE_ANSWER)?.status ?? 200) >= 400) return;
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
    const action = invokeValue?.action;
    const verb = typeof action?.verb === 'string' ? action.verb : '';
    const data = action?.data && typeof action.data === 'object' && !Array.isArray(action.data) ? (action.data as ActionData) : {};
    // The click is claimed while the user's state (their language) is read: one round trip for both.
    const actor = await this.options.identity.actorOf(context);
    const claiming = this.claimClick(actor?.userId, verb, data);
    claiming.catch(() => undefined);
    let turn: Turn;
    try {
      turn = await Turn.create(context, this.options, true, actor);
    } catch (error) {
      // The turn cannot run: a claim it made is given back, so that the channel's retry runs.
      const claimed = await claiming.catch(() => undefined);
      if (typeof claimed === 'string' && claimed !== 'again' && claimed !== 'working') await this.options.once?.release(claimed);
      throw error;
    }
    const claim = await claiming;
    if (claim === 'working') return message(turn.t('common.stillWorking'));
    if (claim === 'again') return message(turn.t('common.alreadyDone'));
    if (claim && typeof claim !== 'string') return claim;
    const response = await this.settleClick(claim, async () => {
      await this.runAction(turn, verb, data);
      if (turn.invokeCard) {
        return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: turn.invokeCard };
      }
      return message(turn.t('common.actionDone'));
    });
    return response;
  }

  private async runAction(turn: Turn, verb: string, data: ActionData): Promise<void> {
    const feature = this.actions.get(verb);
    const handler = feature?.actions?.[verb];
    if (!handler) {
      await turn.say('common.errors.invalidAction');
      return;
    }
    const { [ACTION_NONCE]: _nonce, ...inputs } = data;
    await handler(turn, inputs);
  }

  /** An Action.Submit click: runs once per rendering, user, verb and inputs; a repeat is told so. */
  private async runSubmit(turn: Turn, verb: string, data: ActionData): Promise<void> {
    const claim = await this.claimClick(turn.actor?.userId, verb, data);
    if (claim === 'again' || claim === 'working' || (claim && typeof claim !== 'string')) {
      await turn.say('common.alreadyDone');
      return;
    }
    await this.settleClick(claim, async () => {
      await this.runAction(turn, verb, data);
      return undefined;
    });
  }

  /**
   * Claims a click on a state-changing button by the card rendering's nonce, the user, the verb
   * and a hash of the inputs (a corrected form is another click). Returns the claimed key, the
   * first click's recorded answer, 'again' for a repeat without one, 'working' while the first
   * click still runs, or undefined when not claimed.
   */
  private async claimClick(userId: string | undefined, verb: string, data: ActionData): Promise<string | 'again' | 'working' | AdaptiveCardInvokeResponse | undefined> {
    const once = this.options.once;
    const nonce = data[ACTION_NONCE];
    if (!once || typeof nonce !== 'string' || !userId || !this.options.onceVerbs?.has(verb)) return undefined;
    const { [ACTION_NONCE]: _nonce, ...inputs } = data;
    const key = `click\u0000${userId}\u0000${verb}\u0000${nonce}\u0000${hash('sha256', stableJson(inputs), 'base64url')}`;
    const claim = await once.claim(key, IN_PROGRESS_TTL_MS);
    if (claim.first) return key;
    if (claim.result === undefined) return 'working';
    const recorded = claim.result ? (JSON.parse(claim.result) as AdaptiveCardInvokeResponse | null) : null;
    return recorded ?? 'again';
  }

  /** Runs a claimed click: records its answer for a repeat, or gives the claim up when it failed. */
  private async settleClick<T>(key: string | undefined, work: () => Promise<T>): Promise<T> {
    const once = this.options.once;
    if (!key || !once) return work();
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await once.release(key);
      throw error;
    }
    await once.settle(key, JSON.stringify(result ?? null), ONCE_TTL_MS);
    return result;
  }

  /** A redelivered activity: an invoke gets the first delivery's response (Teams shows an error otherwise); anything else is ignored. */
  private async answerRedelivery(context: TurnContext, recorded: string | undefined): Promise<void> {
    if (context.activity.type !== ActivityTypes.Invoke) return;
    const first = recorded ? (JSON.parse(recorded) as InvokeResponse | null) : null;
    const locale = resolveLocale(context.activity.locale, this.options.defaultLocale);
    const value = first ?? { status: 200, body: message(translate(locale, 'common.stillWorking')) };
    await context.sendActivity({ type: ActivityTypes.InvokeResponse, value });
  }

  private async runText(turn: Turn): Promise<void> {
    const activity = turn.context.activity;
    if (activity.type !== ActivityTypes.Message) return;
    const { typed, text, match, rest } = this.typedText(turn.context);
    const understanding = this.options.understanding;
    if (text) {
      if (match) {
        const session = await turn.session();
        // A command ends whatever the conversation was waiting for.
        delete session.awaiting;
        // "help me find a distributor in Germany" starts with a command but asks for something else.
        const understood = rest && understanding?.mayImprove(match.command) ? await understanding.understand(typed, turn.locale) : undefined;
        if (understood && understanding?.improves(understood, match.command, rest)) {
          await understanding.act(turn, understood);
          return;
        }
        await match.command.run(turn, rest);
        return;
      }
      const session = await turn.session();
      const waiting = session.awaiting && this.options.features.find((f) => f.name === session.awaiting?.feature);
      if (waiting?.onText && session.awaiting) {
        await waiting.onText(turn, typed, session.awaiting.kind);
        return;
      }
      for (const answer of this.typedAnswers) {
        if (answer.pattern.test(typed) && (await answer.run(turn, typed))) return;
      }
      if (understanding) {
        await understanding.handle(turn, typed);
        return;
      }
    }
    await this.options.fallback.notUnderstood(turn);
  }
}

/** The key under which an activity's delivery is claimed: channel, conversation and activity id. */
function deliveryKey(context: TurnContext): string | undefined {
  const { id, channelId, conversation } = context.activity;
  if (typeof id !== 'string' || !id || typeof conversation?.id !== 'string') return undefined;
  return `activity\u0000${channelId ?? ''}\u0000${conversation.id}\u0000${id}`;
}

/** A 400 invoke response in the Universal Actions error shape (what Teams shows for a refused Action.Execute). */
function invokeRefusal(code: string, message: string): InvokeResponse {
  return { status: 400, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code, message } } };
}

/**
 * An Action.Execute answer that shows a text instead of a card. The Universal Actions response
 * carries the message itself as `value`, a string, which Teams shows to the user; botbuilder's
 * type declares every `value` an object, so the string goes through `unknown` here, once.
 */
function message(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as AdaptiveCardInvokeResponse['value'] };
}

/** JSON with object keys sorted, so equal inputs hash the same whatever order the client sent. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
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
