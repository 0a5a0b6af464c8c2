import { pino, type Logger } from 'pino';

/** Structured logger: JSON lines on stdout; never logs message text or secrets at info level. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'csp-partner-assistant' },
    redact: { paths: ['*.password', '*.secret', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
  });
}

export type { Logger };
