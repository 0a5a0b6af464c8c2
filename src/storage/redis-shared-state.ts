import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Broadcast, ConversationLog, LoggedActivity, RateLimits, StoredConversation } from '../app/shared-state.port.js';
import { createRedisClient, type Client } from './redis-backend.js';
import { consume, CONVERSATION_TTL_MS, KEEP_ACTIVITIES, parseConversation, windowSeconds, type SharedState } from './shared-state.js';

/**
 * Appends one activity in one step (Redis runs a script to completion before any other command),
 * so watermarks have no gaps and readers never see a later activity before an earlier one.
 * KEYS: meta, counter, log, client ids. ARGV: activity JSON, TTL ms, activities kept.
 * Returns the watermark, or 0 when the conversation is unknown or expired.
 */
const APPEND_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[3], n, n .. '|' .. ARGV[1])
local keep = tonumber(ARGV[3])
if n > keep then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', n - keep) end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return n`;

/** A Redis command that does not answer within this time fails (a stalled server, a lost network). */
const COMMAND_TIMEOUT_MS = 5000;

/**
 * Direct Line conversations in Redis: keys expire CONVERSATION_TTL_MS after the last activity.
 * The hash tag `{id}` keeps a conversation's keys in one slot (Redis Cluster runs the script).
 */
class RedisConversationLog implements ConversationLog {
  constructor(private readonly client: Client) {}

  async start(conversationId: string, conversation: StoredConversation): Promise<boolean> {
    const set = await timed(this.client.set(this.keys(conversationId)[0], JSON.stringify(conversation), { NX: true, PX: CONVERSATION_TTL_MS }), 'SET');
    return set === 'OK';
  }

  async find(conversationId: string): Promise<StoredConversation | undefined> {
    return parseConversation(await timed(this.client.get(this.keys(conversationId)[0]), 'GET'));
  }

  async append(conversationId: string, json: string): Promise<number> {
    const watermark = Number(
      await timed(this.client.eval(APPEND_SCRIPT, { keys: this.keys(conversationId), arguments: [json, String(CONVERSATION_TTL_MS), String(KEEP_ACTIVITIES)] }), 'EVAL'),
    );
    if (!watermark) throw new Error(`Unknown Direct Line conversation ${conversationId}`);
    return watermark;
  }

  async after(conversationId: string, after: number): Promise<LoggedActivity[]> {
    const members = await timed(this.client.zRangeByScore(this.keys(conversationId)[2], `(${after}`, '+inf'), 'ZRANGEBYSCORE');
    return members.map((member) => {
      const bar = member.indexOf('|');
      return { watermark: Number(member.slice(0, bar)), json: member.slice(bar + 1) };
    });
  }

  async clientActivity(conversationId: string, clientActivityId: string): Promise<string | undefined> {
    return (await timed(this.client.hGet(this.keys(conversationId)[3], clientActivityId), 'HGET')) ?? undefined;
  }

  async rememberClientActivity(conversationId: string, clientActivityId: string, activityId: string): Promise<void> {
    const key = this.keys(conversationId)[3];
    await timed(this.client.multi().hSet(key, clientActivityId, activityId).pExpire(key, CONVERSATION_TTL_MS).exec(), 'HSET');
  }

  /** meta, counter, log, client ids. */
  private keys(conversationId: string): [string, string, string, string] {
    const base = `csp:dl:{${conversationId}}`;
    return [`${base}:meta`, `${base}:n`, `${base}:log`, `${base}:client`];
  }
}

/** Redis pub/sub: publishes on the command connection, listens on a connection of its own (a subscribed connection runs no other command). */
class RedisBroadcast implements Broadcast {
  constructor(
    private readonly client: Client,
    private readonly subscriber: Client,
  ) {}

  async publish(topic: string, message: string): Promise<void> {
    await timed(this.client.publish(channel(topic), message), 'PUBLISH');
  }

  async listen(topic: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    const listener = (message: string) => handler(message);
    await timed(this.subscriber.subscribe(channel(topic), listener), 'SUBSCRIBE');
    return async () => {
      if (this.subscriber.isOpen) await timed(this.subscriber.unsubscribe(channel(topic), listener), 'UNSUBSCRIBE');
    };
  }
}

/**
 * What several instances on one Redis share besides records: Direct Line conversations, pub/sub
 * and rate limits. Two connections of its own (node-redis, the client @keyv/redis ships): one
 * for commands, one subscribed.
 */
export async function connectRedisSharedState(url: string): Promise<SharedState> {
  const client = createRedisClient(url, 5);
  // Connection trouble arrives as events (an unhandled 'error' event would end the process); commands fail on their own meanwhile.
  client.on('error', () => undefined);
  await client.connect();
  const subscriber = client.duplicate();
  subscriber.on('error', () => undefined);
  try {
    await subscriber.connect();
  } catch (error) {
    client.destroy();
    throw error;
  }
  const rateLimits: RateLimits = (name, rate) => {
    const options = { keyPrefix: `csp:rl:${name}`, points: rate.burst, duration: windowSeconds(rate) };
    // While Redis is unreachable, each instance limits on its own rather than letting every request through or refusing all.
    const limiter = new RateLimiterRedis({ ...options, storeClient: client, useRedisPackage: true, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
    return { consume: (key) => consume(limiter, key) };
  };
  return {
    conversations: new RedisConversationLog(client),
    broadcast: new RedisBroadcast(client, subscriber),
    rateLimits,
    close: async () => {
      for (const connection of [subscriber, client]) if (connection.isOpen) connection.destroy();
    },
  };
}

function channel(topic: string): string {
  return `csp:bc:${topic}`;
}

/** node-redis times a command out only until it is written: a server that stops answering would leave the caller waiting forever. */
function timed<T>(work: Promise<T>, command: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer ${command} within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
