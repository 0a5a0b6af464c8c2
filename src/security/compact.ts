import { TokenRefused } from './token-errors.js';

/** The longest token looked at; anything longer is refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** The decoded header and payload of a compact JWS whose three parts are canonical base64url. */
export interface CompactParts {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

/**
 * Checks a compact JWS before any library sees it: exactly three parts, each canonical
 * base64url (no padding, no `~` or other strays, no alternative spelling of the last character),
 * header and payload JSON objects. One token has one spelling, so a signed link cannot be varied.
 */
export function parseCompact(token: string): CompactParts {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenRefused('token too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenRefused('not a compact JWT');
  for (const part of parts) {
    if (!isCanonicalBase64url(part)) throw new TokenRefused('not canonical base64url');
  }
  return { header: jsonObject(parts[0], 'header'), payload: jsonObject(parts[1], 'payload') };
}

/** Whether `text` is the one base64url spelling of the bytes it decodes to (non-empty, unpadded). */
export function isCanonicalBase64url(text: string): boolean {
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return false;
  return Buffer.from(text, 'base64url').toString('base64url') === text;
}

function jsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    // Not JSON: a made-up token, refused like any other malformed one.
    throw new TokenRefused(`${what} is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TokenRefused(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
