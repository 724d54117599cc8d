import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '@accord/shared';
import { clientAddress, type TrustProxy } from '../lib/client-address';

/** Open connections per address, with a ceiling. */
export class ConnectionLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more connection for `address`, or null when it already has `max`; release once when it ends. */
  acquire(address: string): (() => void) | null {
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) return null;
    this.open.set(address, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    };
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}

/** The Engine.IO server's side we need: each new session, with the request that opened it. */
interface EngineLike {
  on(
    event: 'connection',
    listener: (socket: { request: IncomingMessage; once(e: 'close', f: () => void): void }) => void,
  ): unknown;
}

const refusal = (limit: ConnectionLimit): ErrorBody => ({
  code: 'RATE_LIMITED',
  message: `more than ${limit.max} open connections from your address; close some and retry`,
});

/**
 * Caps the connections one address holds open: Socket.IO sessions (the room
 * and /track, by long-polling or WebSocket) and /yjs sockets. A handshake over
 * the cap is answered HTTP 429 with `{ error: RATE_LIMITED }` before Socket.IO
 * or the Yjs endpoint see it. Installed in front of every `request` and
 * `upgrade` listener the server has, so call it after they are attached.
 */
export function limitConnectionsPerAddress(
  http: HttpServer,
  engine: EngineLike,
  limit: ConnectionLimit,
  paths: { socketIo: string; yjs: string },
  trust: TrustProxy,
): void {
  // Polling handshakes, until Engine.IO turns them into a session (or refuses them).
  const pending = new WeakMap<IncomingMessage, () => void>();
  engine.on('connection', (socket) => {
    const release = pending.get(socket.request);
    if (!release) return;
    pending.delete(socket.request);
    socket.once('close', release);
  });

  const kindOf = (req: IncomingMessage): 'socket.io' | 'yjs' | null => {
    const url = req.url ?? '';
    const path = url.split('?')[0] ?? '';
    if (path.startsWith(paths.socketIo)) {
      // A request carrying a session id belongs to a session already counted.
      return new URLSearchParams(url.slice(path.length + 1)).has('sid') ? null : 'socket.io';
    }
    if (path === paths.yjs || path.startsWith(`${paths.yjs}/`)) return 'yjs';
    return null;
  };

  interpose(http, 'request', (req: IncomingMessage, res: ServerResponse) => {
    if (kindOf(req) !== 'socket.io') return true;
    const release = limit.acquire(clientAddress(req, trust));
    if (!release) {
      const body = JSON.stringify({ error: refusal(limit) });
      res.writeHead(429, { 'content-type': 'application/json', connection: 'close' }).end(body);
      return false;
    }
    pending.set(req, release);
    res.once('close', () => {
      if (pending.get(req) !== release) return;
      pending.delete(req);
      release();
    });
    return true;
  });

  interpose(http, 'upgrade', (req: IncomingMessage, socket: Duplex) => {
    if (kindOf(req) === null) return true;
    const release = limit.acquire(clientAddress(req, trust));
    if (!release) {
      const body = JSON.stringify({ error: refusal(limit) });
      socket.on('error', () => undefined);
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return false;
    }
    // A WebSocket lives exactly as long as its TCP connection. (`on`, not `once`: a socket closes
    // once, release is idempotent, and `once` would hold a wrapper and a bound function per open
    // connection.)
    socket.on('close', release);
    return true;
  });
}

/** Puts `guard` in front of the server's current listeners of `event`; they run only when it returns true. */
function interpose<A extends unknown[]>(
  http: HttpServer,
  event: 'request' | 'upgrade',
  guard: (...args: A) => boolean,
) {
  const listeners = http.listeners(event) as ((...args: A) => void)[];
  http.removeAllListeners(event);
  http.on(event, (...args: A) => {
    if (!guard(...args)) return;
    for (const listener of listeners) listener.apply(http, args);
  });
}
