import type { Response } from 'restify';
import type { Logger } from '../log.js';
import { KeysUnavailable, TokenRefused } from '../security/token-errors.js';
import { sendError } from './server.js';

/** Seconds a client is told to wait when keys could not be fetched. */
export const RETRY_AFTER_SECONDS = 30;

/**
 * Answers a token failure: a refused token is a 401 with its short reason, unreachable keys a
 * 503 with Retry-After; one log line either way, never a stack. False for any other error,
 * which the caller rethrows.
 */
export function sendTokenError(res: Response, error: unknown, log: Logger, what: string): boolean {
  if (error instanceof TokenRefused) {
    log.info({ reason: error.reason }, `${what} refused`);
    sendError(res, 401, 'Unauthorized', `The ${what} was refused: ${error.reason}.`);
    return true;
  }
  if (error instanceof KeysUnavailable) {
    log.warn({ keys: error.source, reason: error.detail }, `${what} not checked: signing keys unavailable`);
    res.header('Retry-After', String(RETRY_AFTER_SECONDS));
    sendError(res, 503, 'ServiceUnavailable', `The ${what} cannot be checked right now; try again later.`);
    return true;
  }
  return false;
}
