import { GLOBAL_ADMIN_ROLE, type Actor } from '../domain/actor.js';
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

/** The user a valid Entra token names, with the directory roles it lists (`wids`; undefined when it lists none). */
export interface SsoUser {
  readonly userId: string;
  readonly tenantId: string;
  readonly name: string;
  /** Global Administrator per `wids`; undefined when the token carries no `wids` claim (the app registration does not emit it). */
  readonly globalAdmin?: boolean;
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
    const user = await this.checked(token);
    if (!(await this.options.tenantAllowed(user.tenantId))) throw new TenantNotAllowed(user.tenantId);
    return { userId: user.userId, tenantId: user.tenantId, name: user.name };
  }

  /**
   * The Teams user's own token from the bot's OAuth connection, with every check of `verify` but
   * the served-tenant list (enrolling is how a tenant gets served), and bound to the Teams activity:
   * its `tid` must be the conversation's tenant and its `oid` the sender's object id.
   */
  async verifyTeamsUser(token: string, expected: { readonly tenantId: string; readonly userId: string }): Promise<SsoUser> {
    const user = await this.checked(token);
    if (user.tenantId.toLowerCase() !== expected.tenantId.toLowerCase()) throw new TokenRefused('another tenant');
    if (user.userId.toLowerCase() !== expected.userId.toLowerCase()) throw new TokenRefused('another user');
    return user;
  }

  private async checked(token: string): Promise<SsoUser> {
    // No audience configured means no token can be for this app.
    if (!this.options.audiences.length) throw new TokenRefused('no SSO client id configured');
    const { claims } = await verifyJwt(token, this.keys.getKey, {
      algorithms: ['RS256'],
      audience: [...this.options.audiences],
      currentDate: (this.options.now ?? (() => new Date()))(),
      requiredClaims: ['exp', 'iss', 'tid', 'oid'],
    });
    const { tid, oid, iss, wids } = claims;
    if (typeof tid !== 'string' || typeof oid !== 'string' || !tid || !oid) throw new TokenRefused('no tenant or user');
    const issuers = [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
    if (typeof iss !== 'string' || !issuers.includes(iss)) throw new TokenRefused('wrong issuer');
    if (wids !== undefined && !(Array.isArray(wids) && wids.every((w) => typeof w === 'string'))) throw new TokenRefused('wrong "wids"');
    const name = typeof claims.name === 'string' ? claims.name : typeof claims.preferred_username === 'string' ? claims.preferred_username : oid;
    return { userId: oid, tenantId: tid, name, ...(Array.isArray(wids) ? { globalAdmin: wids.includes(GLOBAL_ADMIN_ROLE) } : {}) };
  }
}
