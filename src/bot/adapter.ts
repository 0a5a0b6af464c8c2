import { createRequire } from 'node:module';
import type { Activity, TurnContext } from 'botbuilder';
import { CloudAdapter } from '../botbuilder.js';

/** botframework-connector as botbuilder loads it: its AuthenticationError is the one the SDK throws. */
const connector = createRequire(createRequire(import.meta.url).resolve('botbuilder'))('botframework-connector') as {
  AuthenticationError: new (...args: never[]) => Error;
};

/** What the adapter writes an answer to (restify's response). */
export interface TurnResponse {
  status(code: number): unknown;
  send(body?: unknown): unknown;
  /** The body as it goes on the wire, with its headers (restify's `sendRaw`). */
  sendRaw(code: number, body: Buffer, headers: Record<string, string>): unknown;
  end(): unknown;
}

/**
 * The SDK's CloudAdapter, with a way in for activities the HTTP layer has already checked.
 * `CloudAdapter.process` builds zod schemas on every request (a record of unknowns for the body,
 * a string for the Authorization header, the response and callback shapes) to check what the
 * HTTP layer checks before it (activityProblem: a JSON object with a type and well-formed fields);
 * `processChecked` takes the same steps without them.
 */
export class AssistantAdapter extends CloudAdapter {
  /** `log`: where a refused or failed request goes (the SDK prints it with console.error when there is none). */
  constructor(
    auth: ConstructorParameters<typeof CloudAdapter>[0],
    private readonly log?: { warn(details: object, message: string): void; error(details: object, message: string): void },
  ) {
    super(auth);
  }

  /**
   * What `CloudAdapter.process` does with a POSTed activity: its timestamps read as dates (the
   * SDK's validateAndFixActivity), the turn run with the Authorization header, then the invoke or
   * expectReplies answer written, or on a failure 401 (authentication) or 500 with the reason,
   * as the SDK writes them.
   */
  async processChecked(activity: Activity, authorization: string, res: TurnResponse, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    readTimestamps(activity as Activity & Record<string, unknown>);
    let status: number;
    let body: unknown;
    try {
      const answer = await this.processActivity(authorization, activity, logic);
      status = answer?.status ?? 200;
      body = answer?.body;
    } catch (error) {
      // The turn-error handler has already run and logged a turn's own failure; this is the request's.
      status = error instanceof connector.AuthenticationError ? 401 : 500;
      if (!this.log) console.error(error);
      else if (status === 401) this.log.warn({ reason: (error as Error).message }, 'activity refused: not authenticated');
      else this.log.error({ err: error }, 'activity failed');
      body = (error as Error | undefined)?.message ?? error;
    }
    if (body !== null && typeof body === 'object') {
      // An answer's activities (a card is several kilobytes) go out as the UTF-8 bytes of their
      // JSON, made once. Sent as text, Node would join the headers to it, flatten that (twice the
      // size when it holds one character beyond Latin-1) and encode it again, all on the heap
      // whose collections the turns in flight pay for; the bytes live outside it.
      const bytes = utf8(JSON.stringify(body));
      res.sendRaw(status, bytes, { 'Content-Type': 'application/json', 'Content-Length': String(bytes.length) });
      return;
    }
    res.status(status);
    if (body) res.send(body);
    res.end();
  }
}

/** Answers' bytes are cut from slabs of this size, each allocated once (as Node pools small buffers). */
const SLAB = 256 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB);
let used = 0;

/**
 * `text` as UTF-8 bytes in a slice of the current slab; a new slab when it is full. A slice is
 * never written again, and the slab lives until the last slice sent from it is let go.
 */
function utf8(text: string): Buffer {
  // A UTF-16 unit is at most three bytes: room for that much is room enough, without counting them first.
  const most = text.length * 3;
  if (most > SLAB / 4) return Buffer.from(text);
  if (used + most > SLAB) {
    slab = Buffer.allocUnsafeSlow(SLAB);
    used = 0;
  }
  const length = slab.write(text, used);
  const bytes = slab.subarray(used, used + length);
  // Eight-byte aligned, as Node aligns its pool.
  used = (used + length + 7) & ~7;
  return bytes;
}

/** The SDK's validateAndFixActivity: timestamps sent as strings become dates, the strings kept beside them. */
function readTimestamps(activity: Record<string, unknown>): void {
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
}
