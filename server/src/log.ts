import { pino, type Logger } from 'pino';
import type { AccordConfig } from './config';

export type { Logger };

/** JSON lines on stdout; one field `event` names what happened for grep and tests. */
export function createLogger(config: Pick<AccordConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { app: 'accord' },
    redact: { paths: ['token', '*.token', 'password', '*.password', 'auth.token'], censor: '[redacted]' },
  });
}
