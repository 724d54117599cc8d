/**
 * Micro-benchmark: does a typed query builder (Kysely) cost the store's hot paths anything? Four
 * representative queries (getMember, getCase, listMessages, createSession's insert) side by side in
 * one run, each three ways:
 *
 *   hand-written   the store's way: SQL text written out, a prepared statement cached by its text
 *                  (SQLite) or a parameterised `pool.query` (PostgreSQL). The baseline.
 *   kysely compile the query built with Kysely on every call and compiled to SQL, then run exactly as
 *                  the baseline runs it (the statement cache, `pool.query`): what adopting Kysely for
 *                  SQL text only, keeping our own execution, would cost.
 *   kysely execute the query built and run through Kysely's own dialect (SqliteDialect prepares the
 *                  statement on every call; PostgresDialect checks a client out of the pool).
 *
 * A last table times building and compiling alone, with no database: the builder's own CPU per
 * query, the one figure here that the machine's disk and the other processes hardly blur.
 *
 * Every variant is an awaited async call, as the store's methods are. The variants alternate in
 * rounds (so a burst of load from the rest of the machine hits all of them), and each figure is the
 * median over the rounds of the mean time per call. Not part of `pnpm test`.
 *
 *   npx tsx test/bench/query-builder.bench.ts
 *   ACCORD_BENCH_QUICK=1          fewer calls and rounds
 *   ACCORD_BENCH_PG=0             SQLite only (PostgreSQL is skipped anyway when unreachable)
 *   ACCORD_TEST_DATABASE_URL      PostgreSQL, default postgresql://postgres@127.0.0.1:5432/postgres
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { PostgresStore, SqliteStore, type Store } from '@accord/server';
import { printTable, type Row } from './lib/report.js';

const env = process.env;
const quick = env.ACCORD_BENCH_QUICK === '1';
const ROUNDS = quick ? 3 : 7;
const SQLITE_CALLS = quick ? 2_000 : 10_000;
const PG_CALLS = quick ? 200 : 1_000;
const PG_URL = env.ACCORD_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The columns the benchmark's queries name; `select *` returns the rest at run time all the same. */
interface Tables {
  case_members: { case_id: string; user_id: string; removed_at: string | null };
  cases: { id: string; number: string };
  messages: { case_id: string; channel: string; seq: number };
  sessions: {
    id: string;
    user_id: string;
    case_id: string | null;
    invite_id: string | null;
    created_at: string;
    expires_at: string;
  };
}

/** A seeded case: one member, 200 messages on the joint channel. */
interface Seed {
  caseId: string;
  userId: string;
}

async function seed(store: Store): Promise<Seed> {
  const userId = randomUUID();
  await store.createUser({
    id: userId,
    kind: 'guest',
    username: null,
    displayName: 'x',
    staffRole: null,
    passwordHash: null,
    mustChangePassword: false,
  });
  const { id: caseId } = await store.createCase({
    id: randomUUID(),
    title: 'Bench',
    summary: '',
    category: 'other',
    amountInDisputeCents: 0,
  });
  await store.putMember({ caseId, userId, role: 'customer', displayName: 'x' });
  await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      store.appendMessage({
        id: randomUUID(),
        caseId,
        channel: 'joint',
        clientId: `c${i}`,
        senderId: userId,
        senderName: 'x',
        senderRole: 'customer',
        text: `message ${i} `.repeat(8),
        createdAt: new Date().toISOString(),
      }),
    ),
  );
  return { caseId, userId };
}

type Call = () => Promise<unknown>;

/** One query three ways. */
interface Query {
  name: string;
  variants: [variant: string, call: Call][];
}

/** Builds each query with Kysely (the same for both dialects: the point of a builder). */
function built(k: Kysely<Tables>, s: Seed) {
  const expires = new Date(Date.now() + 3_600_000).toISOString();
  return {
    getMember: () =>
      k.selectFrom('case_members').selectAll().where('case_id', '=', s.caseId).where('user_id', '=', s.userId),
    getCase: () => k.selectFrom('cases').selectAll().where('id', '=', s.caseId),
    listMessages: () =>
      k
        .selectFrom('messages')
        .selectAll()
        .where('case_id', '=', s.caseId)
        .where('channel', '=', 'joint')
        .where('seq', '>', 100)
        .orderBy('seq')
        .limit(50),
    insertSession: () =>
      k.insertInto('sessions').values({
        id: randomUUID(),
        user_id: s.userId,
        case_id: s.caseId,
        invite_id: null,
        created_at: new Date().toISOString(),
        expires_at: expires,
      }),
  };
}

async function measure(queries: Query[], calls: number, backend: string): Promise<Row[]> {
  const times = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      for (const [variant, call] of q.variants) {
        for (let i = 0; i < Math.min(200, calls / 10); i++) await call(); // warm-up
        const start = performance.now();
        for (let i = 0; i < calls; i++) await call();
        const us = ((performance.now() - start) * 1000) / calls;
        const key = `${q.name}\u0000${variant}`;
        times.set(key, [...(times.get(key) ?? []), us]);
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return queries.flatMap((q) => {
    const base = median(times.get(`${q.name}\u0000hand-written`)!);
    return q.variants.map(([variant]): Row => {
      const us = median(times.get(`${q.name}\u0000${variant}`)!);
      return {
        backend,
        query: q.name,
        variant,
        'µs/call': us.toFixed(1),
        'vs hand-written': `×${(us / base).toFixed(2)}`,
        '+µs': (us - base).toFixed(1),
      };
    });
  });
}

/** Building and compiling each query alone (no database), synchronous: the builder's own CPU. */
function compileOnly(q: ReturnType<typeof built>, calls: number): Row[] {
  return (Object.keys(q) as (keyof typeof q)[]).map((name): Row => {
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) q[name]().compile();
      rounds.push(((performance.now() - start) * 1000) / calls);
    }
    return {
      query: name,
      'build + compile, µs': rounds.sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!.toFixed(2),
    };
  });
}

let compileRows: Row[] = [];

async function sqlite(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-qb-'));
  try {
    const filename = join(dir, 'bench.db');
    const store = new SqliteStore({ filename, synchronous: 'normal' });
    const s = await seed(store);
    await store.close();
    const db = new Database(filename);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const statements = new Map<string, Database.Statement>();
    const stmt = (sql: string) => {
      let st = statements.get(sql);
      if (!st) statements.set(sql, (st = db.prepare(sql)));
      return st;
    };
    const k = new Kysely<Tables>({ dialect: new SqliteDialect({ database: db }) });
    const q = built(k, s);
    /** Kysely's SQL, run through our statement cache. */
    const get = async (c: CompiledQuery) => stmt(c.sql).get(...(c.parameters as unknown[]));
    const all = async (c: CompiledQuery) => stmt(c.sql).all(...(c.parameters as unknown[]));
    const run = async (c: CompiledQuery) => stmt(c.sql).run(...(c.parameters as unknown[]));
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const queries: Query[] = [
      {
        name: 'getMember',
        variants: [
          [
            'hand-written',
            async () => stmt('SELECT * FROM case_members WHERE case_id = ? AND user_id = ?').get(s.caseId, s.userId),
          ],
          ['kysely compile', () => get(q.getMember().compile())],
          ['kysely execute', () => q.getMember().executeTakeFirst()],
        ],
      },
      {
        name: 'getCase',
        variants: [
          ['hand-written', async () => stmt('SELECT * FROM cases WHERE id = ?').get(s.caseId)],
          ['kysely compile', () => get(q.getCase().compile())],
          ['kysely execute', () => q.getCase().executeTakeFirst()],
        ],
      },
      {
        name: 'listMessages (50)',
        variants: [
          [
            'hand-written',
            async () =>
              stmt('SELECT * FROM messages WHERE case_id = ? AND channel = ? AND seq > ? ORDER BY seq LIMIT ?').all(
                s.caseId,
                'joint',
                100,
                50,
              ),
          ],
          ['kysely compile', () => all(q.listMessages().compile())],
          ['kysely execute', () => q.listMessages().execute()],
        ],
      },
      {
        name: 'insert session',
        variants: [
          [
            'hand-written',
            async () =>
              stmt(
                'INSERT INTO sessions (id, user_id, case_id, invite_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
              ).run(randomUUID(), s.userId, s.caseId, null, new Date().toISOString(), expires),
          ],
          ['kysely compile', () => run(q.insertSession().compile())],
          ['kysely execute', () => q.insertSession().execute()],
        ],
      },
    ];
    const rows = await measure(queries, SQLITE_CALLS, 'sqlite');
    compileRows = compileOnly(q, SQLITE_CALLS * 2);
    await k.destroy(); // closes `db` too
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<Row[]> {
  const schema = `accord_qb_${randomBytes(6).toString('hex')}`;
  let store: PostgresStore;
  try {
    store = await PostgresStore.open({ connectionString: PG_URL, schema, max: 2 });
  } catch (err) {
    console.warn(`PostgreSQL skipped: not reachable at ${PG_URL} (${String(err)})`);
    return [];
  }
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` });
  const k = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    const s = await seed(store);
    await store.close();
    const q = built(k, s);
    const query = (c: CompiledQuery) => pool.query(c.sql, c.parameters as unknown[]);
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const queries: Query[] = [
      {
        name: 'getMember',
        variants: [
          [
            'hand-written',
            () => pool.query('SELECT * FROM case_members WHERE case_id = $1 AND user_id = $2', [s.caseId, s.userId]),
          ],
          ['kysely compile', () => query(q.getMember().compile())],
          ['kysely execute', () => q.getMember().executeTakeFirst()],
        ],
      },
      {
        name: 'getCase',
        variants: [
          ['hand-written', () => pool.query('SELECT * FROM cases WHERE id = $1', [s.caseId])],
          ['kysely compile', () => query(q.getCase().compile())],
          ['kysely execute', () => q.getCase().executeTakeFirst()],
        ],
      },
      {
        name: 'listMessages (50)',
        variants: [
          [
            'hand-written',
            () =>
              pool.query(
                'SELECT * FROM messages WHERE case_id = $1 AND channel = $2 AND seq > $3 ORDER BY seq LIMIT $4',
                [s.caseId, 'joint', 100, 50],
              ),
          ],
          ['kysely compile', () => query(q.listMessages().compile())],
          ['kysely execute', () => q.listMessages().execute()],
        ],
      },
      {
        name: 'insert session',
        variants: [
          [
            'hand-written',
            () =>
              pool.query(
                'INSERT INTO sessions (id, user_id, case_id, invite_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
                [randomUUID(), s.userId, s.caseId, null, new Date().toISOString(), expires],
              ),
          ],
          ['kysely compile', () => query(q.insertSession().compile())],
          ['kysely execute', () => q.insertSession().execute()],
        ],
      },
    ];
    return await measure(queries, PG_CALLS, 'postgres');
  } finally {
    await k.destroy(); // ends `pool`
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const rows = [...(await sqlite()), ...(env.ACCORD_BENCH_PG === '0' ? [] : await postgres())];
printTable(
  `Query builder: hand-written SQL vs Kysely, median of ${ROUNDS} rounds (${SQLITE_CALLS} SQLite / ${PG_CALLS} PostgreSQL calls each)`,
  rows,
);
printTable(`Kysely alone: build + compile, no database (median of ${ROUNDS} rounds)`, compileRows);
