import { createServer, type Server as HttpServer } from 'node:http';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Server as SocketIoServer } from 'socket.io';
import type { AccordConfig } from '../config';
import { createApiRouter } from '../http/api';
import { publicKeyDocument } from '../http/routes/outcome';
import { createHttpApp } from '../http/app';
import { trustProxies } from '../lib/client-address';
import { ConnectionLimit, limitConnectionsPerAddress } from '../http/connection-limit';
import { originAllowed } from '../lib/origin';
import { attachRoomGateway, type RoomGateway } from '../room/gateway';
import { LeanSessionAdapter } from '../room/lean-adapter';
import { EventRateLimits, handshakeAttempts } from '../room/rate-limit';
import type { AccordIo } from '../room/socket-types';
import { attachTrackNamespace } from '../room/track';
import { attachYjsEndpoint, YJS_PATH } from '../yjs/endpoint';
import type { Infrastructure } from './infrastructure';
import type { Services } from './services';

/**
 * The Socket.IO server, not yet attached to an HTTP server: the services' broadcasts need it before
 * the HTTP app that serves their routes exists.
 */
export function createSocketServer(config: AccordConfig, infra: Infrastructure): AccordIo {
  const io: AccordIo = new SocketIoServer({
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
  if (infra.adapterRedis)
    io.adapter(createStreamsAdapter(infra.adapterRedis, { streamName: `${config.redisPrefix}:socket.io` }));
  // One node: Socket.IO's recovery, without chat messages in its replay buffer (see LeanSessionAdapter).
  else io.adapter(LeanSessionAdapter);
  return io;
}

export interface Transports {
  readonly http: HttpServer;
  readonly room: RoomGateway;
  readonly yjs: { close: () => void; connections: () => number };
}

export const VERSION = '0.1.0';

/** HTTP (REST, the client, health and metrics), then Socket.IO (room, /track) and /yjs on the same server. */
export function attachTransports(
  config: AccordConfig,
  infra: Infrastructure,
  services: Services,
  io: AccordIo,
): Transports {
  const { store, bus, log, metrics } = infra;
  const { auth, signingKey, flow } = services;
  const trustProxy = trustProxies(config.trustedProxies);
  const app = createHttpApp(
    [
      // The API takes the services it routes to (`ApiDeps`, a part of `Services`).
      createApiRouter(services),
    ],
    {
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
    },
  );
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
  // After the app's request listener: Socket.IO takes its own path and hands the rest to the app.
  io.attach(http);
  // Before any handshake middleware: repeated CONNECT packets on one connection are cut off.
  io.use(handshakeAttempts());
  io.of('/track').use(handshakeAttempts());
  const room = attachRoomGateway(io, {
    auth,
    store,
    rooms: services.rooms,
    services,
    presence: infra.presence,
    broadcasts: services.broadcasts,
    bus,
    log,
    limits: new EventRateLimits(config.limits),
    onAck: metrics.observeAck(),
  });
  attachTrackNamespace(io, { auth, access: flow.access, bus, log });
  const yjs = attachYjsEndpoint(http, {
    auth,
    store,
    rooms: services.rooms,
    registry: services.docs,
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
  metrics.readGaugesFrom({
    rooms: () => new Set([...io.of('/').sockets.values()].map((s) => s.data.principal.caseId)).size,
    documents: () => services.docs.loaded().length,
    connections: () => ({ room: io.of('/').sockets.size, track: io.of('/track').sockets.size, yjs: yjs.connections() }),
  });
  return { http, room, yjs };
}
