import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { CardFactory, MessageFactory } from '../botbuilder.js';
import type { Actor } from '../domain/actor.js';
import type { DomainError } from '../domain/result.js';
import { resolveLocale, translator, type Locale, type Translate } from '../i18n/catalog.js';
import type { AdaptiveCardJson, CardRenderer } from '../cards/renderer.js';
import { EarlyReads } from './early-reads.js';
import type { IdentityResolver } from './identity.js';
import { refusal } from './presenting.js';

/** What the assistant remembers about one user in one conversation between turns (private conversation state). */
export interface Session {
  /** A feature waiting for typed text (a code, a reason), and what for. */
  awaiting?: { feature: string; kind: string; ref?: string };
}

/** What the assistant remembers about one user across conversations. */
export interface Preferences {
  /** A language the user chose with the "language" command; overrides the channel's locale. */
  locale?: Locale;
}

/** Collaborators every turn needs. */
export interface TurnServices {
  readonly renderer: CardRenderer;
  readonly session: StatePropertyAccessor<Session>;
  readonly preferences: StatePropertyAccessor<Preferences>;
  readonly defaultLocale: Locale;
  /** Proves who is behind each activity. */
  readonly identity: IdentityResolver;
}

/**
 * One turn as a feature sees it: who is speaking, in which language, and how to answer.
 * The first card a card action shows replaces the clicked card in Teams (Action.Execute);
 * everywhere else cards are sent as new messages.
 */
export class Turn {
  /** The card that answers an Action.Execute invoke, when the turn is one. */
  invokeCard?: AdaptiveCardJson;

  private constructor(
    readonly context: TurnContext,
    private readonly services: TurnServices,
    readonly locale: Locale,
    readonly isExecute: boolean,
    /** The proven user of this turn, or undefined for an anonymous caller. */
    readonly actor: Actor | undefined,
  ) {}

  /** Builds the turn view of a context, resolving the user's language and proven identity (`actor`: already resolved for this context). */
  static async create(context: TurnContext, services: TurnServices, isExecute = false, actor?: Actor): Promise<Turn> {
    const preferences = await services.preferences.get(context, {});
    const locale = preferences.locale ?? resolveLocale(typeof context.activity.locale === 'string' ? context.activity.locale : undefined, services.defaultLocale);
    return new Turn(context, services, locale, isExecute, actor ?? (await services.identity.actorOf(context)));
  }

  /** Translator in the user's language. */
  get t(): Translate {
    return translator(this.locale);
  }

  /** Teams or another channel, for how cards are shaped. */
  get channel(): 'msteams' | 'other' {
    return this.context.activity.channelId === 'msteams' ? 'msteams' : 'other';
  }

  /** The user's remembered state in this conversation (saved at the end of a turn that did not fail). */
  session(): Promise<Session> {
    return this.services.session.get(this.context, {});
  }

  /** The user's remembered preferences. */
  preferences(): Promise<Preferences> {
    return this.services.preferences.get(this.context, {});
  }

  /** The read this turn started early under `key` (see `EarlyReads`), or `read` made now. */
  early<T>(key: string, read: () => Promise<T>): Promise<T> {
    return EarlyReads.take(this.context, key, read);
  }

  /** Expands a card template in the user's language for this channel. */
  render(name: string, view: object = {}): AdaptiveCardJson {
    return this.services.renderer.render(name, view, { locale: this.locale, channel: this.channel });
  }

  /** Shows a card: as the answer to the clicked card on the first call of an Execute turn, else as a new message. */
  async show(name: string, view: object = {}): Promise<void> {
    await this.showCard(this.render(name, view));
  }

  /**
   * Shows a card whose view depends only on the user's language (help, the main menu): rendered
   * once per language and channel, then served again. `key` names the view; `view` makes it.
   */
  async showConstant(name: string, key: string, view: () => object): Promise<void> {
    await this.showCard(this.services.renderer.renderConstant(name, key, view, { locale: this.locale, channel: this.channel }));
  }

  private async showCard(card: AdaptiveCardJson): Promise<void> {
    if (this.isExecute && !this.invokeCard) {
      this.invokeCard = card;
      return;
    }
    await this.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  }

  /** Sends a plain message in the user's language. */
  async say(key: string, params?: Record<string, string | number>): Promise<void> {
    await this.context.sendActivity(MessageFactory.text(this.t(key, params)));
  }

  /** Tells the user why a domain operation was refused (role names, countries and instants in their language). */
  async refuse(error: DomainError): Promise<void> {
    await this.context.sendActivity(MessageFactory.text(refusal(error, this.t, this.locale)));
  }
}
