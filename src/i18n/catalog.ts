import { IntlMessageFormat } from 'intl-messageformat';
import { common } from './messages/common.js';
import { enrollment } from './messages/enrollment.js';
import { enrollmentUi } from './messages/enrollment-ui.js';
import { provider } from './messages/provider.js';
import { customer } from './messages/customer.js';
import { webchat } from './messages/webchat.js';
import { tab } from './messages/tab.js';
import { signin } from './messages/signin.js';
import { access } from './messages/access.js';
import { colleague } from './messages/colleague.js';
import { statusMail } from './messages/status-mail.js';
import { understanding } from './messages/understanding.js';
import { audit } from './messages/audit.js';
import { reminder } from './messages/reminder.js';
import { partnerCenter } from './messages/partner-center.js';

/** Languages the assistant speaks. */
export const LOCALES = ['en', 'it'] as const;
/** One of the languages the assistant speaks. */
export type Locale = (typeof LOCALES)[number];

/**
 * Every message, by language. Each feature owns one module under messages/ with the same
 * shape in both languages; the compiler and a test keep the two catalogs aligned.
 */
export const catalogs = {
  en: { common: common.en, enrollment: enrollment.en, enrollmentUi: enrollmentUi.en, provider: provider.en, customer: customer.en, webchat: webchat.en, tab: tab.en, signin: signin.en, access: access.en, colleague: colleague.en, statusMail: statusMail.en, understanding: understanding.en, audit: audit.en, reminder: reminder.en, partnerCenter: partnerCenter.en },
  it: { common: common.it, enrollment: enrollment.it, enrollmentUi: enrollmentUi.it, provider: provider.it, customer: customer.it, webchat: webchat.it, tab: tab.it, signin: signin.it, access: access.it, colleague: colleague.it, statusMail: statusMail.it, understanding: understanding.it, audit: audit.it, reminder: reminder.it, partnerCenter: partnerCenter.it },
} satisfies Record<Locale, unknown>;

/** The English catalog's shape, which every language follows. */
export type Catalog = (typeof catalogs)['en'];

/** Maps an activity's locale (`it`, `it-IT`, `en-US`…) to a supported language. */
export function resolveLocale(raw: string | undefined, fallback: Locale): Locale {
  if (!raw) return fallback;
  const lang = raw.trim().toLowerCase().split(/[-_]/)[0];
  return lang === 'it' ? 'it' : 'en';
}

/** Whether a message uses ICU syntax beyond plain `{name}` placeholders (plurals, selects). */
export const isIcu = (message: string): boolean => /\{\s*\w+\s*,\s*(plural|select|selectordinal)\s*,/.test(message);

/**
 * A message found once: its text, and its compiled form (parsing once keeps a turn from paying for
 * it): ICU syntax for intl-messageformat, or the text split at its `{name}` placeholders, the
 * names at the odd places.
 */
interface Found {
  readonly text: string;
  readonly icu?: IntlMessageFormat;
  readonly parts?: readonly string[];
}

/** Messages by language and key, looked up and compiled on first use (a few hundred at most: the catalogs' keys). */
const found: Record<Locale, Map<string, Found>> = { en: new Map(), it: new Map() };

function message(locale: Locale, key: string): Found {
  let hit = found[locale].get(key);
  if (!hit) {
    let node: unknown = catalogs[locale];
    for (const part of key.split('.')) {
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    }
    if (typeof node !== 'string') throw new Error(`Missing message "${key}" for locale ${locale}`);
    hit = isIcu(node) ? { text: node, icu: new IntlMessageFormat(node, locale) } : { text: node, parts: node.split(/\{(\w+)\}/) };
    found[locale].set(key, hit);
  }
  return hit;
}

/**
 * Looks up a dotted key (`common.errors.generic`) and fills its placeholders: `{name}` by plain
 * substitution, and ICU plurals and selects (`{count, plural, one {# try} other {# tries}}`) with
 * intl-messageformat, by the language's plural rules.
 */
export function translate(locale: Locale, key: string, params?: Readonly<Record<string, string | number>>): string {
  const { text, icu, parts } = message(locale, key);
  if (icu) {
    // Plural forms need numbers; a count that arrived as text ("3") still counts.
    const values = Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]));
    return String(icu.format(values));
  }
  if (!params || !parts || parts.length === 1) return text;
  // A placeholder without a value stays as written.
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i];
    out += (name in params ? String(params[name]) : `{${name}}`) + parts[i + 1];
  }
  return out;
}

/** Whether the catalog of a language has a message under a dotted key. */
export function hasMessage(locale: Locale, key: string): boolean {
  let node: unknown = catalogs[locale];
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string';
}

/** A translator bound to one language. */
export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

/** Binds `translate` to a language. */
export const translator = (locale: Locale): Translate => (key, params) => translate(locale, key, params);
