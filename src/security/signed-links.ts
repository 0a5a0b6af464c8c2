import { createHash } from 'node:crypto';
import { jose } from './jose.js';
import type { InvitationClaims, LinkCheck, SignedLinks } from '../app/signed-links.port.js';
import { parseCompact } from './compact.js';
import { TokenRefused } from './token-errors.js';

/** One HMAC key of the keyring and the id that links signed with it carry. */
export interface SigningKey {
  readonly kid: string;
  readonly secret: string;
}

/** The key new links are signed with, and retired keys that still verify the links they signed. */
export interface Keyring {
  readonly current: SigningKey;
  readonly previous: readonly SigningKey[];
}

/** The key id of a secret: a short digest, so the same secret has the same id wherever it is configured. */
export function keyId(secret: string): string {
  return createHash('sha256').update(`kid:${secret}`).digest('base64url').slice(0, 12);
}

/** A keyring entry for a secret. */
export function signingKey(secret: string): SigningKey {
  return { kid: keyId(secret), secret };
}

/**
 * Signed links as compact JWS (HS256, jose) carrying the key id: a link keeps working after a
 * rotation as long as its key is on the keyring and it has not expired. Claims: `jti` (the
 * record), `kind`, `sub`, `exp`.
 */
export class JoseSignedLinks implements SignedLinks {
  private readonly keys: Map<string, Uint8Array>;
  private readonly current: { kid: string; key: Uint8Array };

  constructor(keyring: Keyring) {
    const encode = (secret: string) => new TextEncoder().encode(secret);
    this.current = { kid: keyring.current.kid, key: encode(keyring.current.secret) };
    this.keys = new Map([keyring.current, ...keyring.previous].map((k) => [k.kid, encode(k.secret)]));
  }

  /** A token for the claims, signed with the current key; the same claims always give the same token. */
  async sign(claims: InvitationClaims): Promise<string> {
    return signWith(claims, this.current.kid, this.current.key);
  }

  /** The token as each key on the ring signs it, current first. */
  async signings(claims: InvitationClaims): Promise<string[]> {
    return Promise.all([...this.keys].map(([kid, key]) => signWith(claims, kid, key)));
  }

  /** The claims of a token of `kind` signed by a key on the ring, or why not. */
  async verify(token: string, kind: string, now: Date): Promise<LinkCheck> {
    let kid: unknown;
    try {
      kid = parseCompact(token).header.kid;
    } catch (error) {
      if (error instanceof TokenRefused) return INVALID;
      throw error;
    }
    const key = typeof kid === 'string' ? this.keys.get(kid) : undefined;
    if (!key) return INVALID;
    const { errors, jwtVerify } = await jose();
    let payload: Record<string, unknown>;
    try {
      payload = (await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: now, requiredClaims: ['jti', 'sub', 'exp'] })).payload;
    } catch (error) {
      // jose checks the signature before the time, so an expired link here is a genuine one.
      if (error instanceof errors.JWTExpired) return error.payload.kind === kind ? { ok: false, reason: 'expired' } : INVALID;
      if (error instanceof errors.JOSEError) return INVALID;
      throw error;
    }
    const { jti, sub, exp } = payload;
    if (payload.kind !== kind || typeof jti !== 'string' || typeof sub !== 'string' || typeof exp !== 'number') return INVALID;
    return { ok: true, claims: { id: jti, kind, subject: sub, exp } };
  }
}

async function signWith(claims: InvitationClaims, kid: string, key: Uint8Array): Promise<string> {
  const { SignJWT } = await jose();
  return new SignJWT({ kind: claims.kind }).setProtectedHeader({ alg: 'HS256', kid }).setJti(claims.id).setSubject(claims.subject).setExpirationTime(claims.exp).sign(key);
}

const INVALID: LinkCheck = { ok: false, reason: 'invalid' };
