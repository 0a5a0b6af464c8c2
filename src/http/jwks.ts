import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';

/** Why a JWT was refused. */
export class JwtError extends Error {}

/** Standard claims the verifiers read. */
export type JwtClaims = Record<string, unknown> & { aud?: string; iss?: string; exp?: number; nbf?: number; sub?: string };

interface Jwk extends JsonWebKey {
  kid?: string;
}

/** Signing keys published at a JWKS URL, fetched on demand and kept ten minutes. */
export class JwksKeys {
  private cache?: { at: number; byKid: Map<string, Jwk> };

  constructor(private readonly url: string) {}

  /** Verifies an RS256 JWT's signature and time claims; returns its claims. */
  async verify(token: string, now: Date): Promise<JwtClaims> {
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) throw new JwtError('not a JWT');
    const header = decode(h) as { alg?: string; kid?: string };
    const claims = decode(p) as JwtClaims;
    if (header.alg !== 'RS256' || !header.kid) throw new JwtError('unsupported algorithm');
    const jwk = await this.key(header.kid);
    const valid = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
    if (!valid) throw new JwtError('bad signature');
    const seconds = now.getTime() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= seconds) throw new JwtError('expired');
    if (typeof claims.nbf === 'number' && claims.nbf > seconds + 300) throw new JwtError('not valid yet');
    return claims;
  }

  private async key(kid: string): Promise<Jwk> {
    const fresh = this.cache && Date.now() - this.cache.at < 10 * 60_000;
    if (!fresh || !this.cache!.byKid.has(kid)) {
      const res = await fetch(this.url);
      if (!res.ok) throw new JwtError(`signing keys unavailable (${res.status})`);
      const body = (await res.json()) as { keys?: Jwk[] };
      this.cache = { at: Date.now(), byKid: new Map((body.keys ?? []).filter((k) => k.kid).map((k) => [k.kid!, k])) };
    }
    const jwk = this.cache!.byKid.get(kid);
    if (!jwk) throw new JwtError('unknown signing key');
    return jwk;
  }
}

function decode(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('not a JWT');
  }
}
