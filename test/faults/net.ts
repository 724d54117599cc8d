import { createServer, connect, type Server, type Socket } from 'node:net';
import { onCleanup } from '../helpers/cleanup';
import { freePort } from '../helpers/net';

/**
 * A TCP proxy the test controls, standing for the network between a node and Redis. `cut()` drops
 * every open connection and refuses new ones (as a partition would, seen from the node: resets and
 * refused connects); `heal()` lets connections through again.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly open = new Set<[Socket, Socket]>();
  private cutOff = false;
  /** Connections dropped or refused while cut. */
  dropped = 0;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    onCleanup(`TCP proxy on ${proxy.port}`, () => proxy.close());
    await proxy.listen();
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.cutOff = true;
    for (const [client, upstream] of this.open) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
      this.dropped++;
    }
    this.open.clear();
  }

  heal(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = null;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      if (this.cutOff) {
        this.dropped++;
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      const pair: [Socket, Socket] = [client, upstream];
      this.open.add(pair);
      const drop = () => {
        this.open.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
  }
}
