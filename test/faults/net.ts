import { execFileSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A free port below the kernel's ephemeral range (32768 and up): a process restarted on the same
 * port must not find it taken by the local end of some outgoing connection meanwhile.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

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
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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

/** Whether there is a `redis-server` binary to start a Redis of the test's own (required under CI). */
export function redisServerOrSkip(what: string): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${what} need redis-server (required under CI)`);
    console.warn(`\n!!! SKIPPING ${what.toUpperCase()} — no redis-server binary to start one of its own\n`);
    return false;
  }
}
