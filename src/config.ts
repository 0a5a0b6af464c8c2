import { z } from 'zod';
import { LOCALES } from './i18n/catalog.js';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const Port = z.coerce.number().int().min(0).max(65535);

const StorageUrl = z
  .string()
  .trim()
  .refine((v) => /^(memory:|sqlite:\/\/.+|rediss?:\/\/.+)$/.test(v), 'must be memory:, sqlite://<file> or redis://<host>:<port>');

const HttpUrl = z
  .string()
  .trim()
  .url()
  .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
  .transform((v) => v.replace(/\/+$/, ''));

const UserIdList = z
  .string()
  .trim()
  .transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean));

const TenantIdList = UserIdList.refine((ids) => ids.every((id) => /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(id)), 'must be tenant ids (GUIDs), comma separated').transform((ids) =>
  ids.map((id) => id.toLowerCase()),
);

/** The environment variables the assistant reads, with their defaults. */
export const Env = z.object({
  PORT: Port.default(3978),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PUBLIC_BASE_URL: HttpUrl.optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  STORAGE_URL: StorageUrl.optional(),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  MicrosoftAppTenantId: optionalText,
  BOT_OPENID_METADATA_URL: HttpUrl.default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
  BOT_EMULATOR_OPENID_METADATA_URL: HttpUrl.default('https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration'),
  BOT_TOKEN_ISSUER: z.string().trim().url().default('https://api.botframework.com'),
  OAUTH_CONNECTION_NAME: optionalText,
  BOT_OAUTH_URL: HttpUrl.default('https://api.botframework.com'),
  DIRECT_LINE_SECRET: optionalText,
  DIRECT_LINE_ENDPOINT: HttpUrl.default('https://directline.botframework.com/v3/directline'),
  EMBED_JWT_SECRET: z.string().trim().min(32, 'must be at least 32 characters').optional(),
  EMBED_JWKS_URL: HttpUrl.optional(),
  EMBED_JWT_ISSUER: optionalText,
  EMBED_JWT_AUDIENCE: optionalText,
  EMBED_TRUSTED_TENANTS: TenantIdList.default([]),
  OIDC_ISSUER: HttpUrl.optional(),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_SCOPES: z.string().trim().regex(/(^|\s)openid(\s|$)/, 'must include openid').default('openid profile email'),
  INVITATION_SIGNING_KEY: z
    .string()
    .trim()
    .min(32, 'must be at least 32 characters')
    .optional(),
  INVITATION_PREVIOUS_SIGNING_KEYS: UserIdList.refine((keys) => keys.every((k) => k.length >= 32), 'must be keys of at least 32 characters, comma separated').default([]),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  REMINDER_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  REMINDER_AFTER_DAYS: z.coerce.number().int().min(1).max(30).default(2),
  PAGE_RATE_PER_SECOND: z.coerce.number().positive().max(10000).default(2),
  PAGE_RATE_BURST: z.coerce.number().int().min(1).max(100000).default(20),
  TEAMS_APP_ID: z.string().trim().uuid().default('6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5'),
  SSO_CLIENT_ID: optionalText,
  SSO_JWKS_URL: HttpUrl.default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
  SSO_ALLOWED_TENANTS: TenantIdList.default([]),
  DEFAULT_LOCALE: z.enum(LOCALES).default('en'),
  SMTP_URL: z
    .string()
    .trim()
    .refine((v) => /^smtps?:\/\/.+/.test(v), 'must be smtp://… or smtps://…')
    .optional(),
  MAIL_FROM: z.string().trim().email().default('csp-assistant@localhost.example'),
  REVIEWER_IDS: UserIdList.default([]),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOW_UNAUTHENTICATED: z.enum(['true', 'false']).default('false'),
  UNDERSTANDING: z.enum(['embedded', 'azure-clu', 'azure-openai']).default('embedded'),
  UNDERSTANDING_ENDPOINT: HttpUrl.optional(),
  UNDERSTANDING_KEY: optionalText,
  UNDERSTANDING_PROJECT: optionalText,
  UNDERSTANDING_DEPLOYMENT: optionalText,
  UNDERSTANDING_TIMEOUT_MS: z.coerce.number().int().min(100).max(30000).default(1500),
  PARTNER_CENTER: z.enum(['reference', 'api']).default('reference'),
  PARTNER_CENTER_APP_ID: z.string().trim().uuid('must be the Entra app id (a GUID)').optional(),
  PARTNER_CENTER_APP_SECRET: optionalText,
  PARTNER_CENTER_TENANT_ID: z.string().trim().uuid('must be the partner tenant id (a GUID)').transform((v) => v.toLowerCase()).optional(),
  PARTNER_CENTER_API_URL: HttpUrl.default('https://api.partnercenter.microsoft.com'),
  GRAPH_API_URL: HttpUrl.default('https://graph.microsoft.com'),
  PARTNER_CENTER_AUTHORITY: HttpUrl.default('https://login.microsoftonline.com'),
  PARTNER_CENTER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  PARTNER_CENTER_POLL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  PARTNER_CENTER_RECONCILE_HOURS: z.coerce.number().int().min(1).max(720).default(24),
});

/** The assistant's configuration, parsed once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicBaseUrl: string;
  readonly dataDir: string;
  readonly storageUrl: string;
  readonly bot: {
    readonly appId?: string;
    readonly appPassword?: string;
    readonly appType?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    readonly appTenantId?: string;
    /** Where the tokens of the Bot Framework channels and of the Emulator are checked (change only for tests or sovereign clouds). */
    readonly openIdMetadataUrl: string;
    readonly emulatorOpenIdMetadataUrl: string;
    readonly tokenIssuer: string;
    /** The Azure Bot's OAuth connection through which a Teams user's Entra token proves the global administrator role; absent: not verified. */
    readonly oauthConnectionName?: string;
    /** The Bot Framework token service the OAuth connection is reached through (regional or sovereign clouds, tests). */
    readonly oauthUrl: string;
  };
  readonly directLineSecret?: string;
  readonly directLineEndpoint: string;
  /** How the embedding site signs its signed-in user for the web chat (HS256 key or RS256 JWKS). */
  readonly embed: {
    readonly sharedSecret?: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
    /** Tenants the portal is trusted to vouch for: its token's `tid` counts only for these. */
    readonly trustedTenants: readonly string[];
  };
  /** The OpenID provider the web chat signs users in with; absent in demo mode (the embedded one is used). */
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly clientSecret?: string; readonly scopes: string };
  /** Demo mode: no credentials of any kind, server and public address on loopback; the embedded OpenID provider serves the personas. */
  readonly demoMode: boolean;
  /** The former name of `demoMode`, kept while the code moves over. */
  readonly demoSignIn: boolean;
  readonly invitationSigningKey?: string;
  /** Retired signing keys that still verify the links they signed. */
  readonly invitationPreviousSigningKeys: readonly string[];
  readonly invitationTtlDays: number;
  /** Reminders: minutes between passes, and business days an approval or a review may wait before its deciders are reminded. */
  readonly reminders: { readonly intervalMinutes: number; readonly afterBusinessDays: number };
  /** Requests per second and burst per client address on the pages reached by links. */
  /** The Teams app package: its id, and the Entra app the tab's SSO tokens are issued for. */
  readonly teams: { readonly appId: string; readonly ssoClientId?: string; readonly jwksUrl: string; readonly allowedTenants: readonly string[] };
  readonly pageRate: { readonly perSecond: number; readonly burst: number };
  readonly defaultLocale: (typeof LOCALES)[number];
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly reviewerIds: readonly string[];
  readonly logLevel: string;
  /** How far V8 lets the JavaScript heap grow past what a full collection keeps, in percent; 0 leaves it to V8 (see heap.ts). */
  readonly heapGrowingPercent: number;
  /** Serve without a Bot Framework app id on a non-loopback address (ALLOW_UNAUTHENTICATED=true). */
  readonly allowUnauthenticated: boolean;
  /** Which model classifies free text: the embedded one, or a hosted one with the embedded one as fallback. */
  /**
   * Which Partner Center answers: the embedded reference data and ledger, or the Partner Center API
   * and Microsoft Graph with the partner tenant's Entra app (PARTNER_CENTER=api).
   */
  readonly partnerCenter:
    | { readonly kind: 'reference' }
    | {
        readonly kind: 'api';
        readonly appId: string;
        readonly appSecret: string;
        readonly tenantId: string;
        readonly apiUrl: string;
        readonly graphUrl: string;
        readonly authority: string;
        readonly timeoutMs: number;
        /** Minutes between polls of Partner Center's customer lists for acceptances. */
        readonly pollMinutes: number;
        /** Hours between scheduled reconciliations. */
        readonly reconcileHours: number;
      };
  readonly understanding:
    | { readonly kind: 'embedded' }
    | { readonly kind: 'azure-clu' | 'azure-openai'; readonly endpoint: string; readonly key: string; readonly project?: string; readonly deployment: string; readonly timeoutMs: number };
}

/** Thrown when the environment has bad values; `problems` has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses the environment (only `process.env` in production; tests pass their own). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable counts as unset, the way shells and .env files are usually written.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `Configuration error: ${issue.path.join('.') || '(environment)'} ${issue.message}`),
    );
  }
  const e = parsed.data;
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_ID) {
    throw new ConfigError(['Configuration error: OIDC_CLIENT_ID is required when OIDC_ISSUER is set']);
  }
  if (e.OIDC_ISSUER && !e.OIDC_ISSUER.startsWith('https://') && !isLoopback(new URL(e.OIDC_ISSUER).hostname)) {
    throw new ConfigError(['Configuration error: OIDC_ISSUER must use https:// (plain http only on loopback)']);
  }
  if (e.OAUTH_CONNECTION_NAME && !e.MicrosoftAppId) {
    // Without an app id the bot has no Azure Bot whose token service holds the connection: the role could never be proven.
    throw new ConfigError([
      'Configuration error: OAUTH_CONNECTION_NAME needs MicrosoftAppId: the OAuth connection belongs to an Azure Bot registration; set MicrosoftAppId (and its password) or leave OAUTH_CONNECTION_NAME empty',
    ]);
  }
  if (e.UNDERSTANDING !== 'embedded') {
    const missing = [
      ...(e.UNDERSTANDING_ENDPOINT ? [] : ['UNDERSTANDING_ENDPOINT']),
      ...(e.UNDERSTANDING_KEY ? [] : ['UNDERSTANDING_KEY']),
      ...(e.UNDERSTANDING_DEPLOYMENT ? [] : ['UNDERSTANDING_DEPLOYMENT']),
      ...(e.UNDERSTANDING === 'azure-clu' && !e.UNDERSTANDING_PROJECT ? ['UNDERSTANDING_PROJECT'] : []),
    ];
    if (missing.length) throw new ConfigError(missing.map((name) => `Configuration error: ${name} is required when UNDERSTANDING=${e.UNDERSTANDING}`));
  }
  if (e.PARTNER_CENTER === 'api') {
    const missing = [
      ...(e.PARTNER_CENTER_APP_ID ? [] : ['PARTNER_CENTER_APP_ID']),
      ...(e.PARTNER_CENTER_APP_SECRET ? [] : ['PARTNER_CENTER_APP_SECRET']),
      ...(e.PARTNER_CENTER_TENANT_ID ? [] : ['PARTNER_CENTER_TENANT_ID']),
    ];
    if (missing.length) throw new ConfigError([`Configuration error: PARTNER_CENTER=api needs ${missing.join(', ')} (the Entra app registered in the partner tenant for Partner Center)`]);
    if (!e.PARTNER_CENTER_AUTHORITY.startsWith('https://')) throw new ConfigError(['Configuration error: PARTNER_CENTER_AUTHORITY must use https://']);
  }
  const port = e.PORT;
  if (!e.MicrosoftAppId && e.ALLOW_UNAUTHENTICATED !== 'true' && !/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(e.HOST)) {
    // Without an app id nobody's identity is checked: on a reachable address anyone could act as anyone.
    throw new ConfigError([
      `Configuration error: HOST ${e.HOST} is not a loopback address and MicrosoftAppId is not set, so the bot would accept unauthenticated activities from the network; set MicrosoftAppId, bind HOST=127.0.0.1, or set ALLOW_UNAUTHENTICATED=true to accept that`,
    ]);
  }
  const publicBaseUrl = e.PUBLIC_BASE_URL ?? `http://localhost:${port}`;
  const demoMode =
    !e.MicrosoftAppId && !e.OIDC_ISSUER && !e.EMBED_JWT_SECRET && !e.EMBED_JWKS_URL && isLoopback(e.HOST) && isLoopback(new URL(publicBaseUrl).hostname);
  return {
    port,
    host: e.HOST,
    publicBaseUrl,
    dataDir: e.DATA_DIR,
    storageUrl: e.STORAGE_URL ?? `sqlite://${e.DATA_DIR.replace(/\/+$/, '')}/assistant.sqlite`,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      appTenantId: e.MicrosoftAppTenantId,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
      emulatorOpenIdMetadataUrl: e.BOT_EMULATOR_OPENID_METADATA_URL,
      tokenIssuer: e.BOT_TOKEN_ISSUER,
      oauthConnectionName: e.OAUTH_CONNECTION_NAME,
      oauthUrl: e.BOT_OAUTH_URL,
    },
    directLineSecret: e.DIRECT_LINE_SECRET,
    directLineEndpoint: e.DIRECT_LINE_ENDPOINT,
    embed: { sharedSecret: e.EMBED_JWT_SECRET, jwksUrl: e.EMBED_JWKS_URL, issuer: e.EMBED_JWT_ISSUER, audience: e.EMBED_JWT_AUDIENCE, trustedTenants: e.EMBED_TRUSTED_TENANTS },
    oidc: e.OIDC_ISSUER && e.OIDC_CLIENT_ID
      ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, scopes: e.OIDC_SCOPES }
      : undefined,
    demoMode,
    demoSignIn: demoMode,
    invitationSigningKey: e.INVITATION_SIGNING_KEY,
    invitationPreviousSigningKeys: e.INVITATION_PREVIOUS_SIGNING_KEYS,
    invitationTtlDays: e.INVITATION_TTL_DAYS,
    reminders: { intervalMinutes: e.REMINDER_INTERVAL_MINUTES, afterBusinessDays: e.REMINDER_AFTER_DAYS },
    teams: { appId: e.TEAMS_APP_ID, ssoClientId: e.SSO_CLIENT_ID ?? e.MicrosoftAppId, jwksUrl: e.SSO_JWKS_URL, allowedTenants: e.SSO_ALLOWED_TENANTS },
    pageRate: { perSecond: e.PAGE_RATE_PER_SECOND, burst: e.PAGE_RATE_BURST },
    defaultLocale: e.DEFAULT_LOCALE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    reviewerIds: e.REVIEWER_IDS,
    logLevel: e.LOG_LEVEL,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    allowUnauthenticated: e.ALLOW_UNAUTHENTICATED === 'true',
    partnerCenter:
      e.PARTNER_CENTER === 'api'
        ? {
            kind: 'api',
            appId: e.PARTNER_CENTER_APP_ID!,
            appSecret: e.PARTNER_CENTER_APP_SECRET!,
            tenantId: e.PARTNER_CENTER_TENANT_ID!,
            apiUrl: e.PARTNER_CENTER_API_URL,
            graphUrl: e.GRAPH_API_URL,
            authority: e.PARTNER_CENTER_AUTHORITY,
            timeoutMs: e.PARTNER_CENTER_TIMEOUT_MS,
            pollMinutes: e.PARTNER_CENTER_POLL_MINUTES,
            reconcileHours: e.PARTNER_CENTER_RECONCILE_HOURS,
          }
        : { kind: 'reference' },
    understanding:
      e.UNDERSTANDING === 'embedded'
        ? { kind: 'embedded' }
        : {
            kind: e.UNDERSTANDING,
            endpoint: e.UNDERSTANDING_ENDPOINT!,
            key: e.UNDERSTANDING_KEY!,
            project: e.UNDERSTANDING_PROJECT,
            deployment: e.UNDERSTANDING_DEPLOYMENT!,
            timeoutMs: e.UNDERSTANDING_TIMEOUT_MS,
          },
  };
}

/** Whether a host name or address is this computer's loopback. */
export function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/.test(host);
}
