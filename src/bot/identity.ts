import type { TurnContext } from 'botbuilder';
import { displayName as bounded, type Actor } from '../domain/actor.js';

/** A web chat user as the server proved them (OpenID sign-in or the portal's signed token). */
export interface WebUser {
  readonly userId: string;
  readonly name: string;
  readonly tenantId?: string;
  readonly globalAdmin?: boolean;
  readonly proof: 'openid' | 'portal';
}

/** Where the built-in Direct Line puts the proven user of an activity it hands to the bot (in process, unforgeable). */
export const WEB_USER_KEY = Symbol('csp.webUser');

/** Finds the web user bound to a Direct Line user id issued through the Azure token exchange. */
export type WebUserLookup = (directLineUserId: string) => Promise<WebUser | undefined>;

/**
 * Who is behind an activity, from the only sources the server trusts: the proven web user the
 * built-in Direct Line attached to the turn; Teams' `aadObjectId` and `conversation.tenantId` on a
 * `msteams` activity (the Bot Framework token vouches for the channel, or the server runs in local
 * development on loopback); or, for Azure Direct Line on an authenticated bot, the binding the
 * token endpoint recorded for the user id it issued. `channelData`, `from.id` on other channels and
 * anything typed prove nothing: such a caller is anonymous.
 */
export class IdentityResolver {
  constructor(
    private readonly options: {
      /** Azure Direct Line bindings; only consulted when the bot is authenticated (an app id is set). */
      readonly azureWebUsers?: WebUserLookup;
    } = {},
  ) {}

  /** The proven actor of a turn, or undefined for an anonymous caller. */
  async actorOf(context: TurnContext): Promise<Actor | undefined> {
    const web = context.turnState.get<WebUser | undefined>(WEB_USER_KEY);
    if (web) return fromWebUser(web);
    const { channelId, from, conversation } = context.activity;
    if (channelId === 'msteams') {
      const userId = typeof from?.aadObjectId === 'string' ? from.aadObjectId.trim() : '';
      const tenantId = typeof conversation?.tenantId === 'string' ? conversation.tenantId.trim().toLowerCase() : '';
      if (!userId) return undefined;
      return { userId, name: displayName(from?.name, userId), proof: 'teams', ...(tenantId ? { tenantId } : {}) };
    }
    if ((channelId === 'directline' || channelId === 'webchat') && this.options.azureWebUsers && typeof from?.id === 'string') {
      const bound = await this.options.azureWebUsers(from.id);
      if (bound) return fromWebUser(bound);
    }
    return undefined;
  }
}

function fromWebUser(user: WebUser): Actor {
  return {
    userId: user.userId,
    name: displayName(user.name, user.userId),
    proof: user.proof,
    ...(user.tenantId ? { tenantId: user.tenantId.toLowerCase() } : {}),
    ...(user.globalAdmin !== undefined ? { globalAdmin: user.globalAdmin } : {}),
  };
}

/** A display name as shown to others: without control characters, bounded (the domain's rule), or the id when there is none. */
function displayName(raw: unknown, fallback: string): string {
  const name = typeof raw === 'string' ? raw.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim() : '';
  return bounded(name || fallback);
}
