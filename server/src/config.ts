import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { toIssues } from '@accord/shared';
import { trustProxies } from './lib/client-address';

const here = dirname(fileURLToPath(import.meta.url));

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/**
 * Environment variables Accord reads, with their defaults. This is the only
 * place `process.env` is read; everything else receives an `AccordConfig`.
 */
const EnvSchema = z.object({
  /** TCP port; 0 picks a free one (tests). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to bind. Loopback by default; set 0.0.0.0 behind a load balancer. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the SQLite file, the token secret and other node-local state live. */
  ACCORD_DATA_DIR: z.string().min(1).default('./data'),
  /** The URL people reach Accord at; invite links are built on it. Defaults to http://localhost:PORT. */
  ACCORD_PUBLIC_URL: z.url().optional(),
  /** HMAC secret for tokens (≥ 32 chars). Generated into the data dir when absent. */
  ACCORD_TOKEN_SECRET: z.string().min(32).optional(),
  ACCORD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SQLite durability: `full` survives power loss, `normal` survives a process crash only. */
  ACCORD_SQLITE_SYNC: z.enum(['full', 'normal']).default('full'),
  /** Create the demo case and the first admin when the data dir is empty. */
  ACCORD_SEED: boolish.default(true),
  /** Keep a Yjs document in memory this long after its last connection closes. */
  ACCORD_DOC_UNLOAD_MS: z.coerce.number().int().min(0).default(30_000),
  /** Compact a document's update log into a snapshot after this many updates. */
  ACCORD_DOC_COMPACT_EVERY: z.coerce.number().int().min(1).default(500),
  /**
   * How long Socket.IO keeps a cut connection's session to recover it (same socket, missed broadcasts
   * replayed). A client away longer is replayed from the store by its cursors instead.
   */
  ACCORD_RECOVERY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(2 * 60_000),
  /** Largest y-websocket message accepted; larger ones close the connection with 4413. */
  ACCORD_YJS_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024),
  /** Largest Socket.IO packet (or long-polling body); a larger one closes that connection before it is parsed. */
  ACCORD_SOCKET_MAX_PACKET_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .default(256 * 1024),
  /** Lifetime of a staff sign-in. */
  ACCORD_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /** Password hashes that may wait behind the two running; beyond, a sign-in is refused with BUSY. */
  ACCORD_PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).default(16),
  /** AES-256 key (base64, 32 bytes) for evidence files and personal data at rest. Generated into the data dir when absent. */
  ACCORD_DATA_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64')
    .optional(),
  ACCORD_EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  ACCORD_EVIDENCE_MAX_FILES: z.coerce.number().int().min(1).max(1000).default(20),
  /** Blind-offer rounds per case: each party submits once a round; after the last, offers are refused. */
  ACCORD_OFFER_ROUNDS: z.coerce.number().int().min(0).max(100).default(3),
  /** Closed cases are purged this many days after closing (the sealed record stays). */
  ACCORD_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .default(3 * 365),
  /** With REDIS_URL and DATABASE_URL a node runs scaled out: PostgreSQL stores, Redis carries what crosses nodes. */
  REDIS_URL: z.url().optional(),
  /** Prefix of every Redis key, channel and stream of this deployment (several can share one Redis). */
  ACCORD_REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_:-]{1,40}$/)
    .default('accord'),
  /**
   * Scaled out: how long a room connection still counts in presence once its node stopped vouching for
   * it (killed, cut off from Redis); each node vouches every third of it (milliseconds).
   */
  ACCORD_PRESENCE_TTL_MS: z.coerce.number().int().min(300).max(600_000).default(30_000),
  DATABASE_URL: z.url().optional(),
  /**
   * Origins (comma-separated, e.g. `https://a.example,https://b.example`) whose pages may open the
   * WebSockets, besides the page's own host and ACCORD_PUBLIC_URL.
   */
  ACCORD_ALLOWED_ORIGINS: z
    .string()
    .transform((v, ctx) => {
      const out: string[] = [];
      for (const part of v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        try {
          out.push(new URL(part).origin);
        } catch {
          ctx.addIssue({ code: 'custom', message: `not an origin: ${part}` });
        }
      }
      return out;
    })
    .optional(),
  /** Built client to serve; defaults to client/dist of this checkout. */
  ACCORD_CLIENT_DIST: z.string().optional(),
  /** The rights and duties shown before the session, one file per language (the centre edits them); defaults to content/rights of this checkout. */
  ACCORD_RIGHTS_DIR: z.string().min(1).optional(),
  /** Socket.IO events one socket may send per second (sustained), and in a burst. */
  ACCORD_EVENTS_PER_SECOND: z.coerce.number().positive().default(20),
  ACCORD_EVENTS_BURST: z.coerce.number().int().min(1).default(100),
  /** Chat messages one person may send per second (sustained) on this node, and in a burst (an outbox flush). */
  ACCORD_CHAT_PER_SECOND: z.coerce.number().positive().default(5),
  ACCORD_CHAT_BURST: z.coerce.number().int().min(1).default(60),
  /** Refused events a socket may run up (refilled at ACCORD_EVENTS_PER_SECOND) before it is disconnected. */
  ACCORD_FLOOD_DISCONNECT_AFTER: z.coerce.number().int().min(1).default(200),
  /** y-websocket messages and bytes one connection may send per second (sustained), and in a burst. */
  ACCORD_YJS_MESSAGES_PER_SECOND: z.coerce.number().positive().default(100),
  ACCORD_YJS_MESSAGES_BURST: z.coerce.number().int().min(1).default(1000),
  ACCORD_YJS_BYTES_PER_SECOND: z.coerce
    .number()
    .positive()
    .default(1024 * 1024),
  /** At least ACCORD_YJS_MAX_MESSAGE_BYTES (raised to it), so one message of the largest size always fits. */
  ACCORD_YJS_BYTES_BURST: z.coerce
    .number()
    .int()
    .min(1)
    .default(8 * 1024 * 1024),
  /**
   * Open connections (Socket.IO sessions, /track included, and /yjs sockets) per client address.
   * Behind a proxy on loopback, the address is taken from X-Forwarded-For.
   */
  ACCORD_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(200),
  /**
   * Proxies whose X-Forwarded-For is believed when working out a client's address (connection
   * limits, sign-in limits): addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`.
   * A load balancer on another host must be listed, or every client behind it shares its address.
   */
  ACCORD_TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .transform((v, ctx) => {
      const list = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      try {
        trustProxies(list);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `not an address, range or proxy-addr name: ${(err as Error).message}`,
        });
        return z.NEVER;
      }
      return list;
    }),
  /** Slow clients (slowloris): time to send the request headers, the whole request, and idle keep-alive. */
  ACCORD_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  ACCORD_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
  ACCORD_HTTP_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** SMTP server for notices; unset: notices stay queued in the outbox (the log says so once). */
  ACCORD_SMTP_HOST: z.string().min(1).optional(),
  ACCORD_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  ACCORD_SMTP_SECURE: boolish.default(false),
  ACCORD_SMTP_USER: z.string().min(1).optional(),
  ACCORD_SMTP_PASS: z.string().min(1).optional(),
  /** The From of every notice, e.g. `Accord <noreply@mediation.example>`. */
  ACCORD_MAIL_FROM: z.string().min(3).default('Accord <accord@localhost>'),
  /** Reminders go this long before a session (milliseconds, comma-separated). */
  ACCORD_MAIL_REMINDERS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'milliseconds, comma-separated')
    .default('86400000,3600000')
    .transform((v) => v.split(',').map(Number)),
  /** How often the sender looks for due notices, and the first retry's delay (doubling, up to an hour). */
  ACCORD_MAIL_POLL_MS: z.coerce.number().int().min(10).default(5_000),
  ACCORD_MAIL_RETRY_MS: z.coerce.number().int().min(10).default(30_000),
  /**
   * ICE servers for the call besides Accord's TURN (a JSON array of RTCIceServer, e.g.
   * `[{"urls":["stun:stun.example.com:3478"]}]`). None by default: no third party learns who calls.
   */
  ACCORD_ICE_SERVERS: z
    .string()
    .transform((v, ctx) => {
      try {
        return IceServerList.parse(JSON.parse(v));
      } catch (err) {
        // Where in the JSON it is wrong, in one line (`0.urls: …`), rather than zod's issue list as JSON.
        const why =
          err instanceof z.ZodError
            ? toIssues(err)
                .map((i) => `${i.path}: ${i.message}`)
                .join('; ')
            : (err as Error).message;
        ctx.addIssue({ code: 'custom', message: `not a JSON array of ICE servers: ${why}` });
        return z.NEVER;
      }
    })
    .optional(),
  /** TURN server URLs (comma-separated, e.g. `turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349`). */
  ACCORD_TURN_URLS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^turns?:[^\s]+$/, 'must start with turn: or turns:')).min(1))
    .optional(),
  /** The secret shared with the TURN server (coturn's `static-auth-secret`); Accord issues credentials from it. */
  ACCORD_TURN_SECRET: z.string().min(16).optional(),
  /** How long issued TURN credentials stay valid; clients fetch new ones before they expire. */
  ACCORD_TURN_TTL_S: z.coerce.number().int().min(60).max(86_400).default(3_600),
  /** `relay`: calls use only relayed paths (TURN), so no participant learns another's address. */
  ACCORD_ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
  /** How long the call keeps the peer of a connection that dropped, for it to come back (milliseconds). */
  ACCORD_CALL_AWAY_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
});

const IceServerList = z.array(
  z.strictObject({
    urls: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .transform((u) => (Array.isArray(u) ? u : [u])),
    username: z.string().optional(),
    credential: z.string().optional(),
  }),
);

export interface AccordConfig {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string | null;
  tokenSecret: string;
  logLevel: z.infer<typeof EnvSchema>['ACCORD_LOG_LEVEL'];
  sqliteSync: 'full' | 'normal';
  seed: boolean;
  docUnloadMs: number;
  docCompactEvery: number;
  recoveryMs: number;
  yjsMaxMessageBytes: number;
  socketMaxPacketBytes: number;
  sessionHours: number;
  /** Password hashes that may wait for a slot (see auth/passwords.ts). */
  passwordHashQueue: number;
  clientDist: string;
  /** The folder of the rights-and-duties texts (`<language>.md`), read at start. */
  rightsDir: string;
  dataKey: Buffer;
  evidenceMaxBytes: number;
  evidenceMaxFiles: number;
  /** Blind-offer rounds per case (0: no blind offers). */
  offerRounds: number;
  retentionDays: number;
  redisUrl: string | null;
  redisPrefix: string;
  /** How long a room connection counts in Redis presence after its node last vouched for it. */
  presenceTtlMs: number;
  databaseUrl: string | null;
  /** Origins allowed to open the WebSockets besides the request's own host (see originAllowed). */
  allowedOrigins: string[];
  /** Rate limits of Socket.IO events (per socket, chat per person) and of y-websocket connections. */
  limits: RateLimits;
  /** Open connections per client address (Socket.IO, /track, /yjs). */
  maxConnectionsPerAddress: number;
  trustedProxies: string[];
  /** HTTP timeouts against slow clients. */
  httpTimeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  mail: MailConfig;
  call: CallConfig;
}

export interface CallConfig {
  /** Static ICE servers (STUN, or TURN with fixed credentials). */
  iceServers: { urls: string[]; username?: string | undefined; credential?: string | undefined }[];
  /** Accord's own TURN: credentials issued per person from the shared secret (the TURN REST API scheme). */
  turn: { urls: string[]; secret: string; ttlSeconds: number } | null;
  iceTransportPolicy: 'all' | 'relay';
  /** How long a dropped connection's peer stays in the call (shown `away`) for it to come back. */
  awayMs: number;
}

export interface MailConfig {
  /** Null: no SMTP server configured; notices are queued and wait for one. */
  smtp: { host: string; port: number; secure: boolean; user: string | null; pass: string | null } | null;
  from: string;
  reminderOffsetsMs: number[];
  pollMs: number;
  retryMs: number;
}

export interface RateLimits {
  eventsPerSecond: number;
  eventsBurst: number;
  chatPerSecond: number;
  chatBurst: number;
  floodDisconnectAfter: number;
  yjsMessagesPerSecond: number;
  yjsMessagesBurst: number;
  yjsBytesPerSecond: number;
  yjsBytesBurst: number;
}

export class ConfigError extends Error {}

/** Scaled out needs both; one without the other is a mistake worth stopping for. */
export function modeOf(config: Pick<AccordConfig, 'redisUrl' | 'databaseUrl'>): 'embedded' | 'scaled' {
  if ((config.redisUrl === null) !== (config.databaseUrl === null)) {
    throw new ConfigError('set both REDIS_URL and DATABASE_URL to scale out, or neither to run embedded');
  }
  return config.redisUrl ? 'scaled' : 'embedded';
}

/** Reads, validates and completes the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AccordConfig {
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = toIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.ACCORD_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    publicUrl: e.ACCORD_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    allowedOrigins: [
      ...(e.ACCORD_PUBLIC_URL ? [new URL(e.ACCORD_PUBLIC_URL).origin] : []),
      ...(e.ACCORD_ALLOWED_ORIGINS ?? []),
    ],
    tokenSecret: e.ACCORD_TOKEN_SECRET ?? loadOrCreateSecret(dataDir, 'token-secret', 'base64url'),
    logLevel: e.ACCORD_LOG_LEVEL,
    sqliteSync: e.ACCORD_SQLITE_SYNC,
    seed: e.ACCORD_SEED,
    docUnloadMs: e.ACCORD_DOC_UNLOAD_MS,
    docCompactEvery: e.ACCORD_DOC_COMPACT_EVERY,
    recoveryMs: e.ACCORD_RECOVERY_MS,
    yjsMaxMessageBytes: e.ACCORD_YJS_MAX_MESSAGE_BYTES,
    socketMaxPacketBytes: e.ACCORD_SOCKET_MAX_PACKET_BYTES,
    sessionHours: e.ACCORD_SESSION_HOURS,
    passwordHashQueue: e.ACCORD_PASSWORD_HASH_QUEUE,
    clientDist: resolve(e.ACCORD_CLIENT_DIST ?? join(here, '../../client/dist')),
    rightsDir: resolve(e.ACCORD_RIGHTS_DIR ?? join(here, '../../content/rights')),
    dataKey: Buffer.from(e.ACCORD_DATA_KEY ?? loadOrCreateSecret(dataDir, 'data-key', 'base64'), 'base64'),
    evidenceMaxBytes: e.ACCORD_EVIDENCE_MAX_BYTES,
    evidenceMaxFiles: e.ACCORD_EVIDENCE_MAX_FILES,
    offerRounds: e.ACCORD_OFFER_ROUNDS,
    retentionDays: e.ACCORD_RETENTION_DAYS,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.ACCORD_REDIS_PREFIX,
    presenceTtlMs: e.ACCORD_PRESENCE_TTL_MS,
    databaseUrl: e.DATABASE_URL ?? null,
    limits: {
      eventsPerSecond: e.ACCORD_EVENTS_PER_SECOND,
      eventsBurst: e.ACCORD_EVENTS_BURST,
      chatPerSecond: e.ACCORD_CHAT_PER_SECOND,
      chatBurst: e.ACCORD_CHAT_BURST,
      floodDisconnectAfter: e.ACCORD_FLOOD_DISCONNECT_AFTER,
      yjsMessagesPerSecond: e.ACCORD_YJS_MESSAGES_PER_SECOND,
      yjsMessagesBurst: e.ACCORD_YJS_MESSAGES_BURST,
      yjsBytesPerSecond: e.ACCORD_YJS_BYTES_PER_SECOND,
      yjsBytesBurst: Math.max(e.ACCORD_YJS_BYTES_BURST, e.ACCORD_YJS_MAX_MESSAGE_BYTES),
    },
    maxConnectionsPerAddress: e.ACCORD_MAX_CONNECTIONS_PER_ADDRESS,
    trustedProxies: e.ACCORD_TRUSTED_PROXIES,
    httpTimeouts: {
      // Node requires the headers timeout not to exceed the request timeout.
      headersMs: Math.min(e.ACCORD_HTTP_HEADERS_TIMEOUT_MS, e.ACCORD_HTTP_REQUEST_TIMEOUT_MS),
      requestMs: e.ACCORD_HTTP_REQUEST_TIMEOUT_MS,
      keepAliveMs: e.ACCORD_HTTP_KEEPALIVE_TIMEOUT_MS,
    },
    mail: {
      smtp: e.ACCORD_SMTP_HOST
        ? {
            host: e.ACCORD_SMTP_HOST,
            port: e.ACCORD_SMTP_PORT,
            secure: e.ACCORD_SMTP_SECURE,
            user: e.ACCORD_SMTP_USER ?? null,
            pass: e.ACCORD_SMTP_PASS ?? null,
          }
        : null,
      from: e.ACCORD_MAIL_FROM,
      reminderOffsetsMs: e.ACCORD_MAIL_REMINDERS_MS,
      pollMs: e.ACCORD_MAIL_POLL_MS,
      retryMs: e.ACCORD_MAIL_RETRY_MS,
    },
    call: {
      iceServers: e.ACCORD_ICE_SERVERS ?? [],
      turn: turnConfig(e.ACCORD_TURN_URLS, e.ACCORD_TURN_SECRET, e.ACCORD_TURN_TTL_S),
      iceTransportPolicy: e.ACCORD_ICE_TRANSPORT_POLICY,
      awayMs: e.ACCORD_CALL_AWAY_MS,
    },
  };
}

/** TURN needs its URLs and the secret together; one without the other is a mistake worth stopping for. */
function turnConfig(urls: string[] | undefined, secret: string | undefined, ttlSeconds: number): CallConfig['turn'] {
  if ((urls === undefined) !== (secret === undefined)) {
    throw new ConfigError('set both ACCORD_TURN_URLS and ACCORD_TURN_SECRET to issue TURN credentials, or neither');
  }
  return urls && secret ? { urls, secret, ttlSeconds } : null;
}

/** A secret kept in the data dir, created (mode 0600) on first start. */
function loadOrCreateSecret(dataDir: string, name: string, encoding: 'base64' | 'base64url'): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString(encoding);
  // `wx` fails if another process created it meanwhile; then read theirs.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}

/** The public base URL: configured, or derived from the port actually bound. */
export function publicUrlOf(config: AccordConfig, boundPort: number): string {
  return config.publicUrl ?? `http://localhost:${boundPort}`;
}
