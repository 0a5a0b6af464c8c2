import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { SignedLinks } from '../../app/signed-links.port.js';
import type { WebUser } from '../../bot/identity.js';
import type { Broadcast, ConversationLog, LoggedActivity } from '../../app/shared-state.port.js';
import type { Logger } from '../../log.js';

/** An activity as Direct Line carries it. */
export type DlActivity = Record<string, unknown> & { id?: string; type?: string };

/** Who a Direct Line token belongs to: one conversation, one server-bound user (and their proven tenant, when there is one). */
export interface DlIdentity {
  readonly conversationId: string;
  readonly userId: string;
  readonly userName: string;
  /** The page's language, for the welcome sent when the conversation starts. */
  readonly locale?: string;
  /** Proven by the server when it issued the token: the user's Entra tenant and directory role. */
  readonly tenantId?: string;
  readonly globalAdmin?: boolean;
  readonly proof: WebUser['proof'];
}

/** How long a Direct Line token works, like Azure's (30 minutes). */
export const DL_TOKEN_SECONDS = 1800;
const KIND = 'directline';

/** What the stream of a conversation pushes: new activities and the watermark after them. */
interface StreamMessage {
  readonly activities: DlActivity[];
  readonly watermark: string;
}

/**
 * The assistant's own Direct Line 3.0 channel: conversations and their watermarked activities in
 * the store (every instance on it sees them; they expire a day after the last activity), and
 * WebSocket streams held here, fed through the broadcast so that an activity recorded by any
 * instance reaches the stream wherever it is held. The user id comes from the token, never from
 * the client's activity.
 */
export class DirectLineChannel {
  /** The streams this instance holds, and how to stop listening for each. */
  private readonly streams = new Map<WebSocket, () => Promise<void>>();

  constructor(
    private readonly links: SignedLinks,
    private readonly now: () => Date,
    private readonly log: ConversationLog,
    private readonly broadcast: Broadcast,
    private readonly logger?: Logger,
  ) {}

  /** A token for a new conversation of a server-identified user. */
  async issue(user: WebUser, locale?: string): Promise<{ conversationId: string; token: string; expires_in: number }> {
    const conversationId = `dl-${randomUUID()}`;
    const identity: DlIdentity = {
      conversationId,
      userId: user.userId,
      userName: user.name,
      proof: user.proof,
      ...(locale ? { locale } : {}),
      ...(user.tenantId ? { tenantId: user.tenantId } : {}),
      ...(user.globalAdmin !== undefined ? { globalAdmin: user.globalAdmin } : {}),
    };
    return { conversationId, token: await this.sign(identity), expires_in: DL_TOKEN_SECONDS };
  }

  /** The proven user a token's identity stands for, as the bot sees it. */
  static webUser(identity: DlIdentity): WebUser {
    return {
      userId: identity.userId,
      name: identity.userName,
      proof: identity.proof,
      ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
      ...(identity.globalAdmin !== undefined ? { globalAdmin: identity.globalAdmin } : {}),
    };
  }

  /** A fresh token for the same conversation and user. */
  async refresh(identity: DlIdentity): Promise<{ conversationId: string; token: string; expires_in: number }> {
    return { conversationId: identity.conversationId, token: await this.sign(identity), expires_in: DL_TOKEN_SECONDS };
  }

  /** The identity behind a `Bearer` header or a stream's `t` parameter; why not, otherwise. */
  async identify(token: string | undefined): Promise<DlIdentity | 'expired' | undefined> {
    if (!token) return undefined;
    const verified = await this.links.verify(token, KIND, this.now());
    if (!verified.ok) return verified.reason === 'expired' ? 'expired' : undefined;
    const subject = JSON.parse(verified.claims.subject) as Omit<DlIdentity, 'conversationId'>;
    return { ...subject, conversationId: verified.claims.id };
  }

  /** Starts the token's conversation (once); true when it was created now. */
  start(identity: DlIdentity): Promise<boolean> {
    return this.log.start(identity.conversationId, { userId: identity.userId, userName: identity.userName });
  }

  /** Whether a conversation exists (and has not expired). */
  async has(conversationId: string): Promise<boolean> {
    return (await this.log.find(conversationId)) !== undefined;
  }

  /**
   * Records an activity (the user's or the bot's), gives it an id and a timestamp, and pushes it
   * to the conversation's streams on every instance.
   */
  async append(conversationId: string, activity: DlActivity, keepId = false): Promise<DlActivity> {
    // The Bot Connector address is the server's business, not the browser's; the id is the channel's.
    const { serviceUrl: _serviceUrl, id, ...visible } = activity;
    const recorded: DlActivity = {
      ...visible,
      // An update keeps the id of the activity it replaces; Web Chat shows the newer one in its place.
      ...(keepId && id ? { id } : {}),
      timestamp: new Date().toISOString(),
      conversation: { id: conversationId },
    };
    const watermark = await this.log.append(conversationId, JSON.stringify(recorded));
    const stored = withId(conversationId, recorded, watermark);
    const message: StreamMessage = { activities: [stored], watermark: String(watermark) };
    // Recorded either way: a stream that missed the push gets it when the client reconnects with its watermark.
    await this.broadcast.publish(topic(conversationId), JSON.stringify(message)).catch((error: unknown) => this.logger?.warn({ err: error, conversationId }, 'Direct Line push failed'));
    return stored;
  }

  /** Activities after a watermark, and the new watermark. */
  async activities(conversationId: string, watermark: number): Promise<{ activities: DlActivity[]; watermark: string }> {
    const logged = await this.log.after(conversationId, watermark);
    return { activities: logged.map((entry) => materialize(conversationId, entry)), watermark: String(logged.at(-1)?.watermark ?? watermark) };
  }

  /** The activity id given to a client's own activity id before (a retried post), if any. */
  clientActivity(conversationId: string, clientActivityId: string): Promise<string | undefined> {
    return this.log.clientActivity(conversationId, clientActivityId);
  }

  /** Records the activity id given to a client's own activity id. */
  rememberClientActivity(conversationId: string, clientActivityId: string, activityId: string): Promise<void> {
    return this.log.rememberClientActivity(conversationId, clientActivityId, activityId);
  }

  /**
   * Subscribes a WebSocket: listens first, then sends what it missed since its watermark, then
   * what arrives after that (pushes that the catch-up already carried are not sent twice).
   */
  async subscribe(conversationId: string, socket: WebSocket, watermark: number): Promise<void> {
    if (!(await this.has(conversationId))) {
      socket.close(4004, 'unknown conversation');
      return;
    }
    // The watermark the catch-up reached; until then, pushes wait in `early`.
    const stream: { caughtUp?: number } = {};
    const early: StreamMessage[] = [];
    const send = (message: StreamMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const stop = await this.broadcast.listen(topic(conversationId), (raw) => {
      const message = parseMessage(raw);
      if (!message) return;
      if (stream.caughtUp === undefined) early.push(message);
      else if (Number(message.watermark) > stream.caughtUp) send(message);
    });
    this.streams.set(socket, stop);
    socket.on('close', () => {
      this.streams.delete(socket);
      stop().catch((error: unknown) => this.logger?.debug({ err: error, conversationId }, 'Direct Line stream unsubscribe failed'));
    });
    if (socket.readyState !== socket.OPEN) {
      this.streams.delete(socket);
      await stop();
      return;
    }
    const missed = await this.activities(conversationId, watermark);
    if (missed.activities.length) send(missed);
    const caughtUp = (stream.caughtUp = Number(missed.watermark));
    for (const message of early) if (Number(message.watermark) > caughtUp) send(message);
  }

  /** Closes every stream this instance holds (at shutdown). */
  closeAll(): void {
    for (const socket of [...this.streams.keys()]) socket.close(1001, 'server stopping');
  }

  private sign(identity: DlIdentity): Promise<string> {
    return this.links.sign({
      id: identity.conversationId,
      kind: KIND,
      subject: JSON.stringify({ ...identity, conversationId: undefined }),
      exp: Math.floor(this.now().getTime() / 1000) + DL_TOKEN_SECONDS,
    });
  }
}

/** A pushed message as this channel publishes it; anything else on the topic is ignored. */
function parseMessage(raw: string): StreamMessage | undefined {
  try {
    const message = JSON.parse(raw) as StreamMessage;
    return Array.isArray(message?.activities) && typeof message.watermark === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function topic(conversationId: string): string {
  return `dl:${conversationId}`;
}

/** A logged activity as clients see it: its id derives from its watermark unless it kept its own. */
function materialize(conversationId: string, entry: LoggedActivity): DlActivity {
  return withId(conversationId, JSON.parse(entry.json) as DlActivity, entry.watermark);
}

function withId(conversationId: string, activity: DlActivity, watermark: number): DlActivity {
  return activity.id ? activity : { id: `${conversationId}|${String(watermark - 1).padStart(7, '0')}`, ...activity };
}
