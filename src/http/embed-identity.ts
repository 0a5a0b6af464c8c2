import type { JWTVerifyGetKey } from 'jose';
import { RemoteKeys, verifyJwt, type RemoteKeyOptions } from '../security/jwt.js';
import { TokenRefused } from '../security/token-errors.js';

/** The signed-in user the embedding site vouches for. */
export interface EmbedUser {
  readonly id: string;
  readonly name: string;
  /** The tenant the portal vouches for, only when the operator trusts the portal for that tenant. */
  readonly tenantId?: string;
}

/** How the embedding site signs its users: a shared HS256 key, or RS256 keys at a JWKS URL. */
export interface EmbedIdentityOptions {
  readonly sharedSecret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Tenants whose `tid` claim the portal may vouch for (none by default). */
  readonly trustedTenants?: readonly string[];
}

/**
 * Verifies the embedding site's JWT with jose (claims `sub`, `name`, `exp`; `iss` and `aud` when
 * configured; `tid` only for tenants the operator trusts the portal with): the user id of a web chat
 * comes from here (or the OpenID sign-in), never from the browser's own say-so. A bad token throws `TokenRefused`; unreachable keys `KeysUnavailable`.
 */
export class EmbedIdentity {
  private readonly keys?: RemoteKeys;
  private readonly secret?: Uint8Array;

  constructor(
    private readonly options: EmbedIdentityOptions,
    keyOptions: RemoteKeyOptions = {},
  ) {
    if (options.jwksUrl) this.keys = new RemoteKeys(options.jwksUrl, keyOptions);
    if (options.sharedSecret) this.secret = new TextEncoder().encode(options.sharedSecret);
  }

  /** Whether any signing method is configured. */
  get configured(): boolean {
    return !!(this.secret || this.keys);
  }

  /** The user a valid token names. */
  async verify(token: string, now: Date): Promise<EmbedUser> {
    const algorithms = [...(this.secret ? ['HS256'] : []), ...(this.keys ? ['RS256'] : [])];
    // Each algorithm has its own key source, so an HS256 token can never be checked against a public key.
    const key: JWTVerifyGetKey = async (header, token) => {
      if (header.alg === 'HS256' && this.secret) return this.secret;
      if (header.alg === 'RS256' && this.keys) return this.keys.getKey(header, token);
      throw new TokenRefused('algorithm not allowed');
    };
    const { claims } = await verifyJwt(token, key, {
      algorithms,
      currentDate: now,
      requiredClaims: ['sub', 'exp'],
      ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
      ...(this.options.audience ? { audience: this.options.audience } : {}),
    });
    if (typeof claims.sub !== 'string' || !claims.sub) throw new TokenRefused('no "sub" claim');
    const tid = typeof claims.tid === 'string' ? claims.tid.trim().toLowerCase() : '';
    // A tenant the portal names is someone's organization: it counts only where the operator trusts the portal for it.
    const tenantId = tid && (this.options.trustedTenants ?? []).includes(tid) ? tid : undefined;
    return { id: `web:${claims.sub}`, name: typeof claims.name === 'string' && claims.name ? claims.name : claims.sub, ...(tenantId ? { tenantId } : {}) };
  }
}
