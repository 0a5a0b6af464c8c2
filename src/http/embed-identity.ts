import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signed-in user the embedding site vouches for. */
export interface EmbedUser {
  readonly id: string;
  readonly name: string;
}

/**
 * Verifies the embedding site's HS256 JWT (claims `sub`, `name`, `exp`): the user id of a web
 * chat comes from here (or a demo persona), never from the browser's own say-so.
 */
export function verifyEmbedToken(token: string, secret: string, now: Date): EmbedUser | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts;
  let claims: { sub?: unknown; name?: unknown; exp?: unknown };
  try {
    if (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg !== 'HS256') return undefined;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    // Not a JWT at all.
    return undefined;
  }
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (typeof claims.sub !== 'string' || !claims.sub || typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return undefined;
  return { id: `web:${claims.sub}`, name: typeof claims.name === 'string' && claims.name ? claims.name : claims.sub };
}
