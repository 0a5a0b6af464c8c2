import type { Request, Response } from 'restify';
import type { Logger } from '../log.js';
import { parseCompact } from '../security/compact.js';
import { OpenIdKeys, verifyJwt, type RemoteKeyOptions } from '../security/jwt.js';
import { TokenRefused } from '../security/token-errors.js';
import { sendTokenError } from './token-errors.js';

/** Where the Bot Framework publishes the keys of the tokens it sends to the bot, and the issuer it writes. */
export interface BotAuthOptions {
  readonly appId: string;
  readonly channelIssuer: string;
  readonly channelMetadataUrl: string;
  readonly emulatorMetadataUrl: string;
  readonly now?: () => Date;
  readonly keys?: RemoteKeyOptions;
}

// Emulator (and Entra-issued) tokens: the SDK checks the exact tenant list after this.
const ENTRA_ISSUER = /^https:\/\/(sts\.windows\.net\/[0-9a-f-]{36}\/|login\.microsoftonline\.(com|us)\/[0-9a-f-]{36}\/(v2\.0)?)$/;

/**
 * Checks the Bot Framework token of a request to /api/messages with jose before the SDK sees
 * it: RS256/384/512 from the published keys, issuer, audience (the app id), expiry (five minutes'
 * tolerance, as the SDK), and the `serviceurl` claim against the activity. The SDK then checks
 * again; this pass lets every refusal be a 401 and unreachable keys a 503 with one log line.
 */
export class BotTokenVerifier {
  private readonly channel: OpenIdKeys;
  private readonly emulator: OpenIdKeys;

  constructor(private readonly options: BotAuthOptions) {
    this.channel = new OpenIdKeys(options.channelMetadataUrl, options.keys);
    this.emulator = new OpenIdKeys(options.emulatorMetadataUrl, options.keys);
  }

  /** Resolves when the header carries a valid token for this bot; `TokenRefused` or `KeysUnavailable` otherwise. */
  async verify(authorization: string, serviceUrl: string | undefined): Promise<void> {
    if (!authorization.startsWith('Bearer ')) throw new TokenRefused('no Bearer token');
    const token = authorization.slice(7).trim();
    const { payload } = parseCompact(token);
    const fromChannel = payload.iss === this.options.channelIssuer;
    if (!fromChannel && !(typeof payload.iss === 'string' && ENTRA_ISSUER.test(payload.iss))) throw new TokenRefused('wrong issuer');
    const { claims } = await verifyJwt(token, (fromChannel ? this.channel : this.emulator).getKey, {
      algorithms: ['RS256', 'RS384', 'RS512'],
      audience: this.options.appId,
      clockTolerance: 300,
      currentDate: (this.options.now ?? (() => new Date()))(),
      requiredClaims: ['exp', 'iss', 'aud'],
    });
    if (fromChannel && serviceUrl && claims.serviceurl !== serviceUrl) throw new TokenRefused('the serviceUrl is not the one in the token');
  }
}

/**
 * Guards /api/messages when the bot has an app id: true when the request may go on to the
 * adapter; otherwise the 401 or 503 has been sent.
 */
export function botAuthGuard(verifier: BotTokenVerifier, log: Logger): (req: Request, res: Response) => Promise<boolean> {
  return async (req, res) => {
    const serviceUrl = (req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl;
    try {
      await verifier.verify(String(req.header('authorization') ?? ''), typeof serviceUrl === 'string' ? serviceUrl : undefined);
      return true;
    } catch (error) {
      if (sendTokenError(res, error, log, 'Bot Framework token')) return false;
      throw error;
    }
  };
}
