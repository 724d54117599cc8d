import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Server as SocketIoServer } from 'socket.io';
import { attachYjsEndpoint, YJS_PATH } from './agreement/endpoint';
import { DocRegistry } from './agreement/registry';
import { MemoryAttemptLimiter, type AttemptLimiter } from './auth/attempts';
import { RedisAttemptLimiter } from './auth/redis-attempts';
import { AuthService } from './auth/service';
import { TokenSigner } from './auth/tokens';
import { CaseService } from './cases/service';
import { modeOf, publicUrlOf, type AccordConfig } from './config';
import { createApiRouter } from './http/api';
import { publicKeyDocument } from './http/routes/outcome';
import type { OutcomeService } from './outcome/service';
import { createHttpApp } from './http/app';
import { createLogger, type Logger } from './log';
import { attachRoomGateway, type AccordIo } from './room/gateway';
import { MemoryPresence, type PresenceRegistry } from './room/presence';
import { RedisPresence } from './room/redis-presence';
import { RedisBus } from './scale/redis-bus';
import { Metrics } from './ops/metrics';
import { withMemberCache } from './store/member-cache';
import { PostgresStore } from './store/postgres';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { RoomStates } from './room/state';
import { LeanSessionAdapter } from './room/lean-adapter';
import { AuditLog } from './audit/log';
import { LocalBus, type Bus } from './scale/bus';
import { SqliteStore } from './store/sqlite';
import { loadSigningKey } from './outcome/keys';
import { createCaseFlow } from './cases/index';
import type { RecordsService } from './cases/records';
import { DataCipher } from './evidence/cipher';
import { EvidenceService } from './evidence/service';
import { originAllowed } from './http/origin';
import { trustProxies } from './http/client-address';
import { ConnectionLimit, limitConnectionsPerAddress } from './http/connection-limit';
import { EventRateLimits, handshakeAttempts } from './room/rate-limit';
import { attachTrackNamespace, type TrackNamespace } from './cases/track';
import type { Store } from './store/types';

export const VERSION = '0.1.0';

export interface AccordServer {
  readonly config: AccordConfig;
  readonly log: Logger;
  readonly store: Store;
  readonly auth: AuthService;
  readonly cases: CaseService;
  readonly docs: DocRegistry;
  readonly rooms: RoomStates;
  readonly audit: AuditLog;
  /** The customer's export and the retention purge. */
  readonly records: RecordsService;
  readonly evidence: EvidenceService;
  readonly http: HttpServer;
  readonly io: AccordIo;
  /** Starts listening; resolves with the bound port and public URL. */
  listen(): Promise<{ port: number; url: string }>;
  /** The public URL (valid after listen). */
  url(): string;
  /** Stops accepting, closes every connection, compacts loaded documents, closes the store. */
  close(): Promise<void>;
}

export interface AccordOverrides {
  store?: Store;
  log?: Logger;
  bus?: Bus;
  presence?: PresenceRegistry;
}

/** The embedded store: SQLite in the data dir. */
export function openStore(config: AccordConfig): Store {
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteStore({ filename: join(config.dataDir, 'accord.db'), synchronous: config.sqliteSync });
}

/**
 * Builds a node in the mode its configuration names: embedded (SQLite,
 * in-process bus and presence), or scaled out (PostgreSQL, Redis bus,
 * presence and Socket.IO adapter) when REDIS_URL and DATABASE_URL are set.
 */
export async function startAccord(config: AccordConfig, overrides: AccordOverrides = {}): Promise<AccordServer> {
  if (modeOf(config) === 'embedded') return createAccordServer(config, overrides);
  const store = overrides.store ?? (await PostgresStore.open({ connectionString: config.databaseUrl ?? '' }));
  return createAccordServer(config, { ...overrides, store });
}

/** Builds a whole Accord node from one config. Nothing listens until `listen()`. */
export function createAccordServer(config: AccordConfig, overrides: AccordOverrides = {}): AccordServer {
  const log = overrides.log ?? createLogger(config);
  const mode = modeOf(config);
  if (mode === 'scaled' && !overrides.store)
    throw new Error('a scaled-out node needs its PostgreSQL store: use startAccord()');
  const rawStore = overrides.store ?? openStore(config);
  // Every store call is timed and its failures counted; the gauges read the node's state when scraped.
  let gauges = { rooms: () => 0, documents: () => 0, connections: (): Record<string, number> => ({}) };
  const metrics = new Metrics({
    rooms: () => gauges.rooms(),
    documents: () => gauges.documents(),
    connections: () => gauges.connections(),
  });
  const nodeId = randomUUID();
  const redisUrl = config.redisUrl;
  const prefix = config.redisPrefix;
  const bus = overrides.bus ?? (redisUrl ? new RedisBus(redisUrl, nodeId, `${prefix}:bus`) : new LocalBus(nodeId));
  // Membership is checked on every chat message and Yjs update: read through a cache the bus keeps fresh.
  const members = withMemberCache(metrics.measure(rawStore), bus, {
    onPublishError: (err) => log.warn({ err, event: 'members.publish_failed' }, 'other nodes not told of a change'),
  });
  const store = members.store;
  const presence = overrides.presence ?? (redisUrl ? new RedisPresence(redisUrl, prefix) : new MemoryPresence());
  let boundPort = config.port;
  const url = () => publicUrlOf(config, boundPort);

  const tokens = new TokenSigner(config.tokenSecret);
  // Failed attempts are counted where every node sees them (Redis when scaled out).
  const limiterRedis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 3 }) : null;
  const limiter = (name: string, max: number, windowMs: number): AttemptLimiter =>
    limiterRedis
      ? new RedisAttemptLimiter(limiterRedis, `${prefix}:attempts:${name}`, max, windowMs)
      : new MemoryAttemptLimiter(max, windowMs);
  // Ten failed sign-ins per username, fifty per address, in fifteen minutes.
  const attempts = {
    byUser: limiter('user', 10, 15 * 60_000),
    byAddress: limiter('address', 50, 15 * 60_000),
  };
  const auth = new AuthService(store, tokens, bus, attempts, config.sessionHours);
  const cases = new CaseService(store, tokens, bus, url);
  const docs = new DocRegistry(store, {
    unloadAfterMs: config.docUnloadMs,
    compactEvery: config.docCompactEvery,
    log,
    // Documents cross the bus only where another node may hold them: a node's own LocalBus has no
    // other node, and publishing every update on it (base64 and all) was work for nobody.
    ...(overrides.bus || redisUrl ? { bus } : {}),
  });

  const signingKey = loadSigningKey(config.dataDir);
  let outcome: OutcomeService | null = null;
  const rooms = new RoomStates(store, bus);
  const audit = new AuditLog(store);
  const cipher = new DataCipher(config.dataKey);
  const evidence = new EvidenceService(store, cipher, audit, join(config.dataDir, 'evidence'), {
    maxBytes: config.evidenceMaxBytes,
    maxFiles: config.evidenceMaxFiles,
  });
  let track: TrackNamespace | null = null;
  const flow = createCaseFlow({
    store,
    tokens,
    cipher,
    evidence,
    audit,
    bus,
    pinAttempts: limiter('tracking-pin', 5, 15 * 60_000),
    publicUrl: url,
    effects: { progressChanged: (progress) => track?.progressChanged(progress) },
  });
  const api = createApiRouter({
    auth,
    cases,
    flow,
    evidence,
    signingKey,
    outcome: () => {
      if (!outcome) throw new Error('outcome service not wired');
      return outcome;
    },
  });
  const trustProxy = trustProxies(config.trustedProxies);
  const app = createHttpApp([api], {
    trustProxy,
    ops: {
      ready: async () => {
        await store.ping();
        await bus.ping();
      },
      metrics: metrics.registry,
    },
    clientDist: config.clientDist,
    log,
    version: VERSION,
    publicKey: publicKeyDocument(signingKey),
    publicUrl: config.publicUrl,
  });
  const { headersMs, requestMs, keepAliveMs } = config.httpTimeouts;
  // Slow clients (slowloris) are cut off: Node checks these timeouts every connectionsCheckingInterval.
  const http = createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      keepAliveTimeout: keepAliveMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersMs / 2))),
    },
    app,
  );
  const io: AccordIo = new SocketIoServer(http, {
    serveClient: false,
    // Leave upgrades of other paths (/yjs) to their own handler.
    destroyUpgrade: false,
    maxHttpBufferSize: config.socketMaxPacketBytes,
    // A connection cut for a moment comes back as the same socket, in its rooms, and receives what
    // was broadcast meanwhile (across nodes, through the streams adapter). The handshake middleware
    // still runs, so a revoked session or a removed member is not let back in.
    connectionStateRecovery: { maxDisconnectionDuration: config.recoveryMs, skipMiddlewares: false },
    // Refused before any Socket.IO packet: a page from another site (cross-site WebSocket hijacking).
    allowRequest: (req, callback) => {
      const ok = originAllowed(req, config.allowedOrigins);
      callback(ok ? null : 'origin not allowed', ok);
    },
  });
  // Across nodes, Socket.IO rooms live in Redis streams (see docs/ARCHITECTURE.md for why streams).
  const adapterRedis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: null }) : null;
  if (adapterRedis) io.adapter(createStreamsAdapter(adapterRedis, { streamName: `${prefix}:socket.io` }));
  // One node: Socket.IO's recovery, without chat messages in its replay buffer (see LeanSessionAdapter).
  else io.adapter(LeanSessionAdapter);
  // Before any handshake middleware: repeated CONNECT packets on one connection are cut off.
  io.use(handshakeAttempts());
  io.of('/track').use(handshakeAttempts());
  const room = attachRoomGateway(io, {
    auth,
    store,
    docs,
    tokens,
    signingKey,
    signAttempts: limiter('signing-pin', 5, 15 * 60_000),
    rooms,
    audit,
    presence,
    bus,
    log,
    lifecycle: flow.transitions,
    onAck: metrics.observeAck(),
    limits: new EventRateLimits(config.limits),
  });
  outcome = room.outcome;
  track = attachTrackNamespace(io, { auth, access: flow.access, log });
  gauges = {
    rooms: () => new Set([...io.of('/').sockets.values()].map((s) => s.data.principal.caseId)).size,
    documents: () => docs.loaded().length,
    connections: () => ({
      room: io.of('/').sockets.size,
      track: io.of('/track').sockets.size,
      yjs: yjs.connections(),
    }),
  };
  if (bus instanceof RedisBus) bus.onError(() => metrics.redisErrors.inc());
  adapterRedis?.on('error', () => metrics.redisErrors.inc());
  limiterRedis?.on('error', () => metrics.redisErrors.inc());
  if (presence instanceof RedisPresence) presence.onError(() => metrics.redisErrors.inc());
  const yjs = attachYjsEndpoint(http, {
    auth,
    store,
    rooms,
    registry: docs,
    bus,
    log,
    maxMessageBytes: config.yjsMaxMessageBytes,
    allowedOrigins: config.allowedOrigins,
    limits: config.limits,
  });
  // In front of Socket.IO's and the Yjs endpoint's listeners, so attached after both.
  limitConnectionsPerAddress(
    http,
    io.engine,
    new ConnectionLimit(config.maxConnectionsPerAddress),
    { socketIo: '/socket.io/', yjs: YJS_PATH },
    trustProxy,
  );

  let closing: Promise<void> | null = null;
  return {
    config,
    log,
    store,
    auth,
    cases,
    docs,
    rooms,
    audit,
    records: flow.records,
    evidence,
    http,
    io,
    url,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          boundPort = (http.address() as AddressInfo).port;
          log.info(
            { event: 'listening', port: boundPort, url: url(), store: store.kind, mode, node: nodeId },
            `Accord (${mode}) on ${url()}`,
          );
          resolve({ port: boundPort, url: url() });
        });
      }),
    close: () =>
      (closing ??= (async () => {
        // Stop accepting; tell every client to go (they reconnect, through the balancer, elsewhere);
        // let the events being handled finish their writes; then store what the documents hold.
        http.close();
        room.close();
        yjs.close();
        rooms.close();
        await new Promise<void>((resolve) => void io.close(() => resolve()));
        await Promise.race([room.drain(), new Promise((r) => setTimeout(r, 5000).unref())]);
        http.closeAllConnections();
        await docs.closeAll();
        await presence.close();
        members.close();
        await bus.close();
        await adapterRedis?.quit().catch(() => undefined);
        await limiterRedis?.quit().catch(() => undefined);
        await store.close();
      })()),
  };
}
