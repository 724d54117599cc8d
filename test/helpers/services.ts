import { Socket } from 'node:net';
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

function redisUp(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
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
