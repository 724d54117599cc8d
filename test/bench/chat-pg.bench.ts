/**
 * The PostgreSQL chat batch on its own (issue 22): this checkout's PostgresStore and a baseline's (an
 * export of an earlier commit) in one run, alternately, on the same database, each run on a schema
 * of its own. Every message goes through appendMessage with its hash-chained audit entry (the
 * server's entryBuilder, the same for both), so what differs is the store's batch alone.
 *
 *   ACCORD_BENCH_BASELINE_ROOT=<dir> npx tsx test/bench/chat-pg.bench.ts
 *     <dir> from test/bench/export-commit.sh <commit> <dir>; without it, this checkout only
 *   ACCORD_BENCH_QUICK=1            shorter steps, one round
 *   ACCORD_BENCH_DATABASE_URL       default postgresql://postgres@127.0.0.1:5432/postgres: a database
 *                                   accord_bench_chatpg is created in it and dropped after
 *
 * Scenarios: one sender waiting for each acknowledgement (every batch one message: the latency is the
 * round trips); 30 cases × 3 senders at 5 msg/s each, spread over two stores (two nodes) as the
 * scale-out benchmark spreads participants, so batches of both nodes interleave on every case (CPU at
 * a fixed rate); the same 90 senders each sending again as soon as acknowledged, on one store (the
 * most the batch stores). Statements are counted at pg's Client.query (each is one round trip).
 * Node CPU is this process's (load loop included, the same for both); PostgreSQL's is every
 * `postgres` process's, summed. Not pinned: the load and the store share this process.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { NewMessage, PostgresStore as Store } from '@accord/server';
import { entryBuilder } from '../../server/src/audit/log.js';
import { recordPgStatements } from '../helpers/pg-statements.js';
import { cpuOfCommand } from './lib/proc.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { dropDatabase, freshDatabase } from './lib/rooms.js';
import { holdMachineLock, repoRoot } from './lib/spawn.js';
import { round, storeRunColumns } from './lib/stats.js';

const env = process.env;
const QUICK = env.ACCORD_BENCH_QUICK === '1';
const STEP_MS = QUICK ? 3000 : 8000;
const ROUNDS = QUICK ? 1 : 2;
const CASES = 30;
const PER_CASE = 3;
const RATE = 5;
const ADMIN_URL = env.ACCORD_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'accord_bench_chatpg';

const variants: { name: string; root: string }[] = [
  ...(env.ACCORD_BENCH_BASELINE_ROOT ? [{ name: 'baseline', root: env.ACCORD_BENCH_BASELINE_ROOT }] : []),
  { name: 'this checkout', root: repoRoot },
];

/** Statements sent by any pg client of this process (both stores' pg is this checkout's). */
const { statements } = recordPgStatements(pg.Client.prototype);
const isBatchStart = (s: string) => s === 'BEGIN' || s.includes('accord_chat_begin');

interface Sender {
  store: Store;
  caseId: string;
  userId: string;
}

async function setUp(root: string, databaseUrl: string, nodes: number) {
  const { PostgresStore } = (await import(join(root, 'server/src/store/postgres/index.ts'))) as {
    PostgresStore: typeof Store;
  };
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const stores: Store[] = [];
  for (let i = 0; i < nodes; i++) stores.push(await PostgresStore.open({ connectionString: databaseUrl, schema }));
  const first = stores[0]!;
  const senders: Sender[] = [];
  for (let r = 0; r < CASES; r++) {
    const { id: caseId } = await first.createCase({
      id: randomUUID(),
      title: `Bench ${r}`,
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    for (let k = 0; k < PER_CASE; k++) {
      // Messages and audit entries name their sender without a foreign key: no user rows needed.
      senders.push({ store: stores[(r + k) % nodes]!, caseId, userId: randomUUID() });
    }
  }
  return { stores, senders };
}

function send(s: Sender, n: number): Promise<unknown> {
  const m: NewMessage = {
    id: randomUUID(),
    caseId: s.caseId,
    channel: 'joint',
    clientId: `${s.userId}-${n}`,
    senderId: s.userId,
    senderName: 'p',
    senderRole: 'customer',
    text: `message ${n}: the offer of 1,250 a month stands until Friday`,
    createdAt: new Date().toISOString(),
  };
  return s.store.appendMessage(m, (stored, previous) =>
    entryBuilder(s.caseId, s.userId, 'chat.message', { channel: stored.channel, seq: stored.seq })(previous),
  );
}

/** Runs one scenario for STEP_MS; returns its figures. */
async function measure(senders: Sender[], mode: 'closed' | 'rate'): Promise<Row> {
  const latencies: number[] = [];
  let failed = 0;
  const s0 = statements.length;
  const cpu0 = process.cpuUsage();
  const pg0 = cpuOfCommand('postgres');
  const t0 = performance.now();
  const end = t0 + STEP_MS;
  let n = 0;
  const one = async (s: Sender) => {
    const t = performance.now();
    try {
      await send(s, n++);
      latencies.push(performance.now() - t);
    } catch {
      failed++;
    }
  };
  if (mode === 'closed') {
    await Promise.all(
      senders.map(async (s) => {
        while (performance.now() < end) await one(s);
      }),
    );
  } else {
    // Each sender at RATE msg/s, the senders' starts spread over the first interval.
    const gap = 1000 / RATE;
    const pending: Promise<void>[] = [];
    await Promise.all(
      senders.map(async (s, i) => {
        let next = t0 + (gap * i) / senders.length;
        while (next < end) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          pending.push(one(s));
          next += gap;
        }
      }),
    );
    await Promise.all(pending);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pgCpu = cpuOfCommand('postgres') - pg0;
  const sent = statements.slice(s0);
  const batches = sent.filter(isBatchStart).length;
  return {
    ...storeRunColumns(latencies, failed, wall),
    batches,
    'msgs/batch': round(latencies.length / batches, 1),
    'statements/batch': round(sent.length / batches, 2),
    'Node CPU ms/1k msgs': round(((cpu.user + cpu.system) / 1000 / latencies.length) * 1000, 0),
    'PG CPU ms/1k msgs': round((pgCpu / latencies.length) * 1000, 0),
  };
}

holdMachineLock();
console.log(
  `chat-pg: ${variants.map((v) => `${v.name} (${v.root})`).join(' vs ')}; ${ROUNDS} round(s), ${STEP_MS} ms per step`,
);
const databaseUrl = await freshDatabase(ADMIN_URL, DB_NAME);
const rows: Row[] = [];
try {
  const scenarios = [
    { scenario: '1 sender, waits for each ack', nodes: 1, mode: 'closed' as const, only: 1 },
    { scenario: `${CASES}×${PER_CASE} senders at ${RATE} msg/s, 2 nodes`, nodes: 2, mode: 'rate' as const },
    { scenario: `${CASES}×${PER_CASE} senders, closed loop, 1 node`, nodes: 1, mode: 'closed' as const },
  ];
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    for (const sc of scenarios) {
      for (const v of variants) {
        const { stores, senders } = await setUp(v.root, databaseUrl, sc.nodes);
        try {
          // A short warm-up (connections, plans), not measured.
          await Promise.all(senders.slice(0, 10).map((s) => send(s, -1)));
          const row = await measure(sc.only ? senders.slice(0, sc.only) : senders, sc.mode);
          rows.push({ round: round_, scenario: sc.scenario, store: v.name, ...row });
          console.log(JSON.stringify(rows[rows.length - 1]));
        } finally {
          for (const s of stores) await s.close();
        }
      }
    }
  }
} finally {
  await dropDatabase(ADMIN_URL, DB_NAME);
}
printTable('PostgreSQL chat batch', rows);
console.log(`\nresult: ${writeResult('chat-pg', { stepMs: STEP_MS, rows })}`);
