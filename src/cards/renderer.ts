import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import { catalogs, translate, type Locale } from '../i18n/catalog.js';

/** An Adaptive Card as JSON. */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard' };

/** Where a card is shown: Teams runs Action.Execute; other channels (Web Chat, Emulator) only Action.Submit. */
export interface RenderTarget {
  readonly locale: Locale;
  readonly channel: 'msteams' | 'other';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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
  private readonly templates = new Map<string, Template>();

  constructor(private readonly dir: string) {}

  /** The names of every template (file names without `.json`). */
  names(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  }

  /**
   * Expands template `name`. Strings in `view` should already be formatted: expression
   * functions in templates cost about 15 times more per card than plain `${path}` bindings.
   */
  render(name: string, view: object, target: RenderTarget): AdaptiveCardJson {
    const card = this.template(name).expand({ $root: { ...view, t: catalogs[target.locale] } }) as Json;
    return adaptActions(card, target.channel, (label) => translate(target.locale, 'common.validation.requiredField', { label }), randomUUID()) as AdaptiveCardJson;
  }

  private template(name: string): Template {
    let template = this.templates.get(name);
    if (!template) {
      if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Bad card template name ${name}`);
      template = new Template(JSON.parse(readFileSync(join(this.dir, `${name}.json`), 'utf8')));
      this.templates.set(name, template);
    }
    return template;
  }
}

/**
 * Shapes an expanded card for its channel, and gives required inputs their error message.
 * Templates declare Action.Execute with a verb. Teams gets it with an Action.Submit fallback
 * that carries the same verb; other channels get the Action.Submit alone, since Web Chat
 * cannot run Action.Execute. The bot handles both the same way.
 */
function adaptActions(node: Json, channel: RenderTarget['channel'], requiredMessage: (label: string) => string, nonce: string): Json {
  if (Array.isArray(node)) return node.map((n) => adaptActions(n, channel, requiredMessage, nonce));
  if (!node || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    // Universal Actions refresh is a Teams feature; its action stays as written.
    if (key === 'refresh') {
      if (channel === 'msteams') out[key] = value;
      continue;
    }
    out[key] = adaptActions(value, channel, requiredMessage, nonce);
  }
  // A required input says what is missing when the client checks it (and screen readers read it).
  if (typeof out.type === 'string' && out.type.startsWith('Input.') && out.isRequired === true && out.errorMessage === undefined) {
    out.errorMessage = requiredMessage(typeof out.label === 'string' ? out.label : '');
  }
  if (out.type !== 'Action.Execute') return out;
  const { type: _type, verb, data, fallback, id, ...rest } = out;
  const withNonce = { ...(data && typeof data === 'object' && !Array.isArray(data) ? data : {}), [ACTION_NONCE]: nonce };
  const submit: { [key: string]: Json } = {
    ...rest,
    type: 'Action.Submit',
    data: { ...withNonce, verb: verb ?? null },
  };
  if (channel !== 'msteams') return id === undefined ? submit : { ...submit, id };
  return { ...out, data: withNonce, fallback: fallback ?? submit };
}
