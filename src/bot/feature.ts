import type { Actor } from '../domain/actor.js';
import type { EarlyReads } from './early-reads.js';
import type { Turn } from './turn.js';

/** Data a card action carries (from Action.Execute `data` or Action.Submit `value`), untrusted. */
export type ActionData = Readonly<Record<string, unknown>>;

/** Handles one card action verb. */
export type ActionHandler = (turn: Turn, data: ActionData) => Promise<void>;

/** A typed command; `wordsKey` names a catalog entry with its words, separated by `|`. */
export interface Command {
  readonly wordsKey: string;
  readonly descriptionKey: string;
  /** Hidden commands work but are not listed on the help card. */
  readonly hidden?: boolean;
  /** The command reads the words typed after it (a search, a code, a language). */
  readonly takesText?: boolean;
  run(turn: Turn, rest: string): Promise<void>;
  /** Starts the reads `run` will make for this user and text, with the turn's first round trip to the store: see `EarlyReads`. */
  readAhead?(early: EarlyReads, actor: Actor, rest: string): void;
}

/** Starts the reads a card action will make for this user and data, with the turn's first round trip to the store: see `EarlyReads`. */
export type ReadAhead = (early: EarlyReads, actor: Actor, data: ActionData) => void;

/** A button on the welcome and help cards. */
export interface MenuEntry {
  readonly titleKey: string;
  readonly verb: string;
}

/**
 * A journey or a piece of the assistant: its commands, card verbs and menu buttons.
 * The bot routes to features; rules stay in the domain and use cases they call.
 */
export interface Feature {
  readonly name: string;
  readonly menu?: readonly MenuEntry[];
  readonly commands?: readonly Command[];
  readonly actions?: Readonly<Record<string, ActionHandler>>;
  /** For card verbs of `actions` whose reads can start early: how. */
  readonly readAhead?: Readonly<Record<string, ReadAhead>>;
  /** Free text while this feature waits for an answer; the session says what it waits for. */
  onText?(turn: Turn, text: string, kind: string): Promise<void>;
  /**
   * Text of a recognisable shape (a 6-digit code) that answers something pending in the domain,
   * whenever it is typed: `run` says whether it was such an answer for this user.
   */
  readonly typedAnswers?: readonly { readonly pattern: RegExp; run(turn: Turn, text: string): Promise<boolean> }[];
}

/**
 * Wraps a handler that needs a proven user: without one the user is told to sign in first and the
 * handler does not run; with one the handler runs with that actor.
 */
export function withActor<A extends unknown[]>(
  handler: (turn: Turn, actor: Actor, ...args: A) => Promise<void>,
): (turn: Turn, ...args: A) => Promise<void> {
  return async (turn, ...args) => {
    const actor = turn.actor;
    if (!actor) return turn.say('common.errors.notSignedIn');
    return handler(turn, actor, ...args);
  };
}
