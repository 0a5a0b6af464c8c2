import type { Actor } from '../domain/actor.js';
import { RemoteKeys, verifyJwt, type RemoteKeyOptions } from '../security/jwt.js';
import { TokenRefused } from '../security/token-errors.js';

/** A validly signed SSO token of a tenant this assistant does not serve. */
export class TenantNotAllowed extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} is not allowed`);
    this.name = 'TenantNotAllowed';
  }
}

/** What the SSO verifier checks besides the signature. */
export interface SsoOptions {
  readonly jwksUrl: string;
  /** The app's client id and its api:// resource. */
  readonly audiences: readonly string[];
  /** Whether users of a tenant may sign in (enrolled organizations and SSO_ALLOWED_TENANTS). */
  readonly tenantAllowed: (tenantId: string) => Promise<boolean>;
  readonly now?: () => Date;
  readonly keys?: RemoteKeyOptions;
}

/**
 * Validates the Teams tab's SSO tokens (Entra ID, RS256) with jose: signature through the JWKS
 * (its URL is configurable so tests use a local key), expiry, audience (the app's client id or its
 * api:// resource, also inside an `aud` array), an Entra issuer for the token's tenant, and a
 * tenant this assistant serves.
 */
export class SsoVerifier {
  private readonly keys: RemoteKeys;

  constructor(private readonly options: SsoOptions) {
    this.keys = new RemoteKeys(options.jwksUrl, options.keys);
  }

  /** The user behind a valid token; `TokenRefused`, `TenantNotAllowed` or `KeysUnavailable` otherwise. */
  async verify(token: string): Promise<Actor> {
    // No audience configured means no token can be for this app.
    if (!this.options.audiences.length) throw new TokenRefused('no SSO client id configured');
    const { claims } = await verifyJwt(token, this.keys.getKey, {
      algorithms: ['RS256'],
      audience: [...this.options.audiences],
      currentDate: (this.options.now ?? (() => new Date()))(),
      requiredClaims: ['exp', 'iss', 'tid', 'oid'],
    });
    const { tid, oid, iss } = claims;
    if (typeof tid !== 'string' || typeof oid !== 'string' || !tid || !oid) throw new TokenRefused('no tenant or user');
    const issuers = [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
    if (typeof iss !== 'string' || !issuers.includes(iss)) throw new TokenRefused('wrong issuer');
    if (!(await this.options.tenantAllowed(tid))) throw new TenantNotAllowed(tid);
    const name = typeof claims.name === 'string' ? claims.name : typeof claims.preferred_username === 'string' ? claims.preferred_username : oid;
    return { userId: oid, tenantId: tid, name };
  }
}
