import type { Actor } from '../domain/actor.js';
import { JwksKeys, JwtError } from './jwks.js';

/** Why an SSO token was refused. */
export { JwtError as SsoError };

/**
 * Validates the Teams tab's SSO tokens (Entra ID, RS256): signature through the JWKS (its URL is
 * configurable so tests use a local key), expiry, audience (the app's client id or its
 * api:// resource) and an Entra issuer for the token's tenant.
 */
export class SsoVerifier {
  private readonly keys: JwksKeys;

  constructor(
    jwksUrl: string,
    private readonly audiences: readonly string[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.keys = new JwksKeys(jwksUrl);
  }

  /** The user behind a valid token. */
  async verify(token: string): Promise<Actor> {
    const claims = (await this.keys.verify(token, this.now())) as { aud?: string; iss?: string; oid?: string; tid?: string; name?: string; preferred_username?: string };
    if (!claims.aud || !this.audiences.includes(claims.aud)) throw new JwtError('wrong audience');
    if (!claims.tid || !claims.oid) throw new JwtError('no tenant or user');
    const issuers = [`https://login.microsoftonline.com/${claims.tid}/v2.0`, `https://sts.windows.net/${claims.tid}/`];
    if (!claims.iss || !issuers.includes(claims.iss)) throw new JwtError('wrong issuer');
    return { userId: claims.oid, tenantId: claims.tid, name: claims.name ?? claims.preferred_username ?? claims.oid };
  }
}
