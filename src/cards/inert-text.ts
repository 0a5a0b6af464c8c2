/**
 * Makes text that users typed (or that a channel reports about them) inert where cards show it.
 * Adaptive Card TextBlocks, facts and check-box titles render a markdown subset, and hosts add
 * more (Web Chat: markdown-it with HTML and linkify; Teams: links, emphasis, lists), so user text
 * is backslash-escaped there, the CommonMark way both honour.
 */

// Bidi overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) reorder
// what a reviewer reads; other C0/C1 controls, line and paragraph separators and the renderer's
// own markers have no place in text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ue000\ue001]/g;

/** User text without control characters: bidi overrides and isolates, C0/C1 controls (tabs and new lines stay). */
export function stripControls(text: string): string {
  // Most text has none: one scan, and the same string back.
  if (!CONTROL_OR_CR.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}
const CONTROL_OR_CR = /[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ue000\ue001]/;

/**
 * User text for a place where a card renders markdown: no link, image, emphasis, heading, list,
 * HTML, entity, autolinked URL, e-mail or domain, and no `${` survives; what shows is the text as typed.
 */
export function escapeMarkdown(text: string): string {
  return escapeStripped(stripControls(text));
}

/** escapeMarkdown of text that stripControls has already cleaned. */
export function escapeStripped(clean: string): string {
  // Most names and sentences have none of the characters below: the same text back, without the regular expressions.
  if (!NEEDS_ESCAPE.test(clean)) return clean;
  // One line (names, domains) without splitting and joining.
  return clean.includes('\n') ? clean.split('\n').map(escapeLine).join('\n') : escapeLine(clean);
}

function escapeLine(line: string): string {
  // Emphasis, code, strikethrough, links and images, HTML and autolinks, tables.
  let out = MARKUP.test(line) ? line.replace(MARKUP_ALL, '\\$&') : line;
  // Character references would turn into the characters above.
  if (out.includes('&')) out = out.replace(/&(?=#|[A-Za-z][A-Za-z0-9]*;)/g, '\\&');
  // Linkify (Web Chat) links bare domains and e-mail addresses, and any scheme followed by ':'
  // (a scheme ends in a letter, so times such as 09:30 stay as they are).
  if (out.includes('.') || out.includes(':')) out = escapeLinkable(out);
  // A literal `${` stays literal and can never be taken for a template binding.
  if (out.includes('${')) out = out.replace(/\$\{/g, '$\\{');
  // Headings, lists, quotes and setext underlines start a line; a numbered list is `1.` or `1)`.
  // A line that starts with a letter (most do) can be neither.
  if (LINE_START_PLAIN.test(out)) return out;
  return out.replace(/^(\s*)([#+=>-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** A first character that is not white space, a digit or one of `#+=>-`: no line start to escape. */
const LINE_START_PLAIN = /^[A-Za-z\u00c0-\u167f\u1681-\u1fff]/;

const MARKUP = /[\\`*_~[\]<>|]/;
const MARKUP_ALL = /[\\`*_~[\]<>|]/g;

/**
 * Escapes each `.` between two letters or digits and each `:` after a letter and before a letter,
 * digit or `/` (what `(?<=[\p{L}\p{N}])\.(?=[\p{L}\p{N}])|(?<=\p{L}):(?=[\p{L}\p{N}/])` matches, by
 * code point), looking at the neighbours of those two characters only: the expression's Unicode
 * lookarounds cost more than the rest of a card's text.
 */
function escapeLinkable(text: string): string {
  let out = '';
  let from = 0;
  // From one `.` or `:` to the next, rather than character by character.
  let dot = text.indexOf('.', 1);
  let colon = text.indexOf(':', 1);
  for (;;) {
    const i = dot === -1 ? colon : colon === -1 || dot < colon ? dot : colon;
    if (i === -1 || i >= text.length - 1) break;
    const c = text.charCodeAt(i);
    if (c === 0x2e) dot = text.indexOf('.', i + 1);
    else colon = text.indexOf(':', i + 1);
    const before = codePointBefore(text, i);
    const after = text.codePointAt(i + 1)!;
    const linkable = c === 0x2e ? isLetterOrNumber(before) && isLetterOrNumber(after) : isLetter(before) && (after === 0x2f || isLetterOrNumber(after));
    if (!linkable) continue;
    out += `${text.slice(from, i)}\\`;
    from = i;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The code point that ends just before `i` (a whole surrogate pair when there is one). */
function codePointBefore(text: string, i: number): number {
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return low;
}

const LETTER = /^\p{L}$/u;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

function isLetter(code: number): boolean {
  if (code < 0x80) return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return LETTER.test(String.fromCodePoint(code));
}

function isLetterOrNumber(code: number): boolean {
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return LETTER_OR_NUMBER.test(String.fromCodePoint(code));
}

/** Any character escapeMarkdown may escape (or that starts a line it may escape). */
const NEEDS_ESCAPE = /[\\`*_~[\]<>|&.:${#+=>)\-\n]|^\s*\d/;

/** Cuts text to at most `max` UTF-16 units, never inside a surrogate pair, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}
