import { clip, escapeStripped, stripControls } from './inert-text.js';

/**
 * What the renderer does to an expanded card before it leaves: user text made inert where the
 * host renders markdown and cut to fit the size Teams accepts, buttons shaped for the channel,
 * required inputs given their error message. The plain expander (plain-template.ts) applies the
 * same rules while it expands; `shape` applies them to a tree the engine expanded.
 */

/** An Adaptive Card as JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Text the assistant itself wrote (catalog markdown, its own links): shown as written, never escaped. */
export class Trusted {
  constructor(readonly markdown: string) {}
}

/** Marks a view value as the assistant's own markdown; every other string in a view is user text. */
export function trusted(markdown: string): Trusted {
  return new Trusted(markdown);
}

/** What the renderer fills cards up to, leaving room in MAX_CARD_BYTES for the activity around the card. */
export const CARD_BUDGET_BYTES = 26 * 1024;

/**
 * The field of every button's data that names the rendering it came from: the bot claims
 * verb + nonce + inputs once, so a double click or a redelivered click changes nothing twice.
 */
export const ACTION_NONCE = 'actionNonce';

// On the engine's path user text travels through the template between these private-use
// characters, so that after expansion the renderer knows which parts of a string came from a view
// and where they landed. (stripControls removes them from user text itself.)
const OPEN = '\ue000';
const CLOSE = '\ue001';
const USER_TEXT = /\ue000([^\ue000\ue001]*)\ue001/g;

/** A view's string as user text marked for the engine's path. */
export function markedText(text: string): string {
  return `${OPEN}${stripControls(text)}${CLOSE}`;
}

/** Wraps every string of a view in the user-text markers, without control characters; trusted text goes in as written. */
export function markUserText(value: unknown): Json | undefined {
  if (value instanceof Trusted) return value.markdown;
  if (typeof value === 'string') return markedText(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => markUserText(v) ?? null);
  if (value === undefined || typeof value === 'function') return undefined;
  // A Date, a URL or another class instance shows as its own text, like any other user text.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (!isPlainObject(value)) return markedText(String(value));
  const out: { [key: string]: Json } = {};
  for (const [key, v] of Object.entries(value)) {
    const marked = markUserText(v);
    if (marked !== undefined) out[key] = marked;
  }
  return out;
}

/** An object literal (or one made without a prototype): not a Date, a Map, a Trusted or another class instance. */
export function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Where a string sits on a card: whether the host renders it as markdown, and whether it is text people read (so it may be cut). */
export interface Place {
  readonly markdown: boolean;
  readonly display: boolean;
}
export const DATA: Place = { markdown: false, display: false };
const MARKDOWN: Place = { markdown: true, display: true };
const TEXT: Place = { markdown: false, display: true };
const MIN_DATA_CHARS = 256;
const MIN_DISPLAY_CHARS = 24;

/** Which list a string sits in: facts and choices have places of their own. */
export type Within = 'fact' | 'choice' | 'expandedChoice' | undefined;

/**
 * Which strings render markdown: TextBlock text, fact titles and values, Toggle titles, the titles
 * of expanded choice sets and error messages (the JS renderer shows those as TextBlocks). Input
 * values and placeholders, labels, button titles and compact choices show text as it is.
 */
export function placeOf(type: string | undefined, key: string, within: Within): Place {
  if (within === 'fact') return key === 'title' || key === 'value' ? MARKDOWN : DATA;
  if (within === 'choice' || within === 'expandedChoice') return key === 'title' ? (within === 'expandedChoice' ? MARKDOWN : TEXT) : DATA;
  if (type === 'TextBlock' && key === 'text') return MARKDOWN;
  if (type === 'Input.Toggle' && key === 'title') return MARKDOWN;
  if (key === 'errorMessage') return MARKDOWN;
  if (type === 'Input.Text' && (key === 'value' || key === 'placeholder')) return TEXT;
  if (type?.startsWith('Input.') && (key === 'label' || key === 'placeholder')) return TEXT;
  if (type?.startsWith('Action.') && key === 'title') return TEXT;
  if (key === 'altText' || key === 'fallbackText') return TEXT;
  return DATA;
}

/** The list the value of `key` in an element of `type` is: facts of a FactSet, choices of a choice set (expanded ones render markdown). */
export function withinOf(type: string | undefined, key: string, style: unknown, isMultiSelect: unknown): Within {
  if (type === 'FactSet' && key === 'facts') return 'fact';
  if (type === 'Input.ChoiceSet' && key === 'choices') return style === 'expanded' || isMultiSelect === true ? 'expandedChoice' : 'choice';
  return undefined;
}

/** How a card is shaped for its channel: see `shape`. */
export interface Shaping {
  readonly channel: 'msteams' | 'other';
  /** The error message of a required input with this label (the label as expanded, user text marked). */
  readonly requiredMessage: (label: string) => string;
  /** The rendering's nonce, added to every button's data. */
  readonly nonce: string;
}

/** The longest piece of user text met while shaping, before cutting. */
export interface Longest {
  chars: number;
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
export function shape(node: Json, how: Shaping, cap: number, longest: Longest, within?: Within, adapt = true): Json {
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
    } else {
      out[key] = shape(value, how, cap, longest, withinOf(type, key, node.style, node.isMultiSelect), adapt);
    }
  }
  if (!adapt || type === undefined) return out;
  return finishElement(out, type, within, () => (typeof node.label === 'string' ? node.label : ''), how, cap, longest);
}

/**
 * What an element gets once its own fields are done: a required input its error message (the
 * client shows it, screen readers read it), an Action.Execute its shape for the channel and the
 * rendering's nonce. `label` gives the element's label as expanded, user text still marked.
 */
export function finishElement(out: { [key: string]: Json }, type: string, within: Within, label: () => string, how: Shaping, cap: number, longest: Longest): Json {
  if (type.startsWith('Input.') && out.isRequired === true && out.errorMessage === undefined) {
    out.errorMessage = finishString(how.requiredMessage(label()), placeOf(type, 'errorMessage', within), cap, longest);
  }
  if (type !== 'Action.Execute') return out;
  // Written out field by field: rest patterns, spreads and computed keys cost more than the rest of the walk.
  const data = out.data;
  const withNonce: { [key: string]: Json } = {};
  if (data && typeof data === 'object' && !Array.isArray(data)) for (const key in data) withNonce[key] = data[key];
  withNonce[ACTION_NONCE] = how.nonce;
  const submit: { [key: string]: Json } = {};
  for (const key in out) if (key !== 'type' && key !== 'verb' && key !== 'data' && key !== 'fallback' && key !== 'id') submit[key] = out[key];
  submit.type = 'Action.Submit';
  const submitData: { [key: string]: Json } = {};
  for (const key in withNonce) submitData[key] = withNonce[key];
  submitData.verb = out.verb ?? null;
  submit.data = submitData;
  if (how.channel !== 'msteams') {
    if (out.id !== undefined) submit.id = out.id;
    return submit;
  }
  out.data = withNonce;
  out.fallback = out.fallback ?? submit;
  return out;
}

/** A string of an expanded card with its marked user text finished for its place. */
export function finishString(value: string, place: Place, cap: number, longest: Longest): string {
  // The template's own text (types, catalog text, ids) carries no user text: nothing to do.
  if (!value.includes(OPEN)) return value;
  return value.replace(USER_TEXT, (_m, text: string) => finishUserText(text, place, cap, longest));
}

/** One piece of user text as the host will show it in `place`: without controls, cut to `cap` where people read it, escaped where markdown renders. */
export function finishUserText(text: string, place: Place, cap: number, longest: Longest): string {
  const clean = stripControls(text);
  if (clean.length > longest.chars) longest.chars = clean.length;
  // Ids, verbs and search terms in action data are cut only when absurdly long, never below any real id.
  const shown = clip(clean, place.display ? cap : Math.max(cap, MIN_DATA_CHARS));
  return place.markdown ? escapeStripped(shown) : shown;
}

/** An upper bound of the JSON bytes of a card, counted while it was made; Infinity when it was not counted. */
export interface Size {
  bytes: number;
}

/**
 * A card shaped within the size budget: `build` shapes it with user text cut to `cap` characters;
 * when users' text makes it too big, the longest pieces are cut (halving the allowance each round)
 * until it fits. A card that cannot fit even then is a template or paging bug, and fails loudly
 * rather than being refused by Teams. Undefined when `build` gives up the first time.
 * A `build` that counts (the plain expander) sets `size` to a bound of the card's bytes: a card
 * under the budget by that bound is not walked again to count them exactly.
 */
export function fitCard(build: (cap: number, longest: Longest, size: Size) => Json | undefined, name: string): Json | undefined {
  // No single text longer than the whole budget can fit: start there rather than escape it all.
  const longest = { chars: 0 };
  const size = { bytes: Infinity };
  let done = build(CARD_BUDGET_BYTES, longest, size);
  if (done === undefined || size.bytes <= CARD_BUDGET_BYTES) return done;
  let cap = Math.min(longest.chars, CARD_BUDGET_BYTES);
  while (jsonBytes(done) > CARD_BUDGET_BYTES) {
    if (cap <= MIN_DISPLAY_CHARS) throw new Error(`Card ${name} exceeds ${CARD_BUDGET_BYTES} bytes even with user text cut short`);
    cap = Math.max(MIN_DISPLAY_CHARS, Math.floor(cap / 2));
    size.bytes = Infinity;
    done = build(cap, { chars: 0 }, size);
    if (done === undefined) throw new Error(`Card ${name} expanded once and then not again`);
    if (size.bytes <= CARD_BUDGET_BYTES) return done;
  }
  return done;
}

/**
 * The UTF-8 bytes of `JSON.stringify(value)` for a JSON tree, counted without making the string
 * (the size check runs for every card; the text would be garbage at once).
 */
export function jsonBytes(value: Json | undefined): number {
  if (typeof value === 'string') return knownBytes.get(value) ?? stringBytes(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (value === null || typeof value !== 'object') return 4;
  if (Array.isArray(value)) {
    let bytes = value.length > 0 ? 1 + value.length : 2;
    for (const item of value) bytes += item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 4 : jsonBytes(item);
    return bytes;
  }
  let bytes = 2;
  let fields = 0;
  for (const key in value) {
    const item = value[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    bytes += (knownBytes.get(key) ?? stringBytes(key)) + 1 + jsonBytes(item);
    fields++;
  }
  return fields > 0 ? bytes + fields - 1 : bytes;
}

/**
 * The JSON bytes of the strings every card is made of (the templates' text and keys, the
 * catalogs), counted once: the size check then walks only the users' text. Only what
 * `rememberBytes` is given goes in, so it is as bounded as the templates and catalogs.
 */
/** What JSON writes as more than its UTF-8 bytes: a quote, a backslash, a control; and any surrogate, paired (4 bytes either way) or lone (\uXXXX). */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

const knownBytes = new Map<string, number>();

/** Remembers the JSON bytes of every string and key in `value` (a template, a catalog). */
export function rememberBytes(value: unknown): void {
  if (typeof value === 'string') {
    if (!knownBytes.has(value)) knownBytes.set(value, stringBytes(value));
  } else if (value instanceof Trusted) {
    rememberBytes(value.markdown);
  } else if (Array.isArray(value)) {
    for (const item of value) rememberBytes(item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      rememberBytes(key);
      rememberBytes(item);
    }
  }
}
for (const key of ['type', 'data', 'fallback', 'verb', 'id', 'errorMessage', ACTION_NONCE, 'Action.Submit']) rememberBytes(key);

/** The JSON bytes of a string: remembered for the templates' and catalogs' text, counted for the rest. */
export function textBytes(text: string): number {
  return knownBytes.get(text) ?? stringBytes(text);
}

/**
 * The UTF-8 bytes of a string as JSON writes it: quotes, escapes (\n and the like, \u00XX for
 * other controls and lone surrogates). Most text has nothing JSON escapes, and Node.js counts its
 * UTF-8 bytes natively; the loop below counts the rest. (The loop alone was JIT-dependent: the
 * same renders took 0.10 or 0.17 ms a card from one process to the next, depending on how it
 * had been optimized when text outside ASCII first reached it.)
 */
export function stringBytes(text: string): number {
  return JSON_ESCAPED.test(text) ? escapedStringBytes(text) : Buffer.byteLength(text, 'utf8') + 2;
}

function escapedStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20) bytes += c === 0x22 || c === 0x5c ? 2 : 1;
      else bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      bytes += 6;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}
