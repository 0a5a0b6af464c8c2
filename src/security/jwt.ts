import type { createRemoteJWKSet, JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import { jose, joseErrors } from './jose.js';
import { parseCompact } from './compact.js';
import { KeysUnavailable, TokenRefused } from './token-errors.js';

/**
 * How a remote key set is fetched: time limit per fetch, the cooldown between refetches for
 * unknown key ids, how long keys are kept, and how long a failed fetch is not retried.
 */
export interface RemoteKeyOptions {
  readonly timeoutMs?: number;
  readonly cooldownMs?: number;
  readonly cacheMaxAgeMs?: number;
  readonly failureHoldMs?: number;
}

const DEFAULTS = { timeoutMs: 5000, cooldownMs: 30_000, cacheMaxAgeMs: 10 * 60_000, failureHoldMs: 5000 };

/** Remembers a failed fetch for a while, so that a burst of requests while keys are down costs one fetch, not one each. */
class FailureHold {
  private until = 0;
  private last?: KeysUnavailable;

  constructor(private readonly ms: number) {}

  check(): void {
    if (this.last && Date.now() < this.until) throw this.last;
  }

  record(error: KeysUnavailable): KeysUnavailable {
    this.last = error;
    this.until = Date.now() + this.ms;
    return error;
  }
}

/**
 * Signing keys published at a JWKS URL (jose's remote key set): fetched on demand with a time
 * limit, kept ten minutes, and refetched for an unknown key id at most once per cooldown, so a
 * burst of tokens with a made-up `kid` costs one fetch, not one each.
 */
export class RemoteKeys {
  private set?: ReturnType<typeof createRemoteJWKSet>;
  private readonly endpoint: URL;
  private readonly options: typeof DEFAULTS;
  private readonly hold: FailureHold;

  constructor(
    readonly url: string,
    options: RemoteKeyOptions = {},
  ) {
    // A malformed URL is refused here, when the configuration is read, not with the first token.
    this.endpoint = new URL(url);
    this.options = { ...DEFAULTS, ...options };
    this.hold = new FailureHold(this.options.failureHoldMs);
  }

  /** The key for a token's header, for `jwtVerify`; an unknown key id is the token's fault, an unreachable set is not. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const { createRemoteJWKSet, errors } = await jose();
    const o = this.options;
    this.set ??= createRemoteJWKSet(this.endpoint, { timeoutDuration: o.timeoutMs, cooldownDuration: o.cooldownMs, cacheMaxAge: o.cacheMaxAgeMs });
    // Fresh keys answer even while a refetch would fail; only a fetch is held back.
    if (!this.set.fresh) this.hold.check();
    try {
      return await this.set(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw new TokenRefused('unknown signing key');
      throw this.hold.record(new KeysUnavailable(this.url, describe(error)));
    }
  };
}

/**
 * Signing keys found through OpenID Connect metadata (its `jwks_uri`), as the Bot Framework
 * publishes them; the metadata is kept a day and refetched when it could not be read.
 */
export class OpenIdKeys {
  private keys?: { at: number; remote: RemoteKeys };
  private pending?: Promise<RemoteKeys>;
  private readonly hold: FailureHold;

  constructor(
    readonly metadataUrl: string,
    private readonly options: RemoteKeyOptions = {},
  ) {
    this.hold = new FailureHold(options.failureHoldMs ?? DEFAULTS.failureHoldMs);
  }

  /** The key for a token's header, for `jwtVerify`. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => (await this.remote()).getKey(header, token);

  private async remote(): Promise<RemoteKeys> {
    if (this.keys && Date.now() - this.keys.at < 24 * 3600_000) return this.keys.remote;
    this.hold.check();
    // Concurrent requests share one metadata fetch.
    this.pending ??= this.load().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async load(): Promise<RemoteKeys> {
    let jwksUri: unknown;
    try {
      const res = await fetch(this.metadataUrl, { signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULTS.timeoutMs), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      jwksUri = ((await res.json()) as { jwks_uri?: unknown }).jwks_uri;
    } catch (error) {
      throw this.hold.record(new KeysUnavailable(this.metadataUrl, describe(error)));
    }
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw this.hold.record(new KeysUnavailable(this.metadataUrl, 'no jwks_uri in the metadata'));
    const remote = this.keys?.remote.url === jwksUri ? this.keys.remote : new RemoteKeys(jwksUri, this.options);
    this.keys = { at: Date.now(), remote };
    return remote;
  }
}

/** What a verified token says. */
export type Claims = JWTPayload & Record<string, unknown>;

/**
 * Verifies a compact JWT with jose after the canonical-encoding check: the algorithms allowed
 * are the caller's (never `none`), the key comes from a shared secret or a key set. Throws
 * `TokenRefused` with a short reason, or `KeysUnavailable`.
 */
export async function verifyJwt(token: string, key: Uint8Array | JWTVerifyGetKey, options: JWTVerifyOptions & { algorithms: string[] }): Promise<{ header: Record<string, unknown>; claims: Claims }> {
  const { header } = parseCompact(token);
  if (typeof header.alg !== 'string' || !options.algorithms.includes(header.alg)) throw new TokenRefused('algorithm not allowed');
  const { jwtVerify } = await jose();
  try {
    // Two calls because jose's overloads take a key or a key function, not their union.
    const verified = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    return { header, claims: verified.payload };
  } catch (error) {
    throw refusal(error);
  }
}

/** The refusal a jose error stands for; errors that are not about the token pass through. */
export function refusal(error: unknown): unknown {
  if (error instanceof TokenRefused || error instanceof KeysUnavailable) return error;
  const errors = joseErrors();
  if (!errors) return error;
  if (error instanceof errors.JWTExpired) return new TokenRefused('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const what = error.reason === 'missing' ? `no "${error.claim}" claim` : `wrong "${error.claim}"`;
    return new TokenRefused(error.claim === 'nbf' && error.reason === 'check_failed' ? 'not valid yet' : what);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRefused('bad signature');
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRefused('algorithm not allowed');
  if (error instanceof errors.JOSENotSupported) return new TokenRefused('unsupported algorithm or key');
  if (error instanceof errors.JOSEError) return new TokenRefused('malformed token');
  return error;
}

function describe(error: unknown): string {
  const errors = joseErrors();
  if ((errors && error instanceof errors.JWKSTimeout) || (error instanceof Error && error.name === 'TimeoutError')) return 'timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
