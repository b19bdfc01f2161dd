import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON logs for operators: a short message plus fields. API keys, signed URLs and
 * authorization headers are redacted wherever they appear.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'apiKey',
        'resultUrl',
        'signedUrl',
        '*.apiKey',
        '*.resultUrl',
      ],
      censor: '[redacted]',
    },
  });
}
