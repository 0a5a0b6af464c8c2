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
import { understanding } from './messages/understanding.js';

/** Languages the assistant speaks. */
export const LOCALES = ['en', 'it'] as const;
/** One of the languages the assistant speaks. */
export type Locale = (typeof LOCALES)[number];

/**
 * Every message, by language. Each feature owns one module under messages/ with the same
 * shape in both languages; the compiler and a test keep the two catalogs aligned.
 */
export const catalogs = {
  en: { common: common.en, enrollment: enrollment.en, enrollmentUi: enrollmentUi.en, provider: provider.en, customer: customer.en, webchat: webchat.en, tab: tab.en, signin: signin.en, access: access.en, colleague: colleague.en, understanding: understanding.en },
  it: { common: common.it, enrollment: enrollment.it, enrollmentUi: enrollmentUi.it, provider: provider.it, customer: customer.it, webchat: webchat.it, tab: tab.it, signin: signin.it, access: access.it, colleague: colleague.it, understanding: understanding.it },
} satisfies Record<Locale, unknown>;

/** The English catalog's shape, which every language follows. */
export type Catalog = (typeof catalogs)['en'];

/** Maps an activity's locale (`it`, `it-IT`, `en-US`…) to a supported language. */
export function resolveLocale(raw: string | undefined, fallback: Locale): Locale {
  if (!raw) return fallback;
  const lang = raw.trim().toLowerCase().split(/[-_]/)[0];
  return lang === 'it' ? 'it' : 'en';
}

/** Looks up a dotted key (`common.errors.generic`) and fills `{name}` placeholders. */
export function translate(locale: Locale, key: string, params?: Readonly<Record<string, string | number>>): string {
  let node: unknown = catalogs[locale];
  for (const part of key.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== 'string') throw new Error(`Missing message "${key}" for locale ${locale}`);
  return params ? node.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : node;
}

/** A translator bound to one language. */
export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

/** Binds `translate` to a language. */
export const translator = (locale: Locale): Translate => (key, params) => translate(locale, key, params);
