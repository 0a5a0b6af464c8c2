import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import type { Actor } from '../domain/actor.js';

/** Why an SSO token was refused. */
export class SsoError extends Error {}

interface Jwk extends JsonWebKey {
  kid?: string;
}

/**
 * Validates the Teams tab's SSO tokens (Entra ID, RS256): signature through the JWKS (its URL is
 * configurable so tests use a local key), expiry, audience (the app's client id or its
 * api:// resource) and an Entra issuer for the token's tenant.
 */
export class SsoVerifier {
  private keys?: { at: number; byKid: Map<string, Jwk> };

  constructor(
    private readonly jwksUrl: string,
    private readonly audiences: readonly string[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The user behind a valid token. */
  async verify(token: string): Promise<Actor> {
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) throw new SsoError('not a JWT');
    const header = parse(h) as { alg?: string; kid?: string };
    const claims = parse(p) as { aud?: string; iss?: string; exp?: number; nbf?: number; oid?: string; tid?: string; name?: string; preferred_username?: string };
    if (header.alg !== 'RS256' || !header.kid) throw new SsoError('unsupported algorithm');
    const jwk = await this.key(header.kid);
    const valid = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
    if (!valid) throw new SsoError('bad signature');
    const nowSeconds = this.now().getTime() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) throw new SsoError('expired');
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300) throw new SsoError('not valid yet');
    if (!claims.aud || !this.audiences.includes(claims.aud)) throw new SsoError('wrong audience');
    if (!claims.tid || !claims.oid) throw new SsoError('no tenant or user');
    const issuers = [`https://login.microsoftonline.com/${claims.tid}/v2.0`, `https://sts.windows.net/${claims.tid}/`];
    if (!claims.iss || !issuers.includes(claims.iss)) throw new SsoError('wrong issuer');
    return { userId: claims.oid, tenantId: claims.tid, name: claims.name ?? claims.preferred_username ?? claims.oid };
  }

  private async key(kid: string): Promise<Jwk> {
    const fresh = this.keys && Date.now() - this.keys.at < 10 * 60_000;
    if (!fresh || !this.keys!.byKid.has(kid)) {
      const res = await fetch(this.jwksUrl);
      if (!res.ok) throw new SsoError(`signing keys unavailable (${res.status})`);
      const body = (await res.json()) as { keys?: Jwk[] };
      this.keys = { at: Date.now(), byKid: new Map((body.keys ?? []).filter((k) => k.kid).map((k) => [k.kid!, k])) };
    }
    const jwk = this.keys!.byKid.get(kid);
    if (!jwk) throw new SsoError('unknown signing key');
    return jwk;
  }
}

function parse(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new SsoError('not a JWT');
  }
}
