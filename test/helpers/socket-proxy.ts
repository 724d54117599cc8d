import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

/**
 * A WebSocket proxy between a Socket.IO client (websocket transport) and an Accord node, standing for
 * the network. It can lose frames on their way to the client (a broadcast missed, an ack that never
 * comes) and cut every open connection (both ends see the transport close; the client reconnects
 * through the proxy). Frames are Socket.IO packets as text: `42["event",…]` events, `43<id>[…]` acks.
 */
export class SocketProxy {
  /** Frames from the server for which this returns true never reach the client. */
  dropToClient: (frame: string) => boolean = () => false;
  /** The frames lost so far. */
  readonly dropped: string[] = [];
  private readonly pairs = new Set<[WebSocket, WebSocket]>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<SocketProxy> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const proxy = new SocketProxy(http, wss, `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    wss.on('connection', (client, req) => proxy.pipe(client, `${target.replace(/^http/, 'ws')}${req.url ?? '/'}`));
    return proxy;
  }

  private pipe(client: WebSocket, upstreamUrl: string): void {
    const upstream = new WebSocket(upstreamUrl);
    const pair: [WebSocket, WebSocket] = [client, upstream];
    this.pairs.add(pair);
    const early: [RawData, boolean][] = [];
    client.on('message', (data, binary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else early.push([data, binary]);
    });
    upstream.on('open', () => early.splice(0).forEach(([data, binary]) => upstream.send(data, { binary })));
    upstream.on('message', (data, binary) => {
      const frame = !binary && Buffer.isBuffer(data) ? data.toString('utf8') : null;
      if (frame !== null && this.dropToClient(frame)) {
        this.dropped.push(frame);
        return;
      }
      client.send(data, { binary });
    });
    const end = () => {
      this.pairs.delete(pair);
      client.terminate();
      upstream.terminate();
    };
    for (const ws of pair) {
      ws.on('close', end);
      ws.on('error', end);
    }
  }

  /** Drops every open connection at once, as a lost network would. */
  cut(): void {
    for (const pair of [...this.pairs]) for (const ws of pair) ws.terminate();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
