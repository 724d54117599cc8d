import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { registerBatchAtomicity, registerStoreContract } from './contract';
import { PostgresStore } from './postgres';

/** The machine's PostgreSQL (tests never create a server of their own for it). */
const url = process.env.ACCORD_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const available = await reachable();
if (!available) {
  const message = `PostgreSQL is not reachable at ${url}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI)`);
  console.warn(`\n!!! SKIPPING POSTGRESQL STORE TESTS — ${message}\n`);
}

const schemas: string[] = [];
afterAll(async () => {
  if (!available) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

describe.skipIf(!available)('PostgresStore', () => {
  const open = async () => {
    // Each test gets a schema of its own, so runs never see each other's rows.
    const schema = `accord_t_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return PostgresStore.open({ connectionString: url, schema, max: 4 });
  };
  registerStoreContract('postgres', open);
  registerBatchAtomicity('postgres', open);
});
