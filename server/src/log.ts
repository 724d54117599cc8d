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
  // A blind offer's amount (the offer:submit payload): nothing logs it, and should anything ever, it is hidden.
  'amountCents',
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

/** Secrets inside free text (a message, an error's message or stack, a URL), wherever they stand. */
const SECRETS: [RegExp, string][] = [
  // Session and invite tokens (JWTs), with or without "Bearer".
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[token]'],
  [/(Bearer\s+)[^\s",\\]+/gi, '$1[token]'],
  // Secrets carried in a query string or a path: ?token=…, /track/<id>, /join/<token>.
  [/([?&](?:token|pin|password)=)[^&\s"\\]+/gi, '$1[redacted]'],
  [/(\/(?:track|join)\/)[\w.-]{16,}/g, '$1[redacted]'],
];

/**
 * Personal numbers inside free text. Longest first, so an 18-character ID is not half-matched as a
 * card or phone.
 */
const NUMBERS: [RegExp, string][] = [
  // Resident ID numbers: 18 characters (17 digits and a digit or X), or the old 15 digits.
  [/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, '[id-number]'],
  // Bank-card numbers: 13–19 digits, optionally grouped by spaces or dashes.
  [/(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g, '[card-number]'],
  [/(?<![\dA-Za-z])\d{15}(?![\dA-Za-z])/g, '[id-number]'],
  // Mainland mobile numbers, with or without +86.
  [/(?<![\d])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![\d])/g, '[phone]'],
];

/**
 * UUIDs and long hex strings (case, user and message ids, hashes, fingerprints). One in fifty
 * random UUIDs holds a run of 13 digits across its dashes, which the card pattern would take, so
 * an id would be cut apart in every line naming it; they are passed over whole.
 */
const OPAQUE_ID =
  /[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|(?<![\da-z])(?=[\da-f]*[a-f])[\da-f]{32,}(?![\da-z])/gi;

const replaceAll = (text: string, patterns: [RegExp, string][]) =>
  patterns.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);

/** Replaces every secret and identifier the patterns know in a piece of text (a whole log line included). */
export function redactText(text: string): string {
  const secretless = replaceAll(text, SECRETS);
  let out = '';
  let at = 0;
  for (const id of secretless.matchAll(OPAQUE_ID)) {
    out += replaceAll(secretless.slice(at, id.index), NUMBERS) + id[0];
    at = id.index + id[0].length;
  }
  return out + replaceAll(secretless.slice(at), NUMBERS);
}

/**
 * A finished log line with every string in it redacted, and every number that reads as an
 * identifier replaced by the placeholder string: a pattern run over the raw line would turn
 * `"bytes":1764369902000` into `"bytes":[card-number]`, and the line would no longer be JSON.
 */
function redactLine(line: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return redactText(line);
  }
  return `${JSON.stringify(redactValue(parsed))}\n`;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number') {
    const redacted = redactText(String(value));
    return redacted === String(value) ? value : redacted;
  }
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k), redactValue(v)]));
  }
  return value;
}

/**
 * JSON lines on stdout (or `destination`); one field `event` names what happened for grep and
 * tests. Secrets and personal identifiers are removed twice: by field, and by pattern from every
 * string of the finished line (see redactLine), so one inside an error message or a stack trace is
 * caught too. Times are ISO strings, which keeps epoch milliseconds from looking like a card number.
 */
export function createLogger(config: Pick<AccordConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { app: 'accord' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: redactLine },
  };
  return destination ? pino(options, destination) : pino(options);
}
