import { createHmac, timingSafeEqual } from 'node:crypto';
import { JwksKeys, JwtError } from './jwks.js';

/** The signed-in user the embedding site vouches for. */
export interface EmbedUser {
  readonly id: string;
  readonly name: string;
}

/** How the embedding site signs its users: a shared HS256 key, or RS256 keys at a JWKS URL. */
export interface EmbedIdentityOptions {
  readonly sharedSecret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

/**
 * Verifies the embedding site's JWT (claims `sub`, `name`, `exp`; `iss` and `aud` when
 * configured): the user id of a web chat comes from here (or a demo persona), never from the
 * browser's own say-so.
 */
export class EmbedIdentity {
  private readonly keys?: JwksKeys;

  constructor(private readonly options: EmbedIdentityOptions) {
    if (options.jwksUrl) this.keys = new JwksKeys(options.jwksUrl);
  }

  /** Whether any signing method is configured. */
  get configured(): boolean {
    return !!(this.options.sharedSecret || this.keys);
  }

  /** The user a token names, or undefined when it is not valid. */
  async verify(token: string, now: Date): Promise<EmbedUser | undefined> {
    try {
      const alg = (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: string }).alg;
      const claims = alg === 'RS256' && this.keys ? await this.keys.verify(token, now) : alg === 'HS256' && this.options.sharedSecret ? verifyHs256(token, this.options.sharedSecret, now) : undefined;
      if (!claims || typeof claims.sub !== 'string' || !claims.sub) return undefined;
      if (this.options.issuer && claims.iss !== this.options.issuer) return undefined;
      if (this.options.audience && claims.aud !== this.options.audience) return undefined;
      return { id: `web:${claims.sub}`, name: typeof claims.name === 'string' && claims.name ? claims.name : claims.sub };
    } catch (error) {
      if (error instanceof JwtError || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }
}

function verifyHs256(token: string, secret: string, now: Date): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return undefined;
  return claims;
}
