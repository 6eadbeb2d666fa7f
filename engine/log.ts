import pino from 'pino';
import { stderrLogStream } from './log-stream.ts';

export type Logger = pino.Logger;

/**
 * Structured logs on stderr (stdout carries only the ready line), written without ever blocking
 * the process (log-stream.ts). Credentials never reach a log: request headers that carry them
 * and any field named like a secret are redacted.
 */
export function createLogger(level = process.env.PRIVICORE_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'privicore-engine' },
      redact: {
        paths: [
          'req.headers["x-dpt-authorization"]',
          'req.headers.authorization',
          'req.headers.cookie',
          'req.query.auth',
          '*.password',
          '*.newPassword',
          '*.currentPassword',
          '*.authorizationToken',
          '*.token',
          '*.privateKey',
          '*.private',
        ],
        censor: '[redacted]',
      },
      serializers: {
        // The URL's query may hold a transfer token (?auth=U-…); log the path only.
        req: (req: { method?: string; url?: string }) => ({
          method: req.method,
          url: req.url?.split('?')[0],
        }),
      },
    },
    stderrLogStream(),
  );
}
