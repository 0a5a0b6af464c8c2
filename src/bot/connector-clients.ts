import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { ConfigurationBotFrameworkAuthentication } from '../botbuilder.js';
import { LRUCache } from 'lru-cache';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;
type Credentials = ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];

/** How many connector clients are kept (one per service URL, audience and app id in use). */
export const CONNECTOR_CLIENTS_KEPT = 256;

export interface ConnectorClientsOptions {
  /** Where proactive messages (`continueConversation`) to a service URL go; the URL itself when absent. */
  readonly proactiveServiceUrl?: (serviceUrl: string) => string;
  /** How many connector clients are kept; the least recently used one goes first. */
  readonly max?: number;
}

/**
 * The bot's credentials and Bot Connector clients, with each client built once and used again.
 * The SDK builds a new connector client (a whole HTTP pipeline) and user token client on every
 * turn, expectReplies turns included, which never call them; here a client is kept per app id,
 * audience and service URL, compared as exact strings: the app id and the audience decide the
 * credentials (the rest of what makes them is fixed for this object), and the service URL is
 * the client's base address, so a kept client is never used for another service URL or other
 * credentials. Service URLs are client-sent: the HTTP layer checks them before a turn runs (a
 * loopback address without an app id, the token's `serviceurl` claim with one), and the clients
 * kept are bounded (least recently used first), so many distinct URLs cost memory only up to
 * the bound.
 */
export class ConnectorClientsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients: LRUCache<string, Promise<ConnectorClient>>;
  private readonly tokenClients = new LRUCache<string, Promise<UserTokenClient>>({ max: 16 });

  constructor(
    options: ConfigurationBotFrameworkAuthenticationOptions,
    credentials: Credentials,
    private readonly connectors: ConnectorClientsOptions = {},
  ) {
    super(options, credentials);
    this.clients = new LRUCache({ max: connectors.max ?? CONNECTOR_CLIENTS_KEPT });
  }

  override async authenticateRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>): Promise<AuthenticateRequestResult> {
    return this.withKeptClients(await super.authenticateRequest(...args));
  }

  override async authenticateStreamingRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateStreamingRequest']>): Promise<AuthenticateRequestResult> {
    return this.withKeptClients(await super.authenticateStreamingRequest(...args));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.keeping(super.createConnectorFactory(claimsIdentity), claimsIdentity, this.connectors.proactiveServiceUrl);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    // The SDK makes a user token client from the app id alone (its scope and endpoints are fixed here).
    return this.kept(this.tokenClients, JSON.stringify([appIdOf(claimsIdentity) ?? null]), () => super.createUserTokenClient(claimsIdentity));
  }

  private withKeptClients(result: AuthenticateRequestResult): AuthenticateRequestResult {
    return result.connectorFactory ? { ...result, connectorFactory: this.keeping(result.connectorFactory, result.claimsIdentity) } : result;
  }

  /** The factory, answering with the kept client for the same app id, audience and service URL. */
  private keeping(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity, rewrite?: (serviceUrl: string) => string): ConnectorFactory {
    // The caller's ids too: the SDK scopes a factory's tokens to the caller when a bot calls as a skill.
    const appId = [appIdOf(claimsIdentity) ?? null, claimsIdentity.getClaimValue('appid') ?? null, claimsIdentity.getClaimValue('azp') ?? null];
    return {
      create: (serviceUrl: string, audience?: string) => {
        // expectReplies activities may come without a service URL; the SDK builds a client all the same.
        const url = rewrite && typeof serviceUrl === 'string' ? rewrite(serviceUrl) : serviceUrl;
        return this.kept(this.clients, JSON.stringify([appId, audience ?? null, url ?? null]), () => factory.create(url, audience));
      },
    };
  }

  /** The value kept under `key`, made once; a failure is not kept, so the next call tries again. */
  private kept<T extends object>(cache: LRUCache<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
    const found = cache.get(key);
    if (found) return found;
    const made = make();
    cache.set(key, made);
    made.catch(() => {
      if (cache.get(key) === made) cache.delete(key);
    });
    return made;
  }
}

/**
 * The app id the SDK builds a turn's credentials for: the token's audience (Bot Framework
 * channels) or its `appid` claim (the Emulator); none for an unauthenticated turn.
 */
function appIdOf(claimsIdentity: ClaimsIdentity): string | undefined {
  return claimsIdentity.getClaimValue('aud') ?? claimsIdentity.getClaimValue('appid') ?? undefined;
}
