import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';
import { PostgresStore, loadConfig, startAccord, type AccordServer } from '@accord/server';
import { onCleanup, spawnOwned } from './cleanup';
import { freePort } from './net';

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

/** Whether the machine's Redis is there (for a test that needs no PostgreSQL); as `servicesOrSkip` otherwise. */
export async function redisOrSkip(what: string): Promise<boolean> {
  if (await redisUp()) return true;
  if (process.env.CI === 'true') throw new Error(`${what} need Redis at ${REDIS_URL} (required under CI)`);
  console.warn(`\n!!! SKIPPING ${what.toUpperCase()} — Redis at ${REDIS_URL} not reachable\n`);
  return false;
}

/** Whether there is a `redis-server` binary to start a Redis of the test's own (required under CI). */
export function redisServerOrSkip(what: string): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') {
      throw new Error(`${what} need redis-server (required under CI): apt-get install -y redis-server`);
    }
    console.warn(`\n!!! SKIPPING ${what.toUpperCase()} — no redis-server binary to start one of its own\n`);
    return false;
  }
}

/** A `redis-server` of the test's own on a free port, to stop and start without touching the machine's. */
export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  /** SIGKILL: whatever it held in memory is gone, as after a crash. */
  kill(): Promise<void>;
}

/** Starts one; it is killed when the test file ends (see `spawnOwned`) if the test has not killed it. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const handle: OwnRedis = {
    url,
    start: async () => {
      child = spawnOwned(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 30_000;
      while (!(await redisUp(url))) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: async () => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
  await handle.start();
  return handle;
}

async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });
  // No PostgreSQL: the file's tests were skipped, and nothing was created.
  if (
    !(await admin.connect().then(
      () => true,
      () => false,
    ))
  )
    return;
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}

/**
 * A name for a PostgreSQL schema of the test file's own in the machine's database (created by the
 * first store that opens it, or by the test), dropped when the file ends.
 */
export function testSchema(tag: string): string {
  const schema = `accord_${tag}_${randomBytes(5).toString('hex')}`;
  onCleanup(`PostgreSQL schema ${schema}`, () => dropSchema(schema));
  return schema;
}

/** The machine's PostgreSQL URL with `schema` as the search path, for a node in another process. */
export function databaseUrlIn(schema: string): string {
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * An Accord node in this process on the machine's PostgreSQL (in `schema`), listening on a random
 * port unless `env` names one; closed when the test file ends if the test has not closed it.
 */
export async function startPostgresNode(
  env: Record<string, string>,
  schema: string,
): Promise<{ node: AccordServer; url: string }> {
  const store = await PostgresStore.open({ connectionString: DATABASE_URL, schema });
  const node = await startAccord(loadConfig({ PORT: '0', ACCORD_LOG_LEVEL: 'silent', DATABASE_URL, ...env }), {
    store,
  });
  onCleanup('an in-process Accord node on PostgreSQL', () => node.close());
  return { node, url: (await node.listen()).url };
}
