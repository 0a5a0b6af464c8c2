import { countryOf } from './countries.js';

/**
 * Free webmail providers, refused for the primary contact: the guide asks for an address of
 * the organization. Entries ending in "." match every top-level domain (yahoo.it, yahoo.co.uk…).
 */
export const WEBMAIL_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com', 'yahoo.', 'ymail.com', 'rocketmail.com', 'outlook.com', 'outlook.', 'hotmail.', 'live.',
  'msn.com', 'passport.com', 'icloud.com', 'me.com', 'mac.com', 'aol.', 'aim.com', 'gmx.', 'libero.it', 'virgilio.it',
  'tiscali.it', 'alice.it', 'tin.it', 'email.it', 'inwind.it', 'proton.me', 'protonmail.', 'pm.me', 'yandex.', 'mail.ru',
  'zoho.com', 'web.de', 't-online.de', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'qq.com', '163.com',
  '126.com', 'mail.com', 'tutanota.com', 'fastmail.com', 'hey.com', 'seznam.cz', 'wp.pl', 'o2.pl', 'interia.pl',
];

/** Whether an e-mail address belongs to a free webmail provider. */
export function isWebmailAddress(email: string): boolean {
  const domain = email.trim().toLowerCase().split('@')[1] ?? '';
  return WEBMAIL_DOMAINS.some((entry) =>
    entry.endsWith('.') ? domain.startsWith(entry) || domain.includes(`.${entry}`) : domain === entry || domain.endsWith(`.${entry}`),
  );
}

/** A plain syntactic e-mail check, strict enough to catch typing mistakes. */
export function isEmailAddress(email: string): boolean {
  return /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(email) && email.length <= 254;
}

/**
 * A phone number in E.164 (+CC…), from `+CC…`, `00CC…` or a national number of the given
 * country. The national trunk 0 is dropped, except in Italy and San Marino where it belongs to
 * the number. Undefined when it cannot be a phone number (8–15 digits with the country code).
 */
export function normalizePhone(raw: string, countryCode: string): string | undefined {
  const trimmed = raw.trim();
  if (!trimmed || /[^\d\s()+./-]/.test(trimmed)) return undefined;
  let digits = trimmed.replace(/[^\d+]/g, '');
  if (digits.indexOf('+') > 0 || (digits.match(/\+/g)?.length ?? 0) > 1) return undefined;
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  else {
    const country = countryOf(countryCode);
    if (!country) return undefined;
    const keepsZero = country.code === 'IT' || country.code === 'SM';
    const national = !keepsZero && digits.startsWith('0') ? digits.slice(1) : digits;
    // North American numbers are often written with the leading 1.
    digits = country.callingCode === '1' && national.length === 11 && national.startsWith('1') ? national : country.callingCode + national;
  }
  if (!/^[1-9]\d{7,14}$/.test(digits)) return undefined;
  return `+${digits}`;
}
