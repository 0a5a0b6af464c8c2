import { countryName } from '../domain/enrollment/countries.js';
import type { DomainError } from '../domain/result.js';
import type { Locale, Translate } from '../i18n/catalog.js';

/** A line of problems shown in red at the top of a form card. */
export type ErrorLine = { text: string };

/**
 * One formatter per language and style, built once, on first use: a new Intl.DateTimeFormat per
 * call costs more than the formatting, and building the four when this module loads was 18 ms of
 * every start (ICU's data for both languages).
 */
const FORMATS: Partial<Record<Locale, { instant: Intl.DateTimeFormat; date: Intl.DateTimeFormat }>> = {};
const TAGS: Record<Locale, string> = { en: 'en-GB', it: 'it-IT' };

function formats(locale: Locale): { instant: Intl.DateTimeFormat; date: Intl.DateTimeFormat } {
  return (FORMATS[locale] ??= {
    instant: new Intl.DateTimeFormat(TAGS[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }),
    date: new Intl.DateTimeFormat(TAGS[locale], { dateStyle: 'medium', timeZone: 'UTC' }),
  });
}

/**
 * Formatted stored times, by style, language and stored text: the same records are shown again and
 * again (a list's rows, a request's dates), and ICU's formatting costs more than the lookup.
 * Bounded: emptied when it reaches the limit.
 */
const FORMATTED = new Map<string, string>();
const MAX_FORMATTED = 10_000;

function formatted(style: 'instant' | 'date', iso: string, locale: Locale): string {
  const key = `${style}\u0000${locale}\u0000${iso}`;
  let text = FORMATTED.get(key);
  if (text === undefined) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    text = style === 'instant' ? `${formats(locale).instant.format(date)} UTC` : formats(locale).date.format(date);
    if (FORMATTED.size >= MAX_FORMATTED) FORMATTED.clear();
    FORMATTED.set(key, text);
  }
  return text;
}

/** A stored instant in the user's language, in UTC so every reader sees the same time. */
export function formatInstant(iso: string, locale: Locale): string {
  return formatted('instant', iso, locale);
}

/** A stored date in the user's language. */
export function formatDate(iso: string, locale: Locale): string {
  return formatted('date', iso, locale);
}

/** The lines a refused form shows: the reason, then one line per field with its label. */
export function errorLines(error: DomainError | undefined, t: Translate, locale: Locale, labelOf: (field: string) => string): ErrorLine[] {
  if (!error) return [];
  if (error.fields?.length) {
    return [
      { text: t(error.messageKey) },
      ...error.fields.map((f) => ({ text: `${labelOf(f.field)}: ${t(f.messageKey, localizeParams(f.params, t, locale))}` })),
    ];
  }
  return [{ text: t(error.messageKey, localizeParams(error.params, t, locale)) }];
}

/** Domain errors carry codes (countries, sections, instants); the user reads names and dates. */
export function localizeParams(params: DomainError['params'], t: Translate, locale: Locale): Record<string, string | number> | undefined {
  if (!params) return undefined;
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) {
    if (/country$/i.test(key) && typeof value === 'string') out[key] = countryName(value, locale);
    else if (key === 'sections' && typeof value === 'string') out[key] = value.split(',').map((s) => t(`enrollmentUi.sections.${s}`)).join(', ');
    else if (key === 'at' && typeof value === 'string') out[key] = formatInstant(value, locale);
    else if (key === 'roles' && typeof value === 'string') out[key] = value.split(',').filter(Boolean).map((r) => t(`access.roles.${r}`)).join(t('access.or'));
    else out[key] = value;
  }
  return out;
}

/** A card input as trimmed text, the domain's own reading of an input. */
export { text } from '../domain/input.js';

/** The message of a refusal, in the user's language. */
export function refusal(error: DomainError, t: Translate, locale: Locale): string {
  return t(error.messageKey, localizeParams(error.params, t, locale));
}

/** Mail clients and browsers cut or refuse longer mailto links (about 2,000 characters is the safe size). */
const MAILTO_MAX = 2000;

/**
 * A mailto link that opens the user's mail client on the e-mail. A body too long for a link is
 * left out (the card shows it to copy), so the link stays usable and the card stays small.
 */
export function mailtoLink(to: string, subject: string, body: string): string {
  const head = `mailto:${encodeURIComponent(to)}?subject=${encodeURIComponent(subject)}`;
  const full = `${head}&body=${encodeURIComponent(body)}`;
  return full.length <= MAILTO_MAX ? full : head;
}
