/**
 * The bare signalling baseline for the call benchmark: a Socket.IO server (WebSocket transport) that
 * relays WebRTC signals to a socket id without any checks. Each connection joins the room named in its
 * handshake (`auth.room`); `call:join {peerId}` records the peer's socket id and sends the room the
 * list of peers (as Accord sends everyone its `call:state`); `call:signal {to, …}` is emitted to the
 * socket of `to` with `from` set to the sender's peer id; `call:leave` forgets the peer. Every event is
 * acknowledged, as Accord acknowledges it. No authentication, validation, roster, caucus or storage:
 * the floor Accord's signalling is compared with. Prints `{"event":"listening","port":N}` like Accord.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

type Ack = (res: { ok: true; data: object }) => void;

const http = createServer((_req, res) => void res.writeHead(404).end());
const io = new Server(http, { serveClient: false, transports: ['websocket'] });

/** Per room: peer id → socket id. */
const rooms = new Map<string, Map<string, string>>();

io.on('connection', (socket) => {
  const asked = (socket.handshake.auth as { room?: unknown }).room;
  const room = typeof asked === 'string' ? asked : 'lobby';
  void socket.join(room);
  let peerId: string | null = null;
  const peersOf = () => {
    let peers = rooms.get(room);
    if (!peers) rooms.set(room, (peers = new Map<string, string>()));
    return peers;
  };
  const announce = () => io.to(room).emit('call:state', { peers: [...peersOf().keys()] });
  const leave = () => {
    if (peerId === null) return;
    peersOf().delete(peerId);
    peerId = null;
    announce();
  };
  socket.on('call:join', (payload: { peerId: string }, ack: Ack) => {
    peerId = payload.peerId;
    peersOf().set(peerId, socket.id);
    announce();
    ack({ ok: true, data: { peerId } });
  });
  socket.on('call:signal', (payload: { to: string } & Record<string, unknown>, ack: Ack) => {
    const target = peersOf().get(payload.to);
    const { to: _to, ...body } = payload;
    if (target !== undefined && peerId !== null) io.to(target).emit('call:signal', { ...body, from: peerId });
    ack({ ok: true, data: {} });
  });
  socket.on('call:leave', (_payload: unknown, ack: Ack) => {
    leave();
    ack({ ok: true, data: {} });
  });
  socket.on('disconnect', leave);
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(JSON.stringify({ event: 'listening', port, server: 'bare-signalling' }));
});

const stop = () => {
  void io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
