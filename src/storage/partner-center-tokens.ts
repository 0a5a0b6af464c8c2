import { ConfidentialClientApplication, type AccountInfo, type ICachePlugin, type INetworkModule, type TokenCacheContext } from '@azure/msal-node';
import type { CasStore } from './cas-store.js';

/** The Entra app the assistant calls Partner Center and Microsoft Graph with, in the partner's own tenant. */
export interface PartnerCenterAppOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The partner's tenant id: tokens are issued there and only its admins' sign-ins are kept. */
  readonly tenantId: string;
  /** The Entra instance, e.g. https://login.microsoftonline.com (the tenant id is appended). */
  readonly authority: string;
  /** Where msal keeps the provider admin's sign-in (accounts and refresh tokens), shared by every instance. */
  readonly cache: CasStore;
  /** Replaces msal's HTTP client (tests reach a local stand-in of Entra ID with it). */
  readonly networkClient?: INetworkModule;
}

/** The resources the tokens are for. */
export const RESOURCES = {
  partnerCenter: 'https://api.partnercenter.microsoft.com/.default',
  graph: 'https://graph.microsoft.com/.default',
} as const;

/** Which resource a token is for. */
export type Resource = keyof typeof RESOURCES;

/** Why no token could be had, as a sentence for logs and /readyz. */
export class TokenUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenUnavailable';
  }
}

const CACHE_KEY = 'msal-cache';

/**
 * Tokens from @azure/msal-node (ConfidentialClientApplication): app-only (client credentials) where
 * the API allows it, and App+User from the provider admin's one-time sign-in (authorization code
 * flow), refreshed silently from msal's cache afterwards.
 */
export class PartnerCenterTokens {
  private readonly msal: ConfidentialClientApplication;

  constructor(private readonly options: PartnerCenterAppOptions) {
    const cachePlugin: ICachePlugin = {
      beforeCacheAccess: async (context: TokenCacheContext) => {
        const raw = await options.cache.get(CACHE_KEY);
        if (raw) context.tokenCache.deserialize(raw);
      },
      afterCacheAccess: async (context: TokenCacheContext) => {
        if (!context.cacheHasChanged) return;
        const before = await options.cache.get(CACHE_KEY);
        // Another instance may have written meanwhile: its sign-in and ours are merged on the next read; the last writer wins the rest.
        await options.cache.compareAndSet(CACHE_KEY, before, context.tokenCache.serialize());
      },
    };
    this.msal = new ConfidentialClientApplication({
      auth: { clientId: options.clientId, clientSecret: options.clientSecret, authority: `${options.authority}/${options.tenantId}` },
      cache: { cachePlugin },
      ...(options.networkClient ? { system: { networkClient: options.networkClient } } : {}),
    });
  }

  /** An app-only token (client credentials); `fresh` skips msal's cache (after a 401). */
  async appOnly(resource: Resource, fresh = false): Promise<string> {
    try {
      const result = await this.msal.acquireTokenByClientCredential({ scopes: [RESOURCES[resource]], skipCache: fresh });
      if (!result?.accessToken) throw new TokenUnavailable('Entra ID issued no app-only token');
      return result.accessToken;
    } catch (error) {
      throw error instanceof TokenUnavailable ? error : new TokenUnavailable(`no app-only token: ${(error as Error).message}`, { cause: error });
    }
  }

  /** An App+User token in the name of the provider admin who signed in; `fresh` redeems the refresh token again (after a 401). */
  async appUser(resource: Resource, fresh = false): Promise<string> {
    const account = await this.admin();
    if (!account) throw new TokenUnavailable('no provider admin has signed in to Partner Center for the assistant yet (a provider admin types "partner center sign-in" in the chat)');
    try {
      const result = await this.msal.acquireTokenSilent({ account, scopes: [RESOURCES[resource]], forceRefresh: fresh });
      if (!result?.accessToken) throw new TokenUnavailable('Entra ID issued no App+User token');
      return result.accessToken;
    } catch (error) {
      throw error instanceof TokenUnavailable ? error : new TokenUnavailable(`no App+User token (the provider admin may have to sign in again): ${(error as Error).message}`, { cause: error });
    }
  }

  /** Why App+User calls cannot be made now, or undefined when a provider admin's sign-in is kept. */
  async appUserProblem(): Promise<string | undefined> {
    return (await this.admin()) ? undefined : 'no provider admin has signed in to Partner Center for the assistant yet (a provider admin types "partner center sign-in" in the chat)';
  }

  /** The provider admin whose sign-in App+User calls use: the latest account of the partner's tenant in the cache. */
  async admin(): Promise<AccountInfo | undefined> {
    const accounts = await this.msal.getTokenCache().getAllAccounts();
    return accounts.filter((a) => a.tenantId.toLowerCase() === this.options.tenantId.toLowerCase()).at(-1);
  }

  /** Where the provider admin signs in (and, the first time, consents for the organization). */
  signInUrl(redirectUri: string, state: string): Promise<string> {
    return this.msal.getAuthCodeUrl({ scopes: [RESOURCES.partnerCenter, 'offline_access'], redirectUri, state, prompt: 'select_account' });
  }

  /**
   * Redeems the code of the sign-in; keeps the account only when Entra ID says it is the expected
   * person (the provider admin who asked for the sign-in, by object id) in the partner's own tenant.
   */
  async completeSignIn(code: string, redirectUri: string, expectedUserId: string): Promise<{ ok: true; userName: string } | { ok: false; reason: string }> {
    const result = await this.msal.acquireTokenByCode({ code, redirectUri, scopes: [RESOURCES.partnerCenter, 'offline_access'] });
    const account = result?.account;
    const oid = account ? (account.idTokenClaims?.oid ?? account.localAccountId) : undefined;
    if (!account || account.tenantId.toLowerCase() !== this.options.tenantId.toLowerCase() || oid?.toLowerCase() !== expectedUserId.toLowerCase()) {
      if (account) await this.msal.getTokenCache().removeAccount(account);
      return { ok: false, reason: 'the account is not the provider admin who asked for the sign-in, in the partner tenant the assistant is registered in' };
    }
    return { ok: true, userName: account.username };
  }
}
