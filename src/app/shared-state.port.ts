/**
 * What several instances on one store share besides records: the built-in Direct Line's
 * conversations, the messages that reach a stream held by another instance, and rate limits.
 * Redis implements them for several instances; memory and SQLite for one.
 */

/** A Direct Line conversation as stored: whose it is. */
export interface StoredConversation {
  readonly userId: string;
  readonly userName: string;
}

/** An activity with its watermark: the count of activities recorded before it in its conversation, plus one. */
export interface LoggedActivity {
  /** The activity as JSON, without an `id` unless `keepId` was given (its id derives from the watermark). */
  readonly json: string;
  readonly watermark: number;
}

/**
 * Direct Line conversations and their watermarked activities, kept for a while after their last
 * activity (a TTL), readable by every instance on the same store.
 */
export interface ConversationLog {
  /** Creates the conversation unless it exists; true when it was created now. */
  start(conversationId: string, conversation: StoredConversation): Promise<boolean>;
  /** The conversation, unless unknown or expired. */
  find(conversationId: string): Promise<StoredConversation | undefined>;
  /** Records one activity (JSON) after every earlier one; resolves with its watermark. */
  append(conversationId: string, json: string): Promise<number>;
  /** The activities with a watermark above `after`, oldest first (the oldest may have been dropped to bound the log). */
  after(conversationId: string, after: number): Promise<LoggedActivity[]>;
  /** The activity id recorded for a client's own activity id (Web Chat retries a post with the same one). */
  clientActivity(conversationId: string, clientActivityId: string): Promise<string | undefined>;
  /** Records the activity id given to a client's activity id. */
  rememberClientActivity(conversationId: string, clientActivityId: string, activityId: string): Promise<void>;
}

/** Messages to whoever listens on a topic, in this process or in any instance on the same store. */
export interface Broadcast {
  publish(topic: string, message: string): Promise<void>;
  /** Calls `handler` with each message on `topic` until the returned function is called. */
  listen(topic: string, handler: (message: string) => void): Promise<() => Promise<void>>;
}

/** What a rate limit answered: go ahead, or wait this long. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** A limit on requests per key (a client address) shared by every instance on the same store. */
export interface RateLimit {
  consume(key: string): Promise<RateDecision>;
}

/** Builds rate limits by name; each has `burst` requests per window of burst / perSecond seconds. */
export type RateLimits = (name: string, rate: { readonly perSecond: number; readonly burst: number }) => RateLimit;

/** A value kept until an expiry (epoch ms), or for good. */
export interface ExpiringValue {
  readonly value: string;
  readonly expiresAt?: number;
}

/**
 * Values that expire, shared by every instance on the same store: the embedded demo OpenID
 * provider's sessions, interactions and codes, and its keys.
 */
export interface ExpiringValues {
  get(key: string): Promise<ExpiringValue | undefined>;
  /** Writes the value whatever was there; `expiresAt` undefined keeps it for good. */
  set(key: string, value: string, expiresAt?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Writes the value unless one is there (and not expired); resolves with the value kept, this one or the earlier one. */
  setIfAbsent(key: string, value: string): Promise<string>;
}
