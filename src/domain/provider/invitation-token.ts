import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed invitation link carries: the invitation, the provider and when it expires. */
export interface InvitationClaims {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly exp: number;
}

/** Signs claims as `<payload>.<signature>`, both base64url, with HMAC-SHA256. */
export function signToken(claims: InvitationClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

/** Why a token is refused, or its claims. Tampered and expired are told apart; single use is the record's business. */
export function verifyToken(token: string, key: string, kind: string, now: Date): { ok: true; claims: InvitationClaims } | { ok: false; reason: 'invalid' | 'expired' } {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = createHmac('sha256', key).update(payload).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let claims: InvitationClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as InvitationClaims;
  } catch {
    // A correctly signed payload that is not JSON was never issued by this assistant.
    return { ok: false, reason: 'invalid' };
  }
  if (claims.kind !== kind || typeof claims.id !== 'string' || typeof claims.exp !== 'number') return { ok: false, reason: 'invalid' };
  if (now.getTime() >= claims.exp * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
