import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { SignedLinks } from '../../app/signed-links.port.js';
import type { WebUser } from '../../bot/identity.js';

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

interface Conversation {
  readonly id: string;
  readonly userId: string;
  readonly userName: string;
  readonly activities: DlActivity[];
  /** Watermark of activities[0]: older ones were dropped to bound memory. */
  firstWatermark: number;
  readonly sockets: Set<WebSocket>;
}

/** How long a Direct Line token works, like Azure's (30 minutes). */
export const DL_TOKEN_SECONDS = 1800;
const KEEP_ACTIVITIES = 1000;
const KIND = 'directline';

/**
 * The assistant's own Direct Line 3.0 channel for local use: conversations, watermarked
 * activity logs and WebSocket subscribers, kept in memory (a restart starts new conversations).
 * The user id comes from the token, never from the client's activity.
 */
export class DirectLineChannel {
  private readonly conversations = new Map<string, Conversation>();

  constructor(
    private readonly links: SignedLinks,
    private readonly now: () => Date,
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
  start(identity: DlIdentity): boolean {
    if (this.conversations.has(identity.conversationId)) return false;
    this.conversations.set(identity.conversationId, {
      id: identity.conversationId,
      userId: identity.userId,
      userName: identity.userName,
      activities: [],
      firstWatermark: 0,
      sockets: new Set(),
    });
    return true;
  }

  /** Whether a conversation exists. */
  has(conversationId: string): boolean {
    return this.conversations.has(conversationId);
  }

  /** Records an activity (the user's or the bot's), gives it an id and a timestamp, and pushes it to the stream. */
  append(conversationId: string, activity: DlActivity, keepId = false): DlActivity {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new Error(`Unknown Direct Line conversation ${conversationId}`);
    const watermark = conversation.firstWatermark + conversation.activities.length;
    // The Bot Connector address is the server's business, not the browser's.
    const { serviceUrl: _serviceUrl, ...visible } = activity;
    const stored: DlActivity = {
      ...visible,
      // An update keeps the id of the activity it replaces; Web Chat shows the newer one in its place.
      id: keepId && activity.id ? activity.id : `${conversationId}|${String(watermark).padStart(7, '0')}`,
      timestamp: new Date().toISOString(),
      conversation: { id: conversationId },
    };
    conversation.activities.push(stored);
    if (conversation.activities.length > KEEP_ACTIVITIES) {
      conversation.activities.shift();
      conversation.firstWatermark++;
    }
    const message = JSON.stringify({ activities: [stored], watermark: String(watermark + 1) });
    for (const socket of conversation.sockets) if (socket.readyState === socket.OPEN) socket.send(message);
    return stored;
  }

  /** Activities after a watermark, and the new watermark. */
  activities(conversationId: string, watermark: number): { activities: DlActivity[]; watermark: string } {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return { activities: [], watermark: '0' };
    const from = Math.max(0, watermark - conversation.firstWatermark);
    return { activities: conversation.activities.slice(from), watermark: String(conversation.firstWatermark + conversation.activities.length) };
  }

  /** Subscribes a WebSocket, first sending what it missed since its watermark. */
  subscribe(conversationId: string, socket: WebSocket, watermark: number): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) {
      socket.close(4004, 'unknown conversation');
      return;
    }
    const missed = this.activities(conversationId, watermark);
    if (missed.activities.length) socket.send(JSON.stringify(missed));
    conversation.sockets.add(socket);
    socket.on('close', () => conversation.sockets.delete(socket));
  }

  /** Closes every stream (at shutdown). */
  closeAll(): void {
    for (const conversation of this.conversations.values()) for (const socket of conversation.sockets) socket.close(1001, 'server stopping');
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
