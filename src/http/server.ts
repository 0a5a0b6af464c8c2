import restify, { type Request, type Response, type Server } from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import type { Logger } from '../log.js';
import type { StorageBackend } from '../storage/cas-store.js';

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What the HTTP layer serves. */
export interface HttpDeps {
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly storage: StorageBackend;
  readonly log: Logger;
  /** With an app id: checks the Bot Framework token first (false: a 401 or 503 has been sent). */
  readonly botAuth?: (req: Request, res: Response) => Promise<boolean>;
  /** Extra routes of the journeys and channels (pages, Direct Line, the tab). */
  readonly routes?: readonly ((server: Server) => void)[];
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
  const server = restify.createServer({
    name: 'csp-partner-assistant',
    handleUncaughtExceptions: false,
    // Passed to find-my-way: signed invitation tokens are longer than its default of 100.
    maxParamLength: 1024,
    log: deps.log.child({ component: 'restify' }),
  } as unknown as restify.ServerOptions);
  let inFlight = 0;
  server.pre((req, res, next) => {
    inFlight++;
    deps.log.debug({ method: req.method, path: req.path() }, 'request started');
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
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: false }),
  );

  server.post('/api/messages', async (req: Request, res: Response) => {
    const problem = activityProblem(req);
    if (problem) {
      sendError(res, problem.status, problem.code, problem.message);
      return;
    }
    if (deps.botAuth && !(await deps.botAuth(req, res))) return;
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    try {
      await withTimeout(deps.storage.ping(), 2000, 'the storage did not answer within 2 s');
      res.json({ status: 'ready', storage: deps.storage.kind });
    } catch (error) {
      deps.log.warn({ err: error }, 'readiness check failed');
      res.status(503);
      res.json({ status: 'unavailable', storage: deps.storage.kind, reason: (error as Error).message });
    }
  });

  for (const add of deps.routes ?? []) add(server);

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) deps.log.error({ err, path: req.path() }, 'request failed');
    else deps.log.info({ path: req.path(), status, reason: err.message }, 'request refused');
    callback();
  });

  return { server, inFlight: () => inFlight };
}

/** Why a body cannot be an activity, or undefined when it can. */
function activityProblem(req: Request): { status: number; code: string; message: string } | undefined {
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
  if (activity.conversation === undefined) {
    return { status: 400, code: 'BadRequest', message: 'The activity has no "conversation".' };
  }
  if (activity.deliveryMode !== 'expectReplies' && (typeof activity.serviceUrl !== 'string' || !/^https?:\/\//.test(activity.serviceUrl))) {
    return { status: 400, code: 'BadRequest', message: 'The activity needs a "serviceUrl" to answer to, or deliveryMode "expectReplies".' };
  }
  for (const field of ['conversation', 'from'] as const) {
    const value = activity[field];
    if (value !== undefined && (typeof value !== 'object' || value === null || typeof (value as { id?: unknown }).id !== 'string')) {
      return { status: 400, code: 'BadRequest', message: `The activity's "${field}" must be an object with an "id".` };
    }
  }
  return undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
