/**
 * Benchmark 1, chat fan-out: 300 rooms × 3 participants on the WebSocket transport, every
 * participant sending on a fixed schedule at 0.5, 2 and 5 messages per second (6 s per step), each
 * message received by the two other participants. Accord (production defaults: SQLite
 * synchronous=FULL, authentication, validation, persistence before the acknowledgement, audit) is
 * compared with a bare Socket.IO server that only joins rooms and rebroadcasts, in the same run, and
 * with the same bare server storing each message before relaying it (`bare-durable`: one unindexed
 * SQLite table, Accord's group commit and deferred fdatasync; see servers/bare-socketio.ts), the floor
 * under any server that stores before anyone hears of a message.
 *
 *   npx tsx test/bench/chat.bench.ts
 *   ACCORD_BENCH_QUICK=1        30 rooms, two short steps (a smoke run, not a measurement)
 *   ACCORD_BENCH_ROOMS=n        rooms (default 300)
 *   ACCORD_BENCH_RATES=0.5,2,5  the ladder, messages per second per participant
 *   ACCORD_BENCH_STEP_MS=6000   length of each step
 *   ACCORD_BENCH_SERVERS=bare,bare-durable,accord   which servers to run
 *   ACCORD_BENCH_PROF=1         Accord writes a CPU profile (test/bench/results/profiles/)
 */
import { metricValue, prepareRooms, startAccordServe } from './lib/rooms.js';
import { connectFanout, ladderSettings, runLadder, stepRow, type StepResult } from './lib/fanout.js';
import { rssKb } from './lib/proc.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { SEED } from './lib/rng.js';
import { pinSelf, repoRoot, startProcess } from './lib/spawn.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
const { rooms: ROOMS, rates: RATES, stepMs: STEP_MS, warmup: WARMUP, config } = ladderSettings(env);
const SERVERS = (env.ACCORD_BENCH_SERVERS ?? 'bare,bare-durable,accord').split(',');

const BARE = 'bare Socket.IO';
const BARE_DURABLE = 'bare Socket.IO, storing first';

interface ServerRun {
  server: string;
  rssIdleMiB: number;
  steps: StepResult[];
  notes: Record<string, number | string>;
}

async function runBare(durable: boolean): Promise<ServerRun> {
  const dir = durable ? mkdtempSync(join(tmpdir(), 'accord-bench-bare-')) : null;
  const proc = await startProcess('test/bench/servers/bare-socketio.ts', [], {
    PORT: '0',
    ...(dir ? { BARE_DURABLE: dir } : {}),
  });
  try {
    const clients = await connectFanout('bare', [`http://127.0.0.1:${proc.port}`], ROOMS);
    const rssIdleMiB = rssKb(proc.pid) / 1024;
    await runLadder(clients, [WARMUP.rate], WARMUP.ms, [proc.pid], SEED, 2000);
    const steps = await runLadder(clients, RATES, STEP_MS, [proc.pid], SEED);
    clients.close();
    return { server: durable ? BARE_DURABLE : BARE, rssIdleMiB, steps, notes: {} };
  } finally {
    await proc.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function runAccord(): Promise<ServerRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-bench-chat-'));
  try {
    const t0 = Date.now();
    const rooms = await prepareRooms(ROOMS, { dataDir });
    console.log(`accord: ${ROOMS} rooms prepared in ${Date.now() - t0} ms`);
    const proc = await startAccordServe({ ACCORD_DATA_DIR: dataDir });
    try {
      const clients = await connectFanout('accord', [`http://127.0.0.1:${proc.port}`], rooms);
      const rssIdleMiB = rssKb(proc.pid) / 1024;
      await runLadder(clients, [WARMUP.rate], WARMUP.ms, [proc.pid], SEED, 2000);
      const steps = await runLadder(clients, RATES, STEP_MS, [proc.pid], SEED);
      // The server's own count of stored messages, to set against the acknowledgements.
      const stored = await metricValue(proc.port, 'accord_chat_messages_total');
      if (env.ACCORD_BENCH_TRACE_GC === '1') {
        const file = join(repoRoot, 'test/bench/results/profiles', `chat-server-gc-${Date.now()}.log`);
        writeFileSync(file, proc.output());
        console.log(`accord: the server's output with its GC trace is in ${file}`);
      }
      clients.close();
      return {
        server: 'Accord',
        rssIdleMiB,
        steps,
        notes: {
          storedMessages: stored,
          ackedMessages: steps.reduce((s, r) => s + r.acked, 0),
          warmupMessagesIncluded: 'storedMessages includes the warm-up',
        },
      };
    } finally {
      await proc.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

pinSelf();
console.log(
  `chat fan-out: ${ROOMS} rooms × 3 participants, ladder ${RATES.join('/')} msg/s per participant, ${STEP_MS} ms per step`,
);
const runs: ServerRun[] = [];
if (SERVERS.includes('bare')) runs.push(await runBare(false));
if (SERVERS.includes('bare-durable')) runs.push(await runBare(true));
if (SERVERS.includes('accord')) runs.push(await runAccord());

const rows: Row[] = runs.flatMap((r) => r.steps.map((s) => stepRow(r.server, s)));
printTable('Chat fan-out', rows);

// Targets at the top rate: p99 ≤ 50 ms with zero loss; Accord's CPU per 1,000 deliveries ≤ 2× bare.
const top = Math.max(...RATES);
const at = (server: string) => runs.find((r) => r.server === server)?.steps.find((s) => s.rate === top);
const accord = at('Accord');
const bare = at(BARE);
const bareDurable = at(BARE_DURABLE);
const targets: Row[] = [];
if (accord) {
  targets.push({
    target: `p99 ≤ 50 ms at ${top} msg/s, zero loss`,
    measured: `p99 ${accord.p99} ms, lost ${accord.lost}, unacknowledged ${accord.unacked}, refused ${accord.refused}`,
    met: !accord.void && accord.p99 <= 50 && accord.lost === 0 && accord.unacked === 0 && accord.refused === 0,
  });
}
if (accord && bare) {
  const ratio = accord.cpuPer1kDeliveries / bare.cpuPer1kDeliveries;
  targets.push({
    target: 'CPU per 1,000 deliveries ≤ 2× bare Socket.IO',
    measured: `${accord.cpuPer1kDeliveries} vs ${bare.cpuPer1kDeliveries} ms (${ratio.toFixed(2)}×)`,
    met: !accord.void && !bare.void && ratio <= 2,
  });
}
if (accord && bareDurable) {
  // Not a target of its own: the baseline a durable chat server could be held to instead (issue 22).
  const ratio = accord.cpuPer1kDeliveries / bareDurable.cpuPer1kDeliveries;
  const floor = bare ? ` (it is ${(bareDurable.cpuPer1kDeliveries / bare.cpuPer1kDeliveries).toFixed(2)}× bare)` : '';
  targets.push({
    target: 'for comparison: CPU per 1,000 deliveries against bare Socket.IO storing each message first',
    measured: `${accord.cpuPer1kDeliveries} vs ${bareDurable.cpuPer1kDeliveries} ms (${ratio.toFixed(2)}×)${floor}`,
    met: '—',
  });
}
if (targets.length) printTable('Chat targets', targets);
const file = writeResult('chat', {
  config,
  runs,
  targets,
});
console.log(`\nwritten to ${file}`);
