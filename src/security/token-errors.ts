/** A token this server will not accept (malformed, badly signed, expired, for someone else): the client's fault, a 401. */
export class TokenRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRefused';
  }
}

/** The keys that would validate a token cannot be had right now (key set or metadata down or slow): a 503, try later. */
export class KeysUnavailable extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`signing keys at ${source} unavailable: ${detail}`);
    this.name = 'KeysUnavailable';
  }
}
