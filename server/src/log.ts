import { pino, type DestinationStream, type Logger } from 'pino';
import type { AccordConfig } from './config';

export type { Logger };

export const REDACTED = '[redacted]';

/**
 * Fields that hold a secret or a personal identifier wherever they are logged
 * (pino paths: `*` is one level of any key).
 */
export const REDACT_PATHS = [
  ...['token', 'password', 'currentPassword', 'newPassword', 'pin', 'secret', 'tokenSecret'],
  ...['nationalId', 'phone', 'cardNumber', 'bankCard', 'displayName', 'name'].map((k) => `party.${k}`),
  ...['nationalId', 'phone', 'cardNumber', 'bankCard'],
].flatMap((k) => [k, `*.${k}`]);
REDACT_PATHS.push(
  'auth.token',
  'handshake.auth.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'headers["set-cookie"]',
);

/**
 * Patterns for identifiers inside free text (a message, an error's message or
 * stack, a URL): whatever field they turn up in, they never reach the log.
 * Longest first, so an 18-character ID is not half-matched as a card or phone.
 */
const PATTERNS: [RegExp, string][] = [
  // Session and invite tokens (JWTs), with or without "Bearer".
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[token]'],
  [/(Bearer\s+)[^\s",\\]+/gi, '$1[token]'],
  // Secrets carried in a query string or a path: ?token=…, /track/<id>, /join/<token>.
  [/([?&](?:token|pin|password)=)[^&\s"\\]+/gi, '$1[redacted]'],
  [/(\/(?:track|join)\/)[\w.-]{16,}/g, '$1[redacted]'],
  // Resident ID numbers: 18 characters (17 digits and a digit or X), or the old 15 digits.
  [/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, '[id-number]'],
  // Bank-card numbers: 13–19 digits, optionally grouped by spaces or dashes.
  [/(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g, '[card-number]'],
  [/(?<![\dA-Za-z])\d{15}(?![\dA-Za-z])/g, '[id-number]'],
  // Mainland mobile numbers, with or without +86.
  [/(?<![\d])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![\d])/g, '[phone]'],
];

/** Replaces every identifier the patterns know in a piece of text (a whole log line included). */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * JSON lines on stdout (or `destination`); one field `event` names what happened for grep and
 * tests. Secrets and personal identifiers are removed twice: by field, and by pattern from the
 * finished line, so one inside an error message or a stack trace is caught too. Times are ISO
 * strings, which keeps epoch milliseconds from looking like a card number to the patterns.
 */
export function createLogger(config: Pick<AccordConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { app: 'accord' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: redactText },
  };
  return destination ? pino(options, destination) : pino(options);
}
