import type { Middleware, TurnContext } from 'botbuilder';

/** How long one call to the Bot Connector (a reply, an update, a proactive message) may take. */
export const CONNECTOR_TIMEOUT_MS = 8000;

/** Thrown when the Bot Connector did not answer in time; the call is abandoned, not retried. */
export class ConnectorTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`The Bot Connector did not answer ${what} within ${ms} ms`);
    this.name = 'ConnectorTimeoutError';
  }
}

/**
 * Rejects when `work` has not settled within `ms`. The SDK's HTTP client has no time limit of
 * its own (and retries), so a slow or silent connector would otherwise hold the turn and the
 * inbound request with it.
 */
export function withConnectorDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectorTimeoutError(what, ms)), ms);
  });
  // A late answer or failure of the abandoned call is of no interest to anyone.
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Middleware that puts a time limit on every reply, update and delete a turn sends. */
export function connectorDeadline(ms = CONNECTOR_TIMEOUT_MS): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      context.onSendActivities((_context, _activities, send) => withConnectorDeadline(send(), ms, 'a reply'));
      context.onUpdateActivity((_context, _activity, send) => withConnectorDeadline(send(), ms, 'a card update'));
      context.onDeleteActivity((_context, _reference, send) => withConnectorDeadline(send(), ms, 'a delete'));
      await next();
    },
  };
}
