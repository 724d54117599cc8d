/**
 * The reference y-websocket server (y-websocket 2.1.0's bin/utils, what `npx y-websocket` runs), as a
 * baseline. Persistence is off unless YPERSISTENCE=<dir> is set, which makes utils store every update in
 * y-leveldb (read by utils at module load, so it must be in this process's environment from the start).
 * It relays an update as soon as it is applied; the LevelDB write is not awaited and not fsynced.
 * Prints `{"event":"listening","port":N}` like Accord.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { WebSocketServer, type WebSocket } from 'ws';

const require = createRequire(import.meta.url);
const utils = require('y-websocket-ref/bin/utils') as {
  setupWSConnection: (conn: WebSocket, req: IncomingMessage, opts?: { docName?: string; gc?: boolean }) => void;
};

const server = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('okay');
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws: WebSocket, req: IncomingMessage) => utils.setupWSConnection(ws, req));
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ event: 'listening', port, persistence: process.env.YPERSISTENCE ?? null }));
});
process.on('SIGTERM', () => process.exit(0));
