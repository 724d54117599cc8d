import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import pg from 'pg';

export const DATABASE_URL = process.env.ACCORD_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.ACCORD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function postgresUp(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redisUp(url = REDIS_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(Number(port || 6379), hostname);
  });
}

/**
 * Whether the machine's PostgreSQL and Redis are there. Missing: skipped with
 * a loud warning on a developer machine, a failure under CI=true.
 */
export async function servicesOrSkip(what: string): Promise<boolean> {
  const [p, r] = await Promise.all([postgresUp(), redisUp()]);
  if (p && r) return true;
  const missing = [p ? null : `PostgreSQL at ${DATABASE_URL}`, r ? null : `Redis at ${REDIS_URL}`]
    .filter(Boolean)
    .join(' and ');
  if (process.env.CI === 'true') throw new Error(`${what} need ${missing} (required under CI)`);
  console.warn(`\n!!! SKIPPING ${what.toUpperCase()} — ${missing} not reachable\n`);
  return false;
}

/** A `redis-server` of the test's own on a free port, to stop and start without touching the machine's. */
export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  /** SIGKILL: whatever it held in memory is gone, as after a crash. */
  kill(): Promise<void>;
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const handle: OwnRedis = {
    url,
    start: async () => {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 10_000;
      while (!(await redisUp(url))) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: async () => {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
  await handle.start();
  return handle;
}
