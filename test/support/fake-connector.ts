import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { checkCards } from './chat.js';

/** An activity the bot sent to the connector: a new message, a reply or an update. */
export interface Received {
  readonly method: 'POST' | 'PUT';
  readonly conversationId: string;
  readonly activityId: string;
  readonly activity: Record<string, any>;
}

/**
 * A stand-in for the Bot Connector service: records what the bot sends proactively and
 * can answer 429 a few times to exercise retries.
 */
export class FakeConnector {
  readonly received: Received[] = [];
  /** How many of the next requests answer 429 Too Many Requests. */
  throttleNext = 0;
  private server?: Server;
  private port = 0;

  get serviceUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (!match || (req.method !== 'POST' && req.method !== 'PUT')) {
          res.writeHead(404);
          res.end();
          return;
        }
        if (this.throttleNext > 0) {
          this.throttleNext--;
          res.writeHead(429, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'Throttled' } }));
          return;
        }
        const conversationId = decodeURIComponent(match[1]);
        const activityId = req.method === 'PUT' ? decodeURIComponent(match[2]) : `act-${randomUUID()}`;
        // Proactive cards are held to the same bar as the cards in replies.
        checkCards([JSON.parse(body || '{}')]);
        this.received.push({ method: req.method, conversationId, activityId, activity: JSON.parse(body || '{}') });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: activityId }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The cards sent to a conversation, newest last. */
  cardsTo(conversationId: string): Record<string, any>[] {
    return this.received
      .filter((r) => r.conversationId === conversationId)
      .flatMap((r) => (r.activity.attachments ?? []).map((a: any) => a.content));
  }

  /** Waits until something matching arrives (proactive sends happen after the turn answered). */
  async waitFor(predicate: (r: Received) => boolean, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('the connector received nothing matching in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
