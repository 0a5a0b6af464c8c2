import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from './free-port.js';

/** One request the token service received, as the bot's SDK sent it. */
export interface TokenServiceRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization?: string;
  readonly body?: any;
}

/**
 * A local stand-in of the Bot Framework token service (the `OAuthUrl` the SDK's user token client
 * calls): per user and connection it keeps the token of a user who signed in, exchanges the SSO
 * tokens it was told about, and redeems magic codes. It answers as the real one does: 404 with no
 * body when there is no token, 400 when a token cannot be exchanged.
 */
export class TokenService {
  readonly requests: TokenServiceRequest[] = [];
  /** The user's token the service holds, by `userId`. */
  readonly signedIn = new Map<string, string>();
  /** What an SSO token from Teams exchanges for (absent: it cannot be exchanged). */
  readonly exchanges = new Map<string, string>();
  /** Magic codes of sign-ins through the button: code → user id and token. */
  readonly magicCodes = new Map<string, { userId: string; token: string }>();
  /** Answer every call with a 503 (the service is down). */
  down = false;
  private server?: Server;
  private port = 0;

  constructor(
    readonly connectionName: string,
    /** The token exchange resource the sign-in resource names (the Entra app's Application ID URI). */
    readonly exchangeUri: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = createServer((req, res) => {
      void this.answer(req).then(({ status, body }) => {
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? '', path: url.pathname, query, authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined });
    if (this.down) return { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'down' } } };
    const tokenResponse = (token: string) => ({ channelId: query.channelId, connectionName: this.connectionName, token, expiration: new Date(Date.now() + 3600_000).toISOString() });
    if (query.connectionName !== undefined && query.connectionName !== this.connectionName) return { status: 400, body: { error: { code: 'BadArgument', message: 'unknown connection' } } };
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /api/usertoken/GetToken': {
        const code = query.code;
        if (code) {
          const redeemed = this.magicCodes.get(code);
          if (!redeemed || redeemed.userId !== query.userId) return { status: 404 };
          this.magicCodes.delete(code);
          this.signedIn.set(query.userId, redeemed.token);
        }
        const token = this.signedIn.get(query.userId);
        return token ? { status: 200, body: tokenResponse(token) } : { status: 404 };
      }
      case 'GET /api/botsignin/GetSignInResource':
        return {
          status: 200,
          body: {
            signInLink: `${this.url}/signin?state=${encodeURIComponent(query.state ?? '')}`,
            tokenExchangeResource: { id: 'exchange-1', uri: this.exchangeUri, providerId: 'aadv2' },
            tokenPostResource: { sasUrl: `${this.url}/post` },
          },
        };
      case 'POST /api/usertoken/exchange': {
        const sso = (JSON.parse(text || '{}') as { token?: string }).token ?? '';
        const token = this.exchanges.get(sso);
        if (!token) return { status: 400, body: { error: { code: 'TokenExchangeFailed', message: 'consent required' } } };
        this.signedIn.set(query.userId, token);
        return { status: 200, body: tokenResponse(token) };
      }
      default:
        return { status: 404, body: { error: { code: 'NotFound', message: url.pathname } } };
    }
  }
}

/**
 * The bot's own Bot Framework credentials without Entra ID: a fixed bearer on every outgoing call
 * (to the connector and the token service stand-ins), for the app id the tests register.
 */
export class StandInBotCredentials {
  constructor(
    private readonly appId: string,
    readonly bearer = 'stand-in-bot-token',
  ) {}

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(): Promise<{ signRequest(resource: { headers: { set(name: string, value: string): void } }): Promise<unknown> }> {
    const bearer = this.bearer;
    return {
      async signRequest(resource) {
        resource.headers.set('authorization', `Bearer ${bearer}`);
        return resource;
      },
    };
  }
}
