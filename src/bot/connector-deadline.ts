import type { Middleware, TurnContext } from 'botbuilder';
import { withDeadline } from '../deadline.js';

/**
 * How long the Bot Connector calls of one turn (replies, updates) may take together, and one
 * proactive message attempt alone: short enough that an inbound request is answered well within
 * the 15 s Teams waits, and within the 5 s the fuzz suite calls a hang.
 */
export const CONNECTOR_TIMEOUT_MS = 4000;

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
  return withDeadline(work, ms, () => new ConnectorTimeoutError(what, ms));
}

/**
 * Middleware that gives the Bot Connector calls of a turn one shared time budget: a slow or
 * unreachable connector cannot hold the inbound request longer than that, and once the budget
 * is spent no further call is made.
 */
export function connectorDeadline(ms = CONNECTOR_TIMEOUT_MS): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const until = Date.now() + ms;
      const limited = <T>(send: () => Promise<T>, what: string): Promise<T> => {
        const left = until - Date.now();
        if (left <= 0) return Promise.reject(new ConnectorTimeoutError(what, ms));
        return withConnectorDeadline(send(), left, what);
      };
      context.onSendActivities((_context, _activities, send) => limited(send, 'a reply'));
      context.onUpdateActivity((_context, _activity, send) => limited(send, 'a card update'));
      context.onDeleteActivity((_context, _reference, send) => limited(send, 'a delete'));
      await next();
    },
  };
}
