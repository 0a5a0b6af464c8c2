import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Template } from 'adaptivecards-templating';
import { catalogs, translate, type Locale } from '../i18n/catalog.js';
import { compilePlain, expandShaped, type PlainTemplate } from './plain-template.js';
import { ACTION_NONCE, fitCard, markUserText, rememberBytes, shape, Trusted, trusted, type Json, type Shaping } from './shaping.js';

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

/** The largest card the assistant sends: Teams refuses messages over about 28 KB. */
export const MAX_CARD_BYTES = 28 * 1024;

export { ACTION_NONCE, Trusted, trusted };

/** Each language's catalog with its strings as Trusted (the assistant's own text), made once: the plain expander's `t`. */
const trustedCatalogs = new Map<Locale, unknown>();
export function trustedCatalog(locale: Locale): unknown {
  let catalog = trustedCatalogs.get(locale);
  if (catalog === undefined) {
    catalog = asTrusted(catalogs[locale]);
    rememberBytes(catalog);
    trustedCatalogs.set(locale, catalog);
  }
  return catalog;
}
function asTrusted(value: unknown): unknown {
  if (typeof value === 'string') return new Trusted(value);
  if (Array.isArray(value)) return value.map(asTrusted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, asTrusted(v)]));
}

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
    const requiredMessage = (label: string) => translate(target.locale, 'common.validation.requiredField', { label });
    const how: Shaping = { channel: target.channel, requiredMessage, nonce };
    if (loaded.plain) {
      // Expanded and shaped in one walk; the view's strings are user text, the catalog's Trusted.
      const plain = loaded.plain;
      const root = { ...view, t: trustedCatalog(target.locale) };
      const card = fitCard((cap, longest, size) => expandShaped(plain, root, how, cap, longest, size), name);
      if (card !== undefined) return card as AdaptiveCardJson;
    }
    // The engine's path: user text marked in the view, expanded, then shaped.
    const expanded = (loaded.engine ??= templateOf(loaded.payload)).expand({ $root: { ...(markUserText(view) as object), t: catalogs[target.locale] } }) as Json;
    return fitCard((cap, longest) => shape(expanded, how, cap, longest), name) as AdaptiveCardJson;
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
      rememberBytes(payload);
      this.templates.set(name, template);
    }
    return template;
  }
}
