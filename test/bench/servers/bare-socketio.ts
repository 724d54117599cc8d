/**
 * The bare Socket.IO baseline: WebSocket transport, each connection joins the room named in its
 * handshake (`auth.room`), and every `chat:send` is rebroadcast to the room's other members
 * (`socket.to(room).emit`). No authentication, validation, storage or audit: the floor Accord's
 * chat is compared with.
 *
 * With BARE_YJS=1 it also serves the reference y-websocket server (y-websocket 2.1.0's bin/utils,
 * persistence off) on `/yjs/<docName>`, so an idle connection can be compared as Accord's is: a
 * Socket.IO room plus the agreement document. `GET /memory` answers `process.memoryUsage()`.
 * Prints `{"event":"listening","port":N}` like Accord.
 *
 * With BARE_DURABLE=<dir> it stores each message before relaying it, and does nothing else Accord does:
 * the payload as JSON appended to `<dir>/bare.db` by lib/append-log.ts (one SQLite table without an
 * index, Accord's group commit and deferred fdatasync), and relayed once durable.
 * It is the floor under any chat server that stores each message before anyone hears of it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';

const http = createServer((req, res) => {
  if (req.url === '/memory') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(process.memoryUsage()));
    return;
  }
  res.writeHead(404).end();
});
// Leave upgrades of other paths (/yjs) to their own handler, as Accord does.
const io = new Server(http, { serveClient: false, transports: ['websocket'], destroyUpgrade: false });

/**
 * Stores a message durably before it is relayed (BARE_DURABLE); null: relayed at once. Loaded only
 * then, so the plain baseline's memory (the idle benchmark) holds no SQLite.
 */
const store = process.env.BARE_DURABLE ? await durableLog(join(process.env.BARE_DURABLE, 'bare.db')) : null;

io.on('connection', (socket) => {
  const asked = (socket.handshake.auth as { room?: unknown }).room;
  const room = typeof asked === 'string' ? asked : 'lobby';
  void socket.join(room);
  socket.on('chat:send', (payload: unknown) => {
    if (!store) {
      socket.to(room).emit('chat:message', payload);
      return;
    }
    store(JSON.stringify(payload)).then(
      () => socket.to(room).emit('chat:message', payload),
      (err: unknown) => console.error('bare: store failed', err),
    );
  });
});

async function durableLog(file: string): Promise<(body: string) => Promise<void>> {
  const { appendLog } = await import('../lib/append-log.js');
  const log = appendLog(file);
  return (body) => log.append(body);
}

if (process.env.BARE_YJS === '1') {
  const require = createRequire(import.meta.url);
  const utils = require('y-websocket-ref/bin/utils') as {
    setupWSConnection: (conn: WebSocket, req: IncomingMessage, opts?: { docName?: string }) => void;
  };
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith('/yjs/')) return;
    wss.handleUpgrade(req, socket, head, (ws) =>
      utils.setupWSConnection(ws, req, { docName: decodeURIComponent(path.slice('/yjs/'.length)) }),
    );
  });
}

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(
    JSON.stringify({
      event: 'listening',
      port,
      server: 'bare-socketio',
      yjs: process.env.BARE_YJS === '1',
      durable: store !== null,
    }),
  );
});

const stop = () => {
  void io.close(() => process.exit(0));
  // Upgraded /yjs sockets keep the HTTP server open; do not wait for them.
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
