/**
 * The service logger: pino, JSON lines on stderr, level from `LOG_LEVEL` (default `info`).
 *
 * Messages are short constants; data goes in fields, errors under `err`. Credentials and
 * authorization headers are redacted.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

/** Creates the root logger; tests pass `level: 'silent'`. */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'swarm-scaler',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: {
        paths: ['req.headers.authorization', '*.password', '*.token', '*.credentials', 'databaseUrl'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
