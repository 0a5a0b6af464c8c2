import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity, CloudAdapter } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { createRequire } from 'node:module';
import type * as Ws from 'ws';
import type { Logger } from '../../log.js';
import { activityFieldProblem, dropNulls, sendError } from '../server.js';
import { DirectLineChannel, type DlActivity, type DlIdentity } from './channel.js';
import { WEB_USER_KEY } from '../../bot/identity.js';

/** ws (CommonJS; botbuilder has already loaded it) through require: its ES wrapper imports each of its files, which Node scans for export names. */
const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof Ws;

/** What the built-in Direct Line needs from the rest of the assistant. */
export interface DirectLineDeps {
  readonly channel: DirectLineChannel;
  readonly adapter: CloudAdapter;
  readonly run: (context: Parameters<Parameters<CloudAdapter['processActivityDirect']>[2]>[0]) => Promise<void>;
  readonly log: Logger;
  /** The server's own address, where the bot's replies come back (loopback). */
  readonly internalBaseUrl: () => string;
  /** The address browsers reach, for stream URLs. */
  readonly publicBaseUrl: string;
  readonly botId: string;
  readonly botName: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Where the bot's replies to the built-in Direct Line go, under an instance's loopback address. */
export const CONNECTOR_PATH = '/directline-connector/';

/**
 * The connector address to use for a built-in Direct Line conversation: whichever instance's
 * loopback connector a conversation's reference names (the instance that served its last turn,
 * possibly stopped since), this instance's own serves it just as well, since the conversation is in
 * the shared store. Any other address is returned as it is.
 */
export function ownConnector(serviceUrl: string, ownBaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return serviceUrl;
  }
  const loopback = url.protocol === 'http:' && (LOOPBACK.test(url.hostname) || url.hostname === '[::1]');
  return loopback && url.pathname === CONNECTOR_PATH && !url.search && !url.username ? `${ownBaseUrl}${CONNECTOR_PATH}` : serviceUrl;
}

/** What a stream URL asks for, or why it cannot be served. */
function streamTarget(raw: string | undefined): { conversationId: string; token?: string; watermark: number } | 'notFound' | 'badRequest' {
  let url: URL;
  try {
    url = new URL(raw ?? '/', 'http://localhost');
  } catch {
    return 'badRequest';
  }
  const match = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/.exec(url.pathname);
  if (!match) return 'notFound';
  let conversationId: string;
  try {
    conversationId = decodeURIComponent(match[1]);
  } catch {
    return 'badRequest';
  }
  const watermark = Number(url.searchParams.get('watermark') ?? 0);
  return { conversationId, token: url.searchParams.get('t') ?? undefined, watermark: Number.isSafeInteger(watermark) && watermark > 0 ? watermark : 0 };
}

/** The id a client gave its activity to recognize it again, when it gave one (of at most 100 characters, as kept in its channelData). */
function clientActivityId(activity: DlActivity): string | undefined {
  const channelData = activity.channelData as { clientActivityID?: unknown } | undefined;
  const id = channelData && typeof channelData === 'object' ? channelData.clientActivityID : undefined;
  return typeof id === 'string' && id !== '' && id.length <= 100 ? id : undefined;
}

/** Answers an upgrade request with a plain HTTP refusal and closes the socket. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

/**
 * Direct Line 3.0 under /v3/directline (conversations, activities with watermarks, the
 * WebSocket stream, token refresh and generate) and the Bot Connector endpoints the bot
 * answers to under /directline-connector/v3 (reachable from loopback only).
 */
export function directLineRoutes(deps: DirectLineDeps) {
  return (server: Server): void => {
    const { channel } = deps;
    const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

    const identify = async (req: Request, res: Response, conversationId?: string): Promise<DlIdentity | undefined> => {
      const header = String(req.header('authorization') ?? '');
      const identity = await channel.identify(header.startsWith('Bearer ') ? header.slice(7) : undefined);
      if (identity === 'expired') {
        sendError(res, 403, 'TokenExpired', 'The Direct Line token has expired; refresh it or get a new one.');
        return undefined;
      }
      if (!identity) {
        sendError(res, 403, 'BadArgument', 'A valid Direct Line token is required (Authorization: Bearer <token>).');
        return undefined;
      }
      if (conversationId !== undefined && identity.conversationId !== conversationId) {
        sendError(res, 403, 'BadArgument', 'This token is for another conversation.');
        return undefined;
      }
      return identity;
    };

    const streamUrl = (identity: DlIdentity, token: string, watermark?: string) =>
      `${deps.publicBaseUrl.replace(/^http/, 'ws')}/v3/directline/conversations/${encodeURIComponent(identity.conversationId)}/stream?t=${encodeURIComponent(token)}${watermark ? `&watermark=${encodeURIComponent(watermark)}` : ''}`;

    server.post('/v3/directline/tokens/refresh', async (req: Request, res: Response) => {
      const identity = await identify(req, res);
      if (identity) res.json(await channel.refresh(identity));
    });

    server.post('/v3/directline/tokens/generate', async (req: Request, res: Response) => {
      const identity = await identify(req, res);
      if (identity) res.json(await channel.issue(DirectLineChannel.webUser(identity)));
    });

    server.post('/v3/directline/conversations', async (req: Request, res: Response) => {
      const identity = await identify(req, res);
      if (!identity) return;
      const { token, expires_in } = await channel.refresh(identity);
      const created = await channel.start(identity);
      res.status(created ? 201 : 200);
      res.json({ conversationId: identity.conversationId, token, expires_in, streamUrl: streamUrl(identity, token) });
      if (created) {
        deliver({ type: 'conversationUpdate', membersAdded: [{ id: identity.userId, name: identity.userName }], ...(identity.locale ? { locale: identity.locale } : {}) }, identity).catch((error: unknown) =>
          deps.log.error({ err: error, conversationId: identity.conversationId }, 'Direct Line welcome failed'),
        );
      }
    });

    server.get('/v3/directline/conversations/:id', async (req: Request, res: Response) => {
      const identity = await identify(req, res, String(req.params.id));
      if (!identity) return;
      if (!(await channel.has(identity.conversationId))) return sendError(res, 404, 'BadArgument', 'Unknown conversation.');
      const { token, expires_in } = await channel.refresh(identity);
      res.json({ conversationId: identity.conversationId, token, expires_in, streamUrl: streamUrl(identity, token, String(req.query?.watermark ?? '')) });
    });

    server.get('/v3/directline/conversations/:id/activities', async (req: Request, res: Response) => {
      const identity = await identify(req, res, String(req.params.id));
      if (!identity) return;
      if (!(await channel.has(identity.conversationId))) return sendError(res, 404, 'BadArgument', 'Unknown conversation.');
      const watermark = Number(req.query?.watermark ?? 0);
      res.json(await channel.activities(identity.conversationId, Number.isSafeInteger(watermark) && watermark > 0 ? watermark : 0));
    });

    server.post('/v3/directline/conversations/:id/activities', async (req: Request, res: Response) => {
      const identity = await identify(req, res, String(req.params.id));
      if (!identity) return;
      if (!(await channel.has(identity.conversationId))) return sendError(res, 404, 'BadArgument', 'Unknown conversation.');
      const body = req.body as DlActivity | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.type !== 'string' || body.type.trim() === '') {
        return sendError(res, 400, 'BadArgument', 'The body must be an activity with a "type".');
      }
      // The sender, the conversation and the addresses come from the token and the server, not from the body.
      const problem = activityFieldProblem(body, ['id', 'from', 'recipient', 'conversation', 'serviceUrl', 'channelId']);
      if (problem) return sendError(res, 400, 'BadArgument', problem);
      dropNulls(body);
      // A client retrying a post (Web Chat does on a 502 or a timeout) gets the first delivery's id; the bot sees it once.
      const clientId = clientActivityId(body);
      const retried = clientId ? await channel.clientActivity(identity.conversationId, clientId) : undefined;
      if (retried) return res.json({ id: retried });
      const stored = await deliver(body, identity);
      if (clientId) await channel.rememberClientActivity(identity.conversationId, clientId, String(stored.id));
      res.json({ id: stored.id });
    });

    // The Bot Connector side: the bot's replies, proactive messages and card updates.
    const connector = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
      if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) return sendError(res, 403, 'Forbidden', 'The connector endpoints only answer the assistant itself.');
      await handler(req, res);
    };
    const fromBot = async (req: Request, res: Response, keepId: boolean) => {
      const conversationId = String(req.params.conversationId);
      if (!(await channel.has(conversationId))) return sendError(res, 404, 'ConversationNotFound', 'Unknown conversation.');
      const activity = { ...(req.body as DlActivity), ...(keepId ? { id: String(req.params.activityId) } : {}) };
      res.json({ id: (await channel.append(conversationId, activity, keepId)).id });
    };
    server.post('/directline-connector/v3/conversations/:conversationId/activities', connector((req, res) => fromBot(req, res, false)));
    server.post('/directline-connector/v3/conversations/:conversationId/activities/:activityId', connector((req, res) => fromBot(req, res, false)));
    server.put('/directline-connector/v3/conversations/:conversationId/activities/:activityId', connector((req, res) => fromBot(req, res, true)));

    server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void upgrade(req, socket, head).catch((error: unknown) => {
        deps.log.warn({ err: error }, 'Direct Line stream upgrade failed');
        refuseUpgrade(socket, 400, 'Bad Request');
      });
    });
    const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
      // Any path and query may arrive here: every refusal is an HTTP status, nothing throws.
      socket.on('error', (error: Error) => deps.log.debug({ err: error }, 'Direct Line stream socket failed'));
      const target = streamTarget(req.url);
      if (target === 'notFound') return refuseUpgrade(socket, 404, 'Not Found');
      if (target === 'badRequest') return refuseUpgrade(socket, 400, 'Bad Request');
      const identity = await channel.identify(target.token);
      if (!identity || identity === 'expired' || identity.conversationId !== target.conversationId) return refuseUpgrade(socket, 403, 'Forbidden');
      if (!(await channel.has(identity.conversationId))) return refuseUpgrade(socket, 404, 'Not Found');
      sockets.handleUpgrade(req, socket, head, (ws) => {
        // Clients only listen on the stream; what they send (too large, bad frames) ends their socket, never the process.
        ws.on('error', (error: Error) => deps.log.debug({ err: error, conversationId: identity.conversationId }, 'Direct Line stream closed on a client error'));
        channel.subscribe(identity.conversationId, ws, target.watermark).catch((error: unknown) => {
          // The store or the broadcast failed: the client reconnects with its watermark and misses nothing.
          deps.log.warn({ err: error, conversationId: identity.conversationId }, 'Direct Line stream could not subscribe');
          ws.close(1011, 'try again');
        });
      });
    };
    server.server.on('close', () => {
      channel.closeAll();
      sockets.close();
    });

    /**
     * Records the user's activity (its sender bound by the token) and hands it to the bot with the
     * proven user attached in process. Identity-bearing fields the client sent are dropped: its own
     * `from`, `conversation`, `recipient`, `serviceUrl`, `channelId`, and any `channelData` but
     * Web Chat's client activity id and timestamp.
     */
    async function deliver(activity: DlActivity, identity: DlIdentity): Promise<DlActivity> {
      const { id: _clientId, from: _from, conversation: _c, recipient: _r, serviceUrl: _s, channelId: _ch, channelData, ...rest } = activity;
      const stored = await channel.append(identity.conversationId, {
        ...rest,
        ...clientChannelData(channelData),
        from: { id: identity.userId, name: identity.userName, role: 'user' },
        recipient: { id: deps.botId, name: deps.botName, role: 'bot' },
      });
      const toBot = {
        ...stored,
        channelId: 'directline',
        serviceUrl: `${deps.internalBaseUrl()}${CONNECTOR_PATH}`,
        conversation: { id: identity.conversationId },
      } as unknown as Activity;
      // The client has its answer (the id) at once; the bot's replies arrive on the stream.
      const webUser = DirectLineChannel.webUser(identity);
      deps.adapter
        .processActivityDirect('', toBot, (context) => {
          context.turnState.set(WEB_USER_KEY, webUser);
          return deps.run(context);
        })
        .catch((error: unknown) => deps.log.error({ err: error, conversationId: identity.conversationId }, 'Direct Line turn failed'));
      return stored;
    }
  };
}

/** The only channelData a web chat client may send: Web Chat's own client activity id and timestamp. */
function clientChannelData(channelData: unknown): { channelData?: Record<string, string> } {
  if (!channelData || typeof channelData !== 'object') return {};
  const kept: Record<string, string> = {};
  for (const key of ['clientActivityID', 'clientTimestamp']) {
    const value = (channelData as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length <= 100) kept[key] = value;
  }
  return Object.keys(kept).length ? { channelData: kept } : {};
}
