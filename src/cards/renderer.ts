import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Template } from 'adaptivecards-templating';
import { catalogs, translate, type Locale } from '../i18n/catalog.js';
import { clip, escapeMarkdown, stripControls } from './inert-text.js';
import { compilePlain, expandPlain, type PlainTemplate } from './plain-template.js';

/**
 * adaptivecards-templating (with adaptive-expressions, about 0.4 s to load) is needed only for a
 * template with expressions or a view the plain expander leaves to it: loaded on first use.
 */
let templating: typeof import('adaptivecards-templating') | undefined;
function templateOf(payload: unknown): Template {
  templating ??= createRequire(import.meta.url)('adaptivecards-templating') as typeof import('adaptivecards-templating');
  return new templating.Template(payload);
}

/** A parsed template: its plain compilation when every binding is a path, and the engine's, made when first needed. */
interface Loaded {
  readonly payload: unknown;
  readonly plain: PlainTemplate | undefined;
  engine?: Template;
}

/** An Adaptive Card as JSON. */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard' };

/** Where a card is shown: Teams runs Action.Execute; other channels (Web Chat, Emulator) only Action.Submit. */
export interface RenderTarget {
  readonly locale: Locale;
  readonly channel: 'msteams' | 'other';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The largest card the assistant sends: Teams refuses messages over about 28 KB. */
export const MAX_CARD_BYTES = 28 * 1024;

/** What the renderer fills cards up to, leaving room in MAX_CARD_BYTES for the activity around the card. */
const CARD_BUDGET_BYTES = 26 * 1024;

/** Text the assistant itself wrote (catalog markdown, its own links): shown as written, never escaped. */
export class Trusted {
  constructor(readonly markdown: string) {}
}

/** Marks a view value as the assistant's own markdown; every other string in a view is user text. */
export function trusted(markdown: string): Trusted {
  return new Trusted(markdown);
}

// User text travels through the template between these private-use characters, so that after
// expansion the renderer knows which parts of a string came from a view and where they landed.
const OPEN = '\ue000';
const CLOSE = '\ue001';
const USER_TEXT = /\ue000([^\ue000\ue001]*)\ue001/g;

/**
 * The field of every button's data that names the rendering it came from: the bot claims
 * verb + nonce + inputs once, so a double click or a redelivered click changes nothing twice.
 */
export const ACTION_NONCE = 'actionNonce';

/**
 * Expands the templates in cards/ with a view model and the catalog of the user's language.
 * The only reader of cards/: each template is parsed once and kept.
 */
export class CardRenderer {
  private readonly templates = new Map<string, Loaded>();
  /** Cards whose view depends only on the language and channel, rendered once: JSON with a stand-in for the nonce. */
  private readonly constants = new Map<string, { json: string; nonce: string }>();

  constructor(private readonly dir: string) {}

  /** The names of every template (file names without `.json`). */
  names(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  }

  /**
   * Expands template `name`. Strings in `view` should already be formatted: a template whose
   * bindings are all plain `${path}`s is expanded by plain substitution (plain-template.ts); one
   * expression function sends the whole template through the adaptive-expressions engine, many
   * times slower.
   * Every string of `view` is user text unless wrapped in `trusted()`: it is escaped where the
   * card renders markdown, shown as typed elsewhere, and cut with an ellipsis when the card
   * would otherwise exceed the size Teams accepts. Templates therefore bind view strings only
   * as values, never compare them in expressions (use a boolean in the view for `$when`).
   */
  render(name: string, view: object, target: RenderTarget): AdaptiveCardJson {
    return this.renderWith(name, view, target, randomUUID());
  }

  private renderWith(name: string, view: object, target: RenderTarget, nonce: string): AdaptiveCardJson {
    const loaded = this.template(name);
    const root = { ...(markUserText(view) as object), t: catalogs[target.locale] };
    const plain = loaded.plain ? expandPlain(loaded.plain, root) : undefined;
    const expanded = (plain ?? (loaded.engine ??= templateOf(loaded.payload)).expand({ $root: root })) as Json;
    const requiredMessage = (label: string) => translate(target.locale, 'common.validation.requiredField', { label });
    return fitCard(expanded, name, { channel: target.channel, requiredMessage, nonce }) as AdaptiveCardJson;
  }

  /**
   * A card whose view depends on nothing but the language and the channel (help, the main menu):
   * rendered the first time, then served from the rendering kept for `key`, language and channel,
   * with a new action nonce each time (a new rendering to the bot's once-only clicks) and as a
   * new object the caller may change. `key` names the view: the same key must always make the same view.
   */
  renderConstant(name: string, key: string, view: () => object, target: RenderTarget): AdaptiveCardJson {
    const id = `${name}\u0000${key}\u0000${target.locale}\u0000${target.channel}`;
    let kept = this.constants.get(id);
    if (!kept) {
      // The nonce is a fresh UUID: it cannot occur anywhere else in the card, so replacing it is exact.
      const nonce = randomUUID();
      kept = { json: JSON.stringify(this.renderWith(name, view(), target, nonce)), nonce };
      this.constants.set(id, kept);
    }
    return JSON.parse(kept.json.replaceAll(kept.nonce, randomUUID())) as AdaptiveCardJson;
  }

  private template(name: string): Loaded {
    let template = this.templates.get(name);
    if (!template) {
      if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Bad card template name ${name}`);
      const payload: unknown = JSON.parse(readFileSync(join(this.dir, `${name}.json`), 'utf8'));
      template = { payload, plain: compilePlain(payload) };
      this.templates.set(name, template);
    }
    return template;
  }
}

/** Wraps every string of a view in the user-text markers, without control characters; trusted text goes in as written. */
function markUserText(value: unknown): Json | undefined {
  if (value instanceof Trusted) return value.markdown;
  if (typeof value === 'string') return `${OPEN}${stripControls(value)}${CLOSE}`;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => markUserText(v) ?? null);
  if (value === undefined || typeof value === 'function') return undefined;
  // A Date, a URL or another class instance shows as its own text, like any other user text.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return `${OPEN}${stripControls(String(value))}${CLOSE}`;
  const out: { [key: string]: Json } = {};
  for (const [key, v] of Object.entries(value)) {
    const marked = markUserText(v);
    if (marked !== undefined) out[key] = marked;
  }
  return out;
}

/** Where a string sits on a card: whether the host renders it as markdown, and whether it is text people read (so it may be cut). */
interface Place {
  readonly markdown: boolean;
  readonly display: boolean;
}
const DATA: Place = { markdown: false, display: false };
const MIN_DATA_CHARS = 256;
const MIN_DISPLAY_CHARS = 24;

/**
 * Which strings render markdown: TextBlock text, fact titles and values, Toggle titles, the titles
 * of expanded choice sets and error messages (the JS renderer shows those as TextBlocks). Input
 * values and placeholders, labels, button titles and compact choices show text as it is.
 */
function placeOf(type: string | undefined, key: string, within: 'fact' | 'choice' | 'expandedChoice' | undefined): Place {
  if (within === 'fact') return key === 'title' || key === 'value' ? { markdown: true, display: true } : DATA;
  if (within === 'choice' || within === 'expandedChoice') return key === 'title' ? { markdown: within === 'expandedChoice', display: true } : DATA;
  if (type === 'TextBlock' && key === 'text') return { markdown: true, display: true };
  if (type === 'Input.Toggle' && key === 'title') return { markdown: true, display: true };
  if (key === 'errorMessage') return { markdown: true, display: true };
  if (type === 'Input.Text' && (key === 'value' || key === 'placeholder')) return { markdown: false, display: true };
  if (type?.startsWith('Input.') && (key === 'label' || key === 'placeholder')) return { markdown: false, display: true };
  if (type?.startsWith('Action.') && key === 'title') return { markdown: false, display: true };
  if (key === 'altText' || key === 'fallbackText') return { markdown: false, display: true };
  return DATA;
}

/** How a card is shaped for its channel: see `shape`. */
interface Shaping {
  readonly channel: RenderTarget['channel'];
  /** The error message of a required input with this label (the label as expanded, user text still marked). */
  readonly requiredMessage: (label: string) => string;
  /** The rendering's nonce, added to every button's data. */
  readonly nonce: string;
}

/**
 * Shapes an expanded card for its channel and finishes its user text, in one walk.
 *
 * Channel: templates declare Action.Execute with a verb. Teams gets it with an Action.Submit
 * fallback that carries the same verb; other channels get the Action.Submit alone, since Web Chat
 * cannot run Action.Execute. The bot handles both the same way. Every button's data gets the
 * rendering's nonce. A Universal Actions `refresh` is a Teams feature: kept as written (its text
 * finished) for Teams, dropped elsewhere. A required input gets its error message.
 *
 * User text: the marked pieces become what the host shows, each piece of readable user text kept
 * to at most `cap` characters; `longest` gets the longest piece before cutting.
 */
function shape(node: Json, how: Shaping, cap: number, longest: { chars: number }, within?: 'fact' | 'choice' | 'expandedChoice', adapt = true): Json {
  if (Array.isArray(node)) return node.map((n) => shape(n, how, cap, longest, within, adapt));
  if (typeof node === 'string') return finishString(node, DATA, cap, longest);
  if (!node || typeof node !== 'object') return node;
  const type = typeof node.type === 'string' ? node.type : undefined;
  const out: { [key: string]: Json } = {};
  for (const key in node) {
    const value = node[key];
    if (key === 'refresh' && adapt) {
      if (how.channel === 'msteams') out[key] = shape(value, how, cap, longest, undefined, false);
    } else if (typeof value === 'string') {
      out[key] = finishString(value, placeOf(type, key, within), cap, longest);
    } else if (type === 'FactSet' && key === 'facts') {
      out[key] = shape(value, how, cap, longest, 'fact', adapt);
    } else if (type === 'Input.ChoiceSet' && key === 'choices') {
      out[key] = shape(value, how, cap, longest, node.style === 'expanded' || node.isMultiSelect === true ? 'expandedChoice' : 'choice', adapt);
    } else {
      out[key] = shape(value, how, cap, longest, undefined, adapt);
    }
  }
  if (!adapt || type === undefined) return out;
  // A required input says what is missing when the client checks it (and screen readers read it).
  if (type.startsWith('Input.') && out.isRequired === true && out.errorMessage === undefined) {
    const label = typeof node.label === 'string' ? node.label : '';
    out.errorMessage = finishString(how.requiredMessage(label), placeOf(type, 'errorMessage', within), cap, longest);
  }
  if (type !== 'Action.Execute') return out;
  const { type: _type, verb, data, fallback, id, ...rest } = out;
  const withNonce = { ...(data && typeof data === 'object' && !Array.isArray(data) ? data : {}), [ACTION_NONCE]: how.nonce };
  const submit: { [key: string]: Json } = {
    ...rest,
    type: 'Action.Submit',
    data: { ...withNonce, verb: verb ?? null },
  };
  if (how.channel !== 'msteams') return id === undefined ? submit : { ...submit, id };
  return { ...out, data: withNonce, fallback: fallback ?? submit };
}

function finishString(value: string, place: Place, cap: number, longest: { chars: number }): string {
  // The template's own text (types, catalog text, ids) carries no user text: nothing to do.
  if (!value.includes(OPEN)) return value;
  return value.replace(USER_TEXT, (_m, text: string) => {
    longest.chars = Math.max(longest.chars, text.length);
    // Ids, verbs and search terms in action data are cut only when absurdly long, never below any real id.
    const shown = clip(text, place.display ? cap : Math.max(cap, MIN_DATA_CHARS));
    return place.markdown ? escapeMarkdown(shown) : shown;
  });
}

/**
 * Shapes and finishes a card within the size budget: when users' text makes it too big, the
 * longest pieces are cut (halving the allowance each round) until it fits. A card that cannot
 * fit even then is a template or paging bug, and fails loudly rather than being refused by Teams.
 */
function fitCard(card: Json, name: string, how: Shaping): Json {
  // No single text longer than the whole budget can fit: start there rather than escape it all.
  const longest = { chars: 0 };
  let done = shape(card, how, CARD_BUDGET_BYTES, longest);
  let cap = Math.min(longest.chars, CARD_BUDGET_BYTES);
  while (Buffer.byteLength(JSON.stringify(done)) > CARD_BUDGET_BYTES) {
    if (cap <= MIN_DISPLAY_CHARS) throw new Error(`Card ${name} exceeds ${CARD_BUDGET_BYTES} bytes even with user text cut short`);
    cap = Math.max(MIN_DISPLAY_CHARS, Math.floor(cap / 2));
    done = shape(card, how, cap, { chars: 0 });
  }
  return done;
}
