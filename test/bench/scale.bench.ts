/**
 * Benchmark 5, scale-out overhead: benchmark 1's Accord side (rooms of three participants, the same
 * rate ladder) on one node and then with each room's participants spread over two nodes, both on
 * the same PostgreSQL database and Redis, so the only difference is the scale-out: a message stored
 * on one node reaches the participants on the other through the Redis streams adapter.
 *
 * On this 2-core machine the load generator has core 0 and every Accord node core 1 (two nodes share
 * it); PostgreSQL and Redis are not pinned. So two nodes have no more CPU than one: the comparison
 * shows what the extra hop costs, not what a second machine would add.
 *
 *   npx tsx test/bench/scale.bench.ts
 *   ACCORD_BENCH_QUICK=1   30 rooms, two short steps
 *   ACCORD_BENCH_ROOMS, ACCORD_BENCH_RATES, ACCORD_BENCH_STEP_MS as for the chat benchmark
 *   ACCORD_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres: a database
 *   accord_bench_scale is created in it and dropped after), ACCORD_BENCH_REDIS_URL (default
 *   redis://127.0.0.1:6379, keys under a prefix of the run's own)
 *   ACCORD_BENCH_SCALE_SPREAD=1   an experiment, not the benchmark: the second node runs on the load
 *   generator's core, so the two nodes do not take turns on one core (the load generator then shares
 *   its core, against the rules; announced in the output and the JSON)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connectFanout, ladderSettings, runLadder, stepRow, type StepResult } from './lib/fanout.js';
import { cpuOfCommand } from './lib/proc.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { SEED } from './lib/rng.js';
import { dropDatabase, freshDatabase, prepareRooms, startAccordServe } from './lib/rooms.js';
import { LOADGEN_CORE, pinSelf, type BenchProcess } from './lib/spawn.js';
import { round } from './lib/stats.js';

const env = process.env;
const { rooms: ROOMS, rates: RATES, stepMs: STEP_MS, warmup: WARMUP, config } = ladderSettings(env);
const ADMIN_URL = env.ACCORD_BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.ACCORD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DB_NAME = 'accord_bench_scale';
const SPREAD = env.ACCORD_BENCH_SCALE_SPREAD === '1';

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

interface ScaleRun {
  nodes: number;
  steps: StepResult[];
  redisCpuMs: number;
  postgresCpuMs: number;
}

pinSelf();
if (SPREAD) console.log('EXPERIMENT: the second node shares the load generator core (ACCORD_BENCH_SCALE_SPREAD=1)');
console.log(
  `scale-out: ${ROOMS} rooms × 3 participants on 1 node, then spread over 2; ladder ${RATES.join('/')} msg/s, ${STEP_MS} ms per step`,
);
const dataDir = mkdtempSync(join(tmpdir(), 'accord-bench-scale-'));
const databaseUrl = await freshDatabase(ADMIN_URL, DB_NAME);
const prefix = `accord-bench-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL);
const runs: ScaleRun[] = [];
try {
  const t0 = Date.now();
  const rooms = await prepareRooms(ROOMS, { dataDir, databaseUrl });
  console.log(`${ROOMS} rooms prepared in PostgreSQL in ${Date.now() - t0} ms`);
  const nodeEnv = {
    ACCORD_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    ACCORD_REDIS_PREFIX: prefix,
  };
  for (const count of [1, 2]) {
    const nodes: BenchProcess[] = [];
    try {
      // One at a time: migrations run at start.
      // SPREAD (an experiment): the second node on the load generator's core instead of the first
      // node's, to see how much of the two-node p99 is the two nodes taking turns on one core.
      for (let i = 0; i < count; i++)
        nodes.push(await startAccordServe(nodeEnv, SPREAD && i === 1 ? LOADGEN_CORE : undefined));
      const urls = nodes.map((n) => `http://127.0.0.1:${n.port}`);
      // Each room has participants on both nodes: participant k of room r on node (r + k) mod 2.
      const clients = await connectFanout('accord', urls, rooms, (r, k) => (r + k) % count);
      const pids = nodes.map((n) => n.pid);
      await runLadder(clients, [WARMUP.rate], WARMUP.ms, pids, SEED, 2000);
      const redis0 = await redisCpuMs(redis);
      const pg0 = cpuOfCommand('postgres');
      const steps = await runLadder(clients, RATES, STEP_MS, pids, SEED);
      runs.push({
        nodes: count,
        steps,
        redisCpuMs: Math.round((await redisCpuMs(redis)) - redis0),
        postgresCpuMs: Math.round(cpuOfCommand('postgres') - pg0),
      });
      clients.close();
    } finally {
      for (const n of nodes) await n.stop();
    }
  }
} finally {
  await redis.quit();
  await dropDatabase(ADMIN_URL, DB_NAME).catch((err: unknown) => console.error('could not drop the database', err));
  rmSync(dataDir, { recursive: true, force: true });
}

const rows: Row[] = runs.flatMap((r) =>
  r.steps.map((s) => ({ ...stepRow(r.nodes === 1 ? 'Accord, 1 node' : 'Accord, 2 nodes', s) })),
);
printTable('Scale-out overhead (Accord on PostgreSQL + Redis)', rows);
printTable(
  'Scale-out: CPU of the shared services over the whole ladder',
  runs.map((r) => ({
    nodes: r.nodes,
    'Redis CPU ms': r.redisCpuMs,
    'PostgreSQL CPU ms (all backends)': r.postgresCpuMs,
  })),
);
const top = Math.max(...RATES);
const one = runs.find((r) => r.nodes === 1)?.steps.find((s) => s.rate === top);
const two = runs.find((r) => r.nodes === 2)?.steps.find((s) => s.rate === top);
const targets: Row[] =
  one && two
    ? [
        {
          target: `two nodes add ≤ 5 ms to the chat p99 (at ${top} msg/s)`,
          measured: `p99 ${one.p99} → ${two.p99} ms (+${round(two.p99 - one.p99)})`,
          met: !one.void && !two.void && two.p99 - one.p99 <= 5 && two.lost === 0 && two.unacked === 0,
        },
      ]
    : [];
if (targets.length) printTable('Scale-out target', targets);
const file = writeResult('scale', {
  config: { ...config, spread: SPREAD },
  runs,
  targets,
});
console.log(`\nwritten to ${file}`);
