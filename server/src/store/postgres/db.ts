import pg from 'pg';
import { now, num, type Row } from '../rows';
import { postgresMigrations } from './migrations';

export type Db = pg.Pool | pg.PoolClient;

export interface PostgresOptions {
  connectionString: string;
  /** A schema of its own (tests); created when missing. Defaults to the connection's search path. */
  schema?: string;
  max?: number;
}

export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export async function one(db: Db, sql: string, params: unknown[] = []): Promise<Row | undefined> {
  return (await db.query(sql, params)).rows[0] as Row | undefined;
}

export async function all(db: Db, sql: string, params: unknown[] = []): Promise<Row[]> {
  return (await db.query(sql, params)).rows as Row[];
}

/** Serialises work on one case (or any key) across every node, until the transaction ends. */
export function lock(c: pg.PoolClient, key: string): Promise<unknown> {
  return c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/** The pool every aggregate of the store shares, and its transactions. */
export class PgDb {
  private constructor(readonly pool: pg.Pool) {}

  static async open(options: PostgresOptions): Promise<PgDb> {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
      throw new Error('invalid schema name');
    }
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    const db = new PgDb(pool);
    await db.migrate();
    return db;
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // One migrator at a time across nodes.
      await c.query('SELECT pg_advisory_xact_lock(4216)');
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      const from = num((await one(c, 'SELECT coalesce(max(version), 0) AS v FROM schema_migrations'))?.v);
      if (from > postgresMigrations.length) {
        throw new Error(`database schema version ${from} is newer than this build knows; upgrade Accord`);
      }
      for (const [i, sql] of postgresMigrations.slice(from).entries()) {
        await c.query(sql);
        await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [from + i + 1, now()]);
      }
    });
  }

  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
