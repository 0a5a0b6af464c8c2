import { createRequire } from 'node:module';
import type * as restify from 'restify';
import type { Request, Response, Server } from 'restify';
import type { Activity, ActivityHandler, CloudAdapter, TurnContext } from 'botbuilder';
import { withDeadline } from '../deadline.js';
import type { Logger } from '../log.js';
import type { StorageHealth } from '../app/ports.js';
import type { PartnerCenterHealth } from '../app/partner-center.port.js';
import { isLoopbackServiceUrl } from '../bot/service-url.js';
import { AssistantAdapter } from '../bot/adapter.js';
import { PassBatches } from '../pass-batches.js';

/**
 * The parts of restify the server uses, each loaded on its own: `import 'restify'` also loads
 * every one of its plugins (authorization with sshpk, multipart with formidable, audit, static
 * files, throttles…), 200 more modules that took 120 ms of wall time (240 ms of CPU) of every
 * start on this machine. The package's main module does no more than this with them
 * (restify/lib/index.js, `createServer`).
 */
const load = createRequire(import.meta.url);
const RestifyServer = load('restify/lib/server') as new (options: object) => Server;
const RestifyRouter = load('restify/lib/router') as new (options: object) => unknown;
const plugins = {
  queryParser: load('restify/lib/plugins/query') as typeof restify.plugins.queryParser,
  jsonBodyParser: load('restify/lib/plugins/jsonBodyParser') as typeof restify.plugins.jsonBodyParser,
  urlEncodedBodyParser: load('restify/lib/plugins/formBodyParser') as typeof restify.plugins.urlEncodedBodyParser,
};

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What the HTTP layer serves. */
export interface HttpDeps {
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly storage: StorageHealth;
  readonly log: Logger;
  /** With an app id: checks the Bot Framework token first (false: a 401 or 503 has been sent). */
  readonly botAuth?: (req: Request, res: Response) => Promise<boolean>;
  /** Extra routes of the journeys and channels (pages, Direct Line, the tab). */
  readonly routes?: readonly ((server: Server) => void)[];
  /** The bot's app id; without one the bot is unauthenticated and answers loopback service URLs only. */
  readonly appId?: string;
  /** Partner Center, a dependency /readyz reports as degraded (never down) when it does not answer. */
  readonly partnerCenter?: { health(): Promise<PartnerCenterHealth> };
}

/** Partner Center's health within 2.5 s; a probe that fails or hangs counts as degraded. */
async function partnerCenterHealth(pc: { health(): Promise<PartnerCenterHealth> }): Promise<PartnerCenterHealth | { status: 'degraded'; reason: string }> {
  try {
    return await withDeadline(pc.health(), 2500, () => new Error('Partner Center did not answer within 2.5 s'));
  } catch (error) {
    return { status: 'degraded', reason: (error as Error).message };
  }
}

/** Sends a JSON error in the shape restify uses for its own: `{ code, message }`. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status);
  res.json({ code, message });
}

/**
 * The restify server: the Bot Framework endpoint, health probes and the journeys' routes.
 * Counts requests in flight so a shutdown can let them finish.
 */
export function createHttpServer(deps: HttpDeps): { server: Server; inFlight: () => number } {
  const options = {
    name: 'csp-partner-assistant',
    handleUncaughtExceptions: false,
    // Passed to find-my-way: signed invitation tokens are longer than its default of 100.
    maxParamLength: 1024,
    log: deps.log.child({ component: 'restify' }),
  };
  const server = new RestifyServer({ ...options, router: new RestifyRouter(options) });
  let inFlight = 0;
  const debugging = deps.log.isLevelEnabled('debug');
  server.pre((req, res, next) => {
    inFlight++;
    // At the default level nothing is logged here: skip building the line too.
    if (debugging) deps.log.debug({ method: req.method, path: req.path() }, 'request started');
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        inFlight--;
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  });
  server.use(plugins.queryParser({ mapParams: false }));
  // JSON and urlencoded only: restify's multipart parser writes every upload to a temp file.
  server.use(refuseOtherBodies);
  // maxBodySize reaches the body reader both parsers include (restify's types leave it out).
  const limits = { maxBodySize: MAX_BODY_BYTES, mapParams: false };
  server.use(plugins.jsonBodyParser(limits));
  server.use(plugins.urlEncodedBodyParser(limits));

  const batches = new PassBatches();
  server.post('/api/messages', async (req: Request, res: Response) => {
    const problem = activityProblem(req, { authenticated: Boolean(deps.appId) });
    if (problem) {
      sendError(res, problem.status, problem.code, problem.message);
      return;
    }
    if (deps.botAuth && !(await deps.botAuth(req, res))) return;
    dropNulls(req.body as Record<string, unknown>);
    // Checked and authenticated: the turn starts with the others that arrived with it (pass-batches.ts),
    // and what they ask of the store goes out as soon as they have asked it.
    const started = batches.next();
    deps.storage.sendWithThisPass?.();
    await started;
    const logic = (context: TurnContext) => deps.bot.run(context);
    // The body was checked above: the assistant's adapter takes it without checking its shape again.
    if (deps.adapter instanceof AssistantAdapter) {
      const authorization = req.headers.authorization;
      await deps.adapter.processChecked(req.body as Activity, typeof authorization === 'string' ? authorization : '', res, logic);
    } else await deps.adapter.process(req, res, logic);
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    try {
      await withDeadline(deps.storage.ping(), 2000, () => new Error('the storage did not answer within 2 s'));
      // Without Partner Center the journeys still answer (they say it is out of reach): ready, with the dependency degraded.
      const partnerCenter = deps.partnerCenter ? await partnerCenterHealth(deps.partnerCenter) : undefined;
      res.json({ status: 'ready', storage: deps.storage.kind, ...(partnerCenter ? { dependencies: { storage: 'ok', partnerCenter } } : {}) });
    } catch (error) {
      deps.log.warn({ err: error }, 'readiness check failed');
      res.status(503);
      res.json({ status: 'unavailable', storage: deps.storage.kind, reason: (error as Error).message });
    }
  });

  for (const add of deps.routes ?? []) add(server);

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      deps.log.error({ err, path: req.path() }, 'request failed');
      // The log has the details; the client gets no internal message (restify would send "TypeError: …").
      if (!res.headersSent) sendError(res, status, 'Internal', 'The server could not handle this request; the failure was logged.');
    } else deps.log.info({ path: req.path(), status, reason: err.message }, 'request refused');
    callback();
  });

  return { server, inFlight: () => inFlight };
}

/** Bodies the server reads: JSON (and `+json` types) and urlencoded forms. */
const READABLE_BODY = /^(application\/json|application\/[a-z0-9.+-]+\+json|application\/x-www-form-urlencoded)$/;

/** Refuses a request whose body is of any other type (multipart above all) before anything reads it. */
function refuseOtherBodies(req: Request, res: Response, next: (error?: false) => void): void {
  const hasBody = req.isChunked() || Number(req.header('content-length') ?? 0) > 0;
  const type = String(req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (hasBody && !READABLE_BODY.test(type)) {
    sendError(res, 415, 'UnsupportedMediaType', 'Send the body as application/json or application/x-www-form-urlencoded.');
    next(false);
    return;
  }
  next();
}

/** A refusal of an activity: status, code and a short reason naming the field. */
export interface ActivityProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

type Check = (value: unknown) => string | undefined;

const MAX_ID = 1024;
const MAX_TEXT = 64 * 1024;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (max: number): Check => (v) => (typeof v !== 'string' ? 'must be a string' : v.length > max ? `must be at most ${max} characters` : undefined);
const account: Check = (v) => {
  if (!isObject(v)) return 'must be an object with an "id"';
  if (typeof v.id !== 'string' || v.id === '' || v.id.length > MAX_ID) return 'must have a non-empty string "id"';
  for (const key of ['name', 'aadObjectId', 'role', 'tenantId', 'conversationType'] as const) {
    if (v[key] !== undefined && v[key] !== null && typeof v[key] !== 'string') return `must have a string "${key}"`;
  }
  return undefined;
};
const listOf = (item: Check): Check => (v) => {
  if (!Array.isArray(v)) return 'must be an array';
  if (v.length > 100) return 'must have at most 100 items';
  for (const [i, entry] of v.entries()) {
    const problem = item(entry);
    if (problem) return `item ${i} ${problem}`;
  }
  return undefined;
};
const object: Check = (v) => (isObject(v) ? undefined : 'must be an object');
const attachment: Check = (v) => (!isObject(v) ? 'must be an object' : typeof v.contentType !== 'string' ? 'must have a string "contentType"' : undefined);
const entity: Check = (v) => {
  if (!isObject(v)) return 'must be an object';
  // The SDK lower-cases every entity's type when it looks for mentions.
  if (typeof v.type !== 'string') return 'must have a string "type"';
  // The SDK strips mentions of the bot from the text by reading these two.
  if (String(v.type).toLowerCase() === 'mention') {
    const mentioned = account(v.mentioned);
    if (mentioned) return `is a mention whose "mentioned" ${mentioned}`;
    if (v.text !== undefined && typeof v.text !== 'string') return 'is a mention whose "text" must be a string';
  }
  return undefined;
};
// Empty counts as absent (the default language), as clients that know none send it.
const locale: Check = (v) => (typeof v !== 'string' ? 'must be a string' : v === '' || /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,4}$/.test(v) ? undefined : 'must be a language tag such as en-US');
const url: Check = (v) => (typeof v !== 'string' ? 'must be a string' : v.length > 2048 || !/^https?:\/\/[^\s]+$/i.test(v) ? 'must be an http(s) URL' : undefined);

/** What each field of an activity that the bot or the SDK reads must look like, when present. */
const FIELDS: Readonly<Record<string, Check>> = {
  id: text(MAX_ID),
  channelId: text(256),
  serviceUrl: url,
  locale,
  text: text(MAX_TEXT),
  textFormat: text(32),
  name: text(256),
  action: text(256),
  replyToId: text(MAX_ID),
  timestamp: text(64),
  localTimestamp: text(64),
  localTimezone: text(128),
  deliveryMode: text(32),
  valueType: text(256),
  from: account,
  recipient: account,
  conversation: account,
  membersAdded: listOf(account),
  membersRemoved: listOf(account),
  attachments: listOf(attachment),
  entities: listOf(entity),
  channelData: object,
  relatesTo: object,
};

const FIELD_CHECKS = Object.entries(FIELDS);

/**
 * Which field of an activity has the wrong shape, and why (a sentence for a 400), or undefined
 * when every field the bot or the SDK reads is well-formed. `ignore` lists fields the caller replaces.
 */
export function activityFieldProblem(activity: Record<string, unknown>, ignore: readonly string[] = []): string | undefined {
  for (const [field, check] of FIELD_CHECKS) {
    if (ignore.length > 0 && ignore.includes(field)) continue;
    const value = activity[field];
    // null is how some channels write "absent"; the SDK treats both alike.
    if (value === undefined || value === null) continue;
    const problem = check(value);
    if (problem) return `The activity's "${field}" ${problem}.`;
  }
  if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action' && !ignore.includes('value')) {
    const action = isObject(activity.value) ? activity.value.action : undefined;
    if (!isObject(action)) return 'The activity\'s "value" must be an object with an "action" object (an Action.Execute invoke).';
    if (typeof action.type !== 'string') return 'The activity\'s "value.action" must have a string "type".';
  }
  return undefined;
}

/**
 * Removes the top-level fields that are null: they mean "absent", but parts of the SDK only
 * check for undefined (a null `entities` ends the turn in its mention handling).
 */
export function dropNulls(activity: Record<string, unknown>): void {
  for (const key of Object.keys(activity)) if (activity[key] === null) delete activity[key];
}

/** Why a body cannot be an activity, or undefined when it can. */
export function activityProblem(req: Request, options: { authenticated: boolean }): ActivityProblem | undefined {
  if (!req.is('json')) {
    return { status: 415, code: 'UnsupportedMediaType', message: 'Send the activity as application/json.' };
  }
  const body: unknown = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { status: 400, code: 'BadRequest', message: 'The body must be a JSON object (a Bot Framework activity).' };
  }
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type.trim() === '') {
    return { status: 400, code: 'BadRequest', message: 'The activity has no "type".' };
  }
  if (activity.conversation === undefined || activity.conversation === null) {
    return { status: 400, code: 'BadRequest', message: 'The activity has no "conversation".' };
  }
  const field = activityFieldProblem(activity);
  if (field) return { status: 400, code: 'BadRequest', message: field };
  if (activity.deliveryMode !== 'expectReplies' && activity.serviceUrl == null) {
    return { status: 400, code: 'BadRequest', message: 'The activity needs a "serviceUrl" to answer to, or deliveryMode "expectReplies".' };
  }
  // The SDK keys conversation and user state on these, and strips mentions of the recipient.
  for (const field of ['channelId', 'from', 'recipient'] as const) {
    if (activity[field] === undefined || activity[field] === null || activity[field] === '') {
      return { status: 400, code: 'BadRequest', message: `The activity has no "${field}".` };
    }
  }
  // Unauthenticated, nothing vouches for the serviceUrl: only this machine may be called back.
  if (!options.authenticated && activity.serviceUrl != null && !isLoopbackServiceUrl(activity.serviceUrl)) {
    return {
      status: 400,
      code: 'BadRequest',
      message: 'The activity\'s "serviceUrl" must be a loopback address: this bot has no app id, so nothing vouches for where it would answer.',
    };
  }
  return undefined;
}
