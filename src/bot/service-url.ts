import type { TurnContext } from 'botbuilder';

/** Hosts that are this machine: the only places an unauthenticated bot may call. */
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|\[::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\])$/i;

/** Whether a service URL is http(s) on a loopback address (local development, the built-in Direct Line). */
export function isLoopbackServiceUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_HOST.test(parsed.hostname) && !parsed.username && !parsed.password;
}

/**
 * Whether a turn's serviceUrl is one identity vouches for: the `serviceurl` claim of the Bot
 * Framework token that authenticated it, or, with no such claim (no app id, the Emulator),
 * a loopback address.
 */
export function serviceUrlVouchedFor(context: TurnContext): boolean {
  const serviceUrl = context.activity.serviceUrl;
  const identity = context.turnState.get<{ getClaimValue?(type: string): string | null } | undefined>(context.adapter.BotIdentityKey);
  const claim = identity?.getClaimValue?.('serviceurl');
  if (claim) return claim === serviceUrl;
  return isLoopbackServiceUrl(serviceUrl);
}
