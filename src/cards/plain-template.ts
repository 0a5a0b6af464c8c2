/**
 * A fast expander for card templates whose every binding is a plain path (`${name}`,
 * `${$root.t.provider.title}`, `${$index}`): the same result as adaptivecards-templating's
 * `Template.expand`, without parsing and evaluating adaptive expressions, whose property lookups
 * scan every key of every object on the path (the catalogs have hundreds).
 *
 * It follows the engine's rules: `$data` bound to an array repeats the element (an empty array
 * drops it), `$data` bound to anything else becomes the scope of the element; `$when` keeps the
 * element only when its value is `true`; a string that is a single binding takes the bound value
 * with its type, and a string with several parts is concatenated; `null` items are dropped from
 * arrays. Whenever a case is not certain to come out the same — a missing or null value (the engine
 * writes `${path}` back), a name found only by ignoring case, a non-primitive in a sentence — it
 * returns `undefined` and the caller expands with the engine instead. A template with any other
 * expression is not compiled at all (`compilePlain` returns undefined).
 */

import { ACTION_NONCE, DATA, finishElement, finishUserText, isPlainObject, jsonBytes, markedText, markUserText, placeOf, shape, stringBytes, textBytes, Trusted, withinOf, type Json, type Longest, type Place, type Shaping, type Size, type Within } from './shaping.js';

/** A reference to a value: where it starts and the property names after that. */
interface PathRef {
  readonly base: '$data' | '$root' | '$index';
  readonly parts: readonly string[];
}

// Each node knows the JSON bytes of the template's own text in it (a literal; a sentence's fixed
// parts and quotes; a key with its colon and comma), so that shaping counts only what the view adds.
type Node =
  | { readonly kind: 'literal'; readonly value: unknown; readonly bytes: number }
  | { readonly kind: 'path'; readonly ref: PathRef }
  | { readonly kind: 'concat'; readonly parts: readonly (string | PathRef)[]; readonly bytes: number }
  | { readonly kind: 'array'; readonly items: readonly Node[] }
  | {
      readonly kind: 'object';
      /** Each field: its key, its value and the bytes of `"key":` and a comma. */
      readonly entries: readonly (readonly [string, Node, number])[];
      /** Absent: no `$data`. */
      readonly data?: Node;
      /** Absent: no `$when`; 'drop': a `$when` that is not a binding (the engine drops the element). */
      readonly when?: PathRef | 'drop';
      /** The `type`, `label`, `style` and `isMultiSelect` fields, which shaping reads. */
      readonly fields: Readonly<Partial<Record<'type' | 'label' | 'style' | 'isMultiSelect', Node>>>;
    };

/** A compiled template. */
export interface PlainTemplate {
  readonly root: Node;
}

/** The engine's reserved names: not copied to the output. */
const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);
const BINDING = /\$\{([^}]*)\}/g;
const PLAIN_PATH = /^\$?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_$][A-Za-z0-9_]*)*$/;

/** Thrown while compiling a template that is not plain; caught by compilePlain. */
class NotPlain extends Error {}

/** Compiles a template of plain bindings; undefined when any binding is an expression. */
export function compilePlain(payload: unknown): PlainTemplate | undefined {
  try {
    return { root: compile(payload) };
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

function compile(node: unknown): Node {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) return { kind: 'array', items: node.map(compile) };
  if (node === null || typeof node !== 'object') return { kind: 'literal', value: node, bytes: jsonBytes(node as Json) };
  const record = node as Record<string, unknown>;
  const entries: (readonly [string, Node, number])[] = [];
  const fields: Partial<Record<'type' | 'label' | 'style' | 'isMultiSelect', Node>> = {};
  for (const key of Object.keys(record)) {
    if (RESERVED.has(key)) continue;
    const compiled = compile(record[key]);
    entries.push([key, compiled, stringBytes(key) + 2]);
    if (key === 'type' || key === 'label' || key === 'style' || key === 'isMultiSelect') fields[key] = compiled;
  }
  const compiled: { kind: 'object'; entries: typeof entries; data?: Node; when?: PathRef | 'drop'; fields: typeof fields } = { kind: 'object', entries, fields };
  if (record.$data !== undefined) {
    // The engine uses a literal $data (an object or array written in the template) unexpanded.
    if (typeof record.$data !== 'string') throw new NotPlain();
    compiled.data = compileString(record.$data);
  }
  if (typeof record.$when === 'string') {
    const when = compileString(record.$when);
    if (when.kind === 'path') compiled.when = when.ref;
    else if (when.kind === 'concat') throw new NotPlain();
    // A $when that is not a binding drops the element, unless empty (the engine's rule).
    else if (record.$when) compiled.when = 'drop';
  } else if (record.$when) {
    compiled.when = 'drop';
  }
  return compiled;
}

function compileString(text: string): Extract<Node, { kind: 'literal' | 'path' | 'concat' }> {
  if (!text.includes('${')) return { kind: 'literal', value: text, bytes: stringBytes(text) };
  // The engine parses the string as an expression's template literal: escapes and backticks mean something there.
  if (text.includes('\\') || text.includes('`')) throw new NotPlain();
  const parts: (string | PathRef)[] = [];
  let last = 0;
  for (const match of text.matchAll(BINDING)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(pathOf(match[1].trim()));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.some((p) => typeof p === 'string' && p.includes('${'))) throw new NotPlain();
  if (parts.length === 1 && typeof parts[0] !== 'string') return { kind: 'path', ref: parts[0] };
  // The quotes and the fixed parts: a part's bytes alone are never fewer than within the sentence.
  return { kind: 'concat', parts, bytes: parts.reduce((n, p) => (typeof p === 'string' ? n + stringBytes(p) - 2 : n), 2) };
}

function pathOf(expression: string): PathRef {
  if (!PLAIN_PATH.test(expression)) throw new NotPlain();
  const names = expression.split('.');
  const first = names[0];
  if (first === '$root' || first === '$data') return { base: first, parts: names.slice(1) };
  if (first === '$index') {
    if (names.length > 1) throw new NotPlain();
    return { base: '$index', parts: [] };
  }
  if (first.startsWith('$')) throw new NotPlain();
  return { base: '$data', parts: names };
}

/** Where bindings are resolved: the root view, the current `$data` (the root when unset) and `$index`. */
class Scope {
  // Declared, not defined, and set by the constructor only: one object shape (see ShapeRun).
  declare readonly root: unknown;
  declare readonly data: unknown;
  declare readonly index: unknown;

  constructor(root: unknown, data: unknown, index: unknown) {
    this.root = root;
    this.data = data;
    this.index = index;
  }
}

/** Signals a case the engine must decide; caught by expandPlain. */
class Unsure extends Error {
  constructor() {
    super('not certain to match the engine');
  }
}
const UNSURE = new Unsure();
const MISSING = Symbol('missing');

/** Expands a compiled template with `$root`; undefined when the engine must do it (see the module comment). */
export function expandPlain(template: PlainTemplate, root: unknown): unknown {
  try {
    return expand(template.root, new Scope(root, undefined, undefined), undefined, DATA, undefined);
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

/**
 * Shaping while expanding: the rules of shaping.ts, and the allowance for each piece of user text.
 * A class, made by its constructor only: one object shape from the first render on. Made as an
 * object literal and as a spread copy of one (inside a `refresh`), the same renders ran at 0.10 ms
 * or at 0.16–0.21 ms a card from one process to the next, depending on whether V8 had compiled
 * expandShaped with TurboFan on its own (BENCHMARKS.md, round 13).
 */
class ShapeRun {
  // Declared, not defined: a class field would first be set to undefined, and each field's first
  // value is what V8 builds the shape on.
  declare readonly how: Shaping;
  declare readonly cap: number;
  declare readonly longest: Longest;
  /** False inside a `refresh`, which Teams gets as written. */
  declare readonly adapt: boolean;
  /** Counts, as it is made, at least as many bytes as the card's JSON will have (see `count`). */
  declare readonly size: Size;

  constructor(how: Shaping, cap: number, longest: Longest, adapt: boolean, size: Size) {
    this.how = how;
    this.cap = cap;
    this.longest = longest;
    this.adapt = adapt;
    this.size = size;
  }
}

/**
 * Expands a compiled template and shapes the result in the same walk: the card `shape` would make
 * of `expandPlain`'s tree with the view's strings marked as user text, without that tree. In
 * `root` every string is user text and the assistant's own text comes as `Trusted` (the catalog
 * too). Undefined when the engine must do it, as for expandPlain, and when the template's element
 * types or choice styles are bindings (shaping reads them).
 */
export function expandShaped(template: PlainTemplate, root: unknown, how: Shaping, cap: number, longest: Longest, size: Size = { bytes: 0 }): Json | undefined {
  size.bytes = 0;
  try {
    return expand(template.root, new Scope(root, undefined, undefined), new ShapeRun(how, cap, longest, true, size), DATA, undefined) as Json;
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

/** `place` is where a string the node makes lands; `within`, the list an object it makes is in (both for shaping only). */
function expand(node: Node, scope: Scope, run: ShapeRun | undefined, place: Place, within: Within): unknown {
  switch (node.kind) {
    case 'literal':
      if (run) run.size.bytes += node.bytes;
      return node.value;
    case 'path': {
      const value = present(resolve(node.ref, scope));
      return run ? finishValue(value, run, place, within) : value;
    }
    case 'concat': {
      let out = '';
      let bytes = node.bytes;
      for (const part of node.parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const value = present(resolve(part, scope));
        // The engine writes a value into a sentence with its toString(): the same for these.
        if (typeof value === 'string') {
          if (!run) {
            out += value;
            continue;
          }
          const finished = finishUserText(value, place, run.cap, run.longest);
          out += finished;
          bytes += stringBytes(finished) - 2;
        } else if (typeof value === 'number' || typeof value === 'boolean') {
          const text = String(value);
          out += text;
          bytes += text.length;
        } else if (run && value instanceof Trusted) {
          out += value.markdown;
          bytes += textBytes(value.markdown) - 2;
        } else throw UNSURE;
      }
      if (run) run.size.bytes += bytes;
      return out;
    }
    case 'array': {
      const out: unknown[] = [];
      for (const item of node.items) {
        const expanded = expand(item, scope, run, DATA, within);
        if (expanded === null) continue;
        if (Array.isArray(expanded)) out.push(...(expanded as unknown[]));
        else out.push(expanded);
      }
      // The brackets and commas (the items counted themselves).
      if (run) run.size.bytes += out.length > 0 ? out.length + 1 : 2;
      return out;
    }
    case 'object': {
      // Most elements have no $data: one object (or null), without the arrays of the repeating case.
      if (!node.data) return expandElement(node, scope, run, within);
      const data = expand(node.data, scope, undefined, DATA, undefined);
      if (!Array.isArray(data)) {
        if (data === undefined || data === null) throw UNSURE;
        return expandElement(node, new Scope(scope.root, data, scope.index), run, within);
      }
      const out: unknown[] = [];
      for (let i = 0; i < data.length; i++) {
        const context: unknown = data[i];
        if (context === undefined || context === null) throw UNSURE;
        const element = expandElement(node, new Scope(scope.root, context, i), run, within);
        if (element !== null) out.push(element);
      }
      // A list where a field holds it (in a list, its items join that list's: counted twice, never too few).
      if (run && out.length > 1) run.size.bytes += out.length + 1;
      return out.length === 0 ? null : out.length === 1 ? out[0] : out;
    }
  }
}

/** One element of an object node in its scope: null when its `$when` drops it; shaped when `run` is given. */
function expandElement(node: Extract<Node, { kind: 'object' }>, inner: Scope, run: ShapeRun | undefined, within: Within): unknown {
  if (node.when === 'drop') return null;
  if (node.when && resolve(node.when, inner) !== true) return null;
  const object: Record<string, unknown> = {};
  if (!run) {
    for (const [key, value] of node.entries) {
      const expanded = expand(value, inner, undefined, DATA, undefined);
      if (expanded !== undefined) object[key] = expanded;
    }
    return object;
  }
  // Shaping reads the element's type and a choice set's style: they must be the template's own.
  const literal = literalOf(node.fields.type);
  const type = typeof literal === 'string' ? literal : undefined;
  const style = type === 'Input.ChoiceSet' ? literalOf(node.fields.style) : undefined;
  const isMultiSelect = type === 'Input.ChoiceSet' ? literalOf(node.fields.isMultiSelect) : undefined;
  const size = run.size;
  // The braces.
  const start = (size.bytes += 2) - 2;
  for (const [key, value, keyBytes] of node.entries) {
    let expanded: unknown;
    if (key === 'refresh' && run.adapt) {
      // A Universal Actions refresh is a Teams feature: as written for Teams, dropped elsewhere.
      if (run.how.channel !== 'msteams') continue;
      expanded = expand(value, inner, new ShapeRun(run.how, run.cap, run.longest, false, run.size), DATA, undefined);
    } else expanded = expand(value, inner, run, placeOf(type, key, within), withinOf(type, key, style, isMultiSelect));
    if (expanded !== undefined) {
      object[key] = expanded;
      size.bytes += keyBytes;
    }
  }
  if (!run.adapt || type === undefined) return object;
  const hadError = object.errorMessage !== undefined;
  const finished = finishElement(object as { [key: string]: Json }, type, within, type.startsWith('Input.') ? () => markedLabel(node.fields.label, inner) : noLabel, run.how, run.cap, run.longest);
  if (!hadError && typeof object.errorMessage === 'string') size.bytes += ERROR_MESSAGE_BYTES + stringBytes(object.errorMessage);
  if (type === 'Action.Execute') {
    // The nonce in its data, and in Teams an Action.Submit fallback with the element's fields,
    // data and verb: at most the element again, with the nonce twice and a few keys.
    const nonce = stringBytes(ACTION_NONCE) + stringBytes(run.how.nonce) + 2;
    size.bytes += run.how.channel === 'msteams' ? size.bytes - start + 2 * nonce + EXECUTE_SLACK : nonce + EXECUTE_SLACK;
  }
  return finished;
}

/** `"errorMessage":` and a comma. */
const ERROR_MESSAGE_BYTES = stringBytes('errorMessage') + 2;
/** What an Action.Execute's shape adds besides its fields and nonces: the fallback's and data's keys and braces, the Submit's type, a null verb. */
const EXECUTE_SLACK = 96;

const noLabel = () => '';

/** The value of a field the template writes as a literal string or boolean (absent or anything else: undefined); unsure when it is a binding. */
function literalOf(node: Node | undefined): string | boolean | undefined {
  if (node === undefined) return undefined;
  if (node.kind !== 'literal') throw UNSURE;
  return typeof node.value === 'string' || typeof node.value === 'boolean' ? node.value : undefined;
}

/** A bound value as shaping finishes it in `place`: user text made inert and cut, the assistant's own text as written. */
function finishValue(value: unknown, run: ShapeRun, place: Place, within: Within): unknown {
  const size = run.size;
  if (typeof value === 'string') {
    const finished = finishUserText(value, place, run.cap, run.longest);
    size.bytes += stringBytes(finished);
    return finished;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    size.bytes += jsonBytes(value);
    return value;
  }
  if (value instanceof Trusted) {
    size.bytes += textBytes(value.markdown);
    return value.markdown;
  }
  if (typeof value !== 'object' || value === null) throw UNSURE;
  // A Date, a URL or another class instance shows as its own text, like any other user text.
  if (!Array.isArray(value) && !isPlainObject(value)) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const finished = finishUserText(String(value), place, run.cap, run.longest);
    size.bytes += stringBytes(finished);
    return finished;
  }
  // A list of ids (a refresh's userIds): each is user text in a data place, as `shape` would finish it.
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    size.bytes += value.length > 0 ? value.length + 1 : 2;
    return value.map((item: string) => {
      const finished = finishUserText(item, DATA, run.cap, run.longest);
      size.bytes += stringBytes(finished);
      return finished;
    });
  }
  // A button's data (strings, numbers, booleans): each string finished where it sits, as `shape` would.
  const flat = Array.isArray(value) ? undefined : finishFlatData(value, run, within);
  if (flat !== undefined) return flat;
  // Another object or list from the view (rare: templates bind strings): shaped as the engine's path shapes it.
  const marked = markUserText(value);
  if (marked === undefined) throw UNSURE;
  const shaped = shape(marked, run.how, run.cap, run.longest, within, run.adapt);
  size.bytes += jsonBytes(shaped);
  return shaped;
}

/**
 * A flat object of a view (a button's data: a page, a search, a cursor) finished as `shape` finishes
 * it once its strings are marked, without marking them. Marking would put each string between
 * private-use characters and take it out again, and what V8 takes out of a string with such a
 * character is stored two bytes a character: one such string (a list's cursor) made the whole
 * answer's JSON twice its size in memory. Undefined for anything else (an element, nested values).
 */
function finishFlatData(value: object, run: ShapeRun, within: Within): Json | undefined {
  if (typeof (value as { type?: unknown }).type === 'string') return undefined;
  const out: { [key: string]: Json } = {};
  // The braces, and each field's key, colon and comma; counted as it goes (given up halfway, the
  // shaped object is counted again: too many, never too few).
  let bytes = 2;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    let finished: Json;
    if (typeof item === 'string') finished = finishUserText(item, placeOf(undefined, key, within), run.cap, run.longest);
    else if (typeof item === 'number' || typeof item === 'boolean' || item === null) finished = item;
    else if (item === undefined) continue;
    else {
      run.size.bytes += bytes;
      return undefined;
    }
    out[key] = finished;
    bytes += textBytes(key) + 2 + jsonBytes(finished);
  }
  run.size.bytes += bytes;
  return out;
}

/** An element's label as expansion makes it, with user text marked (what a required input's error message quotes); '' when not a string. */
function markedLabel(node: Node | undefined, scope: Scope): string {
  if (node === undefined) return '';
  if (node.kind === 'literal') return typeof node.value === 'string' ? node.value : '';
  if (node.kind !== 'path' && node.kind !== 'concat') return '';
  let out = '';
  for (const part of node.kind === 'path' ? [node.ref] : node.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = present(resolve(part, scope));
    if (typeof value === 'string') out += markedText(value);
    else if (value instanceof Trusted) out += value.markdown;
    else if (node.kind === 'concat' && (typeof value === 'number' || typeof value === 'boolean')) out += String(value);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    else if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value)) out += markedText(String(value));
    else return '';
  }
  return out;
}

/** A bound value the engine would write back as `${path}`: leave it to the engine. */
function present(value: unknown): unknown {
  if (value === MISSING || value === undefined || value === null) throw UNSURE;
  return value;
}

/** The value at a path, MISSING when a name is absent; unsure when a name exists only in another case (the engine ignores case). */
function resolve(ref: PathRef, scope: Scope): unknown {
  let value: unknown = ref.base === '$root' ? scope.root : ref.base === '$index' ? scope.index : (scope.data ?? scope.root);
  for (const name of ref.parts) {
    if (value === undefined || value === null) return MISSING;
    if (typeof value !== 'object') throw UNSURE;
    // A list, a Map, the assistant's own text, a Date: the engine's path sees no plain record there.
    if (Array.isArray(value) || !isPlainObject(value)) throw UNSURE;
    const record = value as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(record, name)) {
      value = record[name];
      continue;
    }
    const lower = name.toLowerCase();
    if (Object.keys(record).some((k) => k.toLowerCase() === lower)) throw UNSURE;
    return MISSING;
  }
  return value;
}
