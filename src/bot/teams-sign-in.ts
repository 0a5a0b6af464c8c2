import type { Activity, Attachment, InvokeResponse, SignInUrlResponse, TokenResponse, TurnContext } from 'botbuilder';
import { CardFactory, StatusCodes } from '../botbuilder.js';
import type { OnceStore } from '../app/ports.js';
import type { Logger } from '../log.js';
import { withConnectorDeadline } from './connector-deadline.js';
import { KeysUnavailable, TokenRefused } from '../security/token-errors.js';
import type { Turn } from './turn.js';

/** Why a Teams user's token could not prove their role, as the user is told (a catalog key under `enrollmentUi.tenant.tokenReasons`). */
export type TokenProblem = 'otherTenant' | 'otherUser' | 'expired' | 'audience' | 'invalid' | 'noRoles' | 'unavailable';

/** What the Teams user's own Entra token says about the Global Administrator role, or why it says nothing. */
export type RoleProof =
  | { readonly state: 'proven'; readonly globalAdmin: boolean }
  | { readonly state: 'signInNeeded' }
  | { readonly state: 'refused'; readonly problem: TokenProblem };

/**
 * Checks a Teams user's token (signature, audience, issuer, expiry) and binds it to the turn's
 * proven user; `globalAdmin` is undefined when the token lists no directory roles. Throws
 * `TokenRefused` or `KeysUnavailable`.
 */
export type TeamsTokenCheck = (token: string, expected: { readonly tenantId: string; readonly userId: string }) => Promise<{ readonly globalAdmin?: boolean }>;

/** The part of botbuilder's UserTokenClient (the Bot Framework token service) this sign-in uses. */
export interface UserTokenClient {
  getUserToken(userId: string, connectionName: string, channelId: string, magicCode: string): Promise<TokenResponse | undefined>;
  getSignInResource(connectionName: string, activity: Activity, finalRedirect: string): Promise<SignInUrlResponse>;
  exchangeToken(userId: string, connectionName: string, channelId: string, exchangeRequest: { token: string }): Promise<TokenResponse | undefined>;
}

/** The body Teams expects from a `signin/tokenExchange` invoke (the shape the SDK's OAuthPrompt answers with). */
interface TokenExchangeAnswer {
  readonly id?: string;
  readonly connectionName: string;
  readonly failureDetail?: string;
}

/** What a sign-in invoke came to: the answer for Teams, and the user's token when one was obtained. */
export interface SignInInvokeResult {
  readonly response: InvokeResponse;
  readonly token?: string;
}

/** The invoke names Teams sends back for an OAuthCard. */
export const SIGN_IN_INVOKES = { tokenExchange: 'signin/tokenExchange', verifyState: 'signin/verifyState' } as const;

const PROOF = Symbol('csp.roleProof');
/**
 * How long one call to the token service may take: the SDK retries a failing service with backoff,
 * and the turn's replies must still fit in the time Teams waits.
 */
const TOKEN_SERVICE_TIMEOUT_MS = 2000;
/** How long an exchange id is remembered (Teams clients send theirs within seconds of each other). */
const EXCHANGE_TTL_MS = 10 * 60 * 1000;

/**
 * Teams SSO through the Azure Bot's OAuth connection: the user's token from the Bot Framework
 * token service (silently exchanged from Teams' own SSO token, or after the sign-in button), and
 * what it proves about the Global Administrator role. Only for Teams turns of a proven user and
 * tenant; every other turn gets no proof and keeps "not verified".
 */
export class TeamsSignIn {
  constructor(
    private readonly options: {
      readonly connectionName: string;
      readonly check: TeamsTokenCheck;
      readonly log: Logger;
      /** Exchanges already done: the same sign-in reaches the bot from every Teams client the user has open. */
      readonly once?: OnceStore;
    },
  ) {}

  /** Whether the turn's user can prove their role here: a Teams user with a proven tenant and no role proven otherwise. */
  applies(turn: Turn): boolean {
    const actor = turn.actor;
    return turn.context.activity.channelId === 'msteams' && actor?.proof === 'teams' && !!actor.tenantId && actor.globalAdmin === undefined;
  }

  /**
   * The role the user's token proves, from `token` or from the token service (which keeps the
   * token of a user who signed in); remembered for the rest of the turn.
   */
  async prove(turn: Turn, token?: string): Promise<RoleProof | undefined> {
    if (!this.applies(turn)) return undefined;
    const known = turn.context.turnState.get<RoleProof | undefined>(PROOF);
    if (known && !token) return known;
    const proof = await this.proofOf(turn, token);
    turn.context.turnState.set(PROOF, proof);
    return proof;
  }

  /** The OAuthCard Teams shows as a sign-in button, with the token exchange resource that lets it sign the user in silently. */
  async signInCard(turn: Turn, title: string, text: string): Promise<Attachment> {
    const client = this.client(turn.context);
    const resource = await limited(client.getSignInResource(this.options.connectionName, turn.context.activity, ''), 'the sign-in resource');
    return CardFactory.oauthCard(this.options.connectionName, title, text, resource.signInLink, resource.tokenExchangeResource, resource.tokenPostResource);
  }

  /**
   * Answers `signin/tokenExchange`: Teams' SSO token exchanged for the connection's token; 200 on
   * success, 412 with the failure body when it cannot be (Teams then shows the sign-in button).
   */
  async exchange(context: TurnContext): Promise<SignInInvokeResult> {
    const value = context.activity.value as { id?: unknown; connectionName?: unknown; token?: unknown } | undefined;
    const connectionName = this.options.connectionName;
    if (!value || typeof value.token !== 'string' || !value.token) {
      return { response: refusal('A signin/tokenExchange invoke needs a "value" with the "token" to exchange.') };
    }
    if (value.connectionName !== connectionName) {
      return { response: refusal('The signin/tokenExchange invoke names another OAuth connection than this bot uses.') };
    }
    const id = typeof value.id === 'string' ? value.id : undefined;
    let token: string | undefined;
    try {
      token = (await limited(this.client(context).exchangeToken(context.activity.from.id, connectionName, context.activity.channelId, { token: value.token }), 'a token exchange'))?.token;
    } catch (error) {
      // Consent missing, a token for another resource, the token service down: Teams falls back to the sign-in button.
      this.options.log.info({ err: error, connectionName }, 'Teams SSO token not exchanged');
    }
    if (!token) {
      const body: TokenExchangeAnswer = { id, connectionName, failureDetail: 'The bot is unable to exchange token. Proceed with regular login.' };
      return { response: { status: StatusCodes.PRECONDITION_FAILED, body } };
    }
    const body: TokenExchangeAnswer = { id, connectionName };
    const once = this.options.once;
    if (once && id) {
      // Exchanged first and claimed second, as the SDK's middleware does: every client that could not exchange hears so.
      const key = `token-exchange\u0000${context.activity.from.id}\u0000${id}`;
      const claim = await once.claim(key, EXCHANGE_TTL_MS);
      if (!claim.first) return { response: { status: StatusCodes.OK, body } };
      await once.settle(key, '', EXCHANGE_TTL_MS);
    }
    return { response: { status: StatusCodes.OK, body }, token };
  }

  /** Answers `signin/verifyState`: the magic code of a sign-in through the button redeemed for the user's token. */
  async verifyState(context: TurnContext): Promise<SignInInvokeResult> {
    const state = (context.activity.value as { state?: unknown } | undefined)?.state;
    if (typeof state !== 'string' || !state) return { response: refusal('A signin/verifyState invoke needs a "value" with the "state" code.') };
    try {
      const token = (await limited(this.client(context).getUserToken(context.activity.from.id, this.options.connectionName, context.activity.channelId, state), 'a sign-in code'))?.token;
      return token ? { response: { status: StatusCodes.OK }, token } : { response: { status: StatusCodes.NOT_FOUND } };
    } catch (error) {
      this.options.log.warn({ err: error }, 'sign-in code not redeemed: token service unavailable');
      return { response: { status: 503 } };
    }
  }

  private async proofOf(turn: Turn, given: string | undefined): Promise<RoleProof> {
    const { context } = turn;
    let token = given;
    if (!token) {
      try {
        token = (await limited(this.client(context).getUserToken(context.activity.from.id, this.options.connectionName, context.activity.channelId, ''), 'the user token'))?.token;
      } catch (error) {
        this.options.log.warn({ err: error }, 'Teams user token not read: token service unavailable');
        return { state: 'refused', problem: 'unavailable' };
      }
    }
    if (!token) return { state: 'signInNeeded' };
    const actor = turn.actor!;
    try {
      const { globalAdmin } = await this.options.check(token, { tenantId: actor.tenantId!, userId: actor.userId });
      return globalAdmin === undefined ? { state: 'refused', problem: 'noRoles' } : { state: 'proven', globalAdmin };
    } catch (error) {
      const problem = problemOf(error);
      this.options.log.info({ userId: actor.userId, reason: error instanceof TokenRefused ? error.reason : problem }, 'Teams user token refused');
      return { state: 'refused', problem };
    }
  }

  private client(context: TurnContext): UserTokenClient {
    // CloudAdapter keeps each turn's client under its own key; other adapters have none.
    const key = (context.adapter as { UserTokenClientKey?: symbol }).UserTokenClientKey;
    const client = key ? context.turnState.get<UserTokenClient | undefined>(key) : undefined;
    if (!client) throw new Error('The adapter gave this turn no user token client');
    return client;
  }
}

/** The user-facing problem a refusal stands for; anything that is not about the token is rethrown. */
function problemOf(error: unknown): TokenProblem {
  if (error instanceof KeysUnavailable) return 'unavailable';
  if (!(error instanceof TokenRefused)) throw error;
  switch (error.reason) {
    case 'another tenant':
      return 'otherTenant';
    case 'another user':
      return 'otherUser';
    case 'expired':
      return 'expired';
    case 'wrong "aud"':
    case 'no SSO client id configured':
      return 'audience';
    default:
      return 'invalid';
  }
}

/** A token service call with its time limit. */
function limited<T>(call: Promise<T>, what: string): Promise<T> {
  return withConnectorDeadline(call, TOKEN_SERVICE_TIMEOUT_MS, `${what} from the token service`);
}

/** A 400 for a sign-in invoke Teams would never send this way. */
function refusal(message: string): InvokeResponse {
  return { status: StatusCodes.BAD_REQUEST, body: { code: 'BadRequest', message } };
}
