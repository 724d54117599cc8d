/**
 * Benchmark 7, the call. Two parts, each with its baseline in the same run:
 *
 * 1. Signalling: rooms × 3 participants (real socket.io-clients) join the call and set up every pair's
 *    peer connection with what Chromium sends (a real ~6 KB audio+video offer and answer, eight ICE
 *    candidates each way) through `call:signal`; the server process's CPU per call set-up and per
 *    signal, then per call-minute while the calls stay open and idle, set against the same sockets
 *    idle outside a call. Baseline: a bare Socket.IO relay (test/bench/servers/bare-signalling.ts).
 * 2. Join to first frame: Accord's built client in Debian's Chromium (fake camera and microphone),
 *    pages already in the room, all but one in the call; the time from clicking "join with video" in
 *    the last one until it decodes video from every peer (and every peer from it), repeated (leave and
 *    rejoin). Baseline: bare RTCPeerConnections between plain pages, SDP and candidates passed
 *    through this process (no server at all): the floor.
 * 3. A caucus: from the mediator's click until the excluded party is cut off both ways, and from
 *    ending it until every pair decodes again (lib/call-caucus.ts); against the bar of one
 *    second, and beside the join times of part 2 (a caucus's end rebuilds connections like a join).
 *
 *   npx tsx test/bench/call.bench.ts
 *   ACCORD_BENCH_QUICK=1               5 rooms, 2 rounds, 5 s idle, 3 repeats (a smoke run)
 *   ACCORD_BENCH_CALL_PARTS=signalling,frames,caucus    which parts to run
 *   ACCORD_BENCH_CALL_CAUCUS_REPEATS=10    caucuses opened and closed in the caucus part
 *   ACCORD_BENCH_CALL_ROOMS=10,30      room counts for the signalling part
 *   ACCORD_BENCH_CALL_ROUNDS=5         measured set-up rounds per room count (after one warm-up)
 *   ACCORD_BENCH_CALL_IDLE_MS=60000    each idle period (not in a call, then in the call)
 *   ACCORD_BENCH_CALL_PAGES=3          pages in the frame part (the last one joins)
 *   ACCORD_BENCH_CALL_REPEATS=10       joins timed per side in the frame part
 *   ACCORD_BENCH_SERVERS=bare,accord   which sides to run
 *   ACCORD_BENCH_CALL_TRACE=1          prints each poll of Accord's joiner (state, audio/video bytes in, frames)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSignalling, signallingRow, SIGNALS_PER_PAIR, type SignallingRun } from './lib/call-signalling.js';
import { runCaucus, type CaucusResult } from './lib/call-caucus.js';
import { quantiles, runFrames, type FramesResult } from './lib/call-frames.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { prepareRooms, startAccordServe } from './lib/rooms.js';
import { pinSelf, repoRoot, startProcess } from './lib/spawn.js';
import { round } from './lib/stats.js';

const env = process.env;
const quick = env.ACCORD_BENCH_QUICK === '1';
const PARTS = (env.ACCORD_BENCH_CALL_PARTS ?? 'signalling,frames,caucus').split(',');
const CAUCUS_REPEATS = Number(env.ACCORD_BENCH_CALL_CAUCUS_REPEATS ?? (quick ? 3 : 10));
const ROOM_COUNTS = (env.ACCORD_BENCH_CALL_ROOMS ?? (quick ? '5' : '10,30')).split(',').map(Number);
const ROUNDS = Number(env.ACCORD_BENCH_CALL_ROUNDS ?? (quick ? 2 : 5));
const IDLE_MS = Number(env.ACCORD_BENCH_CALL_IDLE_MS ?? (quick ? 5000 : 60_000));
const PAGES = Number(env.ACCORD_BENCH_CALL_PAGES ?? 3);
const REPEATS = Number(env.ACCORD_BENCH_CALL_REPEATS ?? (quick ? 3 : 10));
const SERVERS = (env.ACCORD_BENCH_SERVERS ?? 'bare,accord').split(',');

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function signallingBare(rooms: number): Promise<SignallingRun> {
  const proc = await startProcess('test/bench/servers/bare-signalling.ts', [], { PORT: '0' });
  try {
    const url = `http://127.0.0.1:${proc.port}`;
    return await runSignalling('bare', 'bare Socket.IO relay', url, proc.pid, rooms, {
      rooms,
      rounds: ROUNDS,
      idleMs: IDLE_MS,
    });
  } finally {
    await proc.stop();
  }
}

async function signallingAccord(rooms: number): Promise<SignallingRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-bench-call-'));
  try {
    const prepared = await prepareRooms(rooms, { dataDir });
    const proc = await startAccordServe({ ACCORD_DATA_DIR: dataDir });
    try {
      const url = `http://127.0.0.1:${proc.port}`;
      return await runSignalling('accord', 'Accord', url, proc.pid, prepared, {
        rooms,
        rounds: ROUNDS,
        idleMs: IDLE_MS,
      });
    } finally {
      await proc.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

pinSelf();
const loadAtStart = load();
console.log(`call: parts ${PARTS.join(', ')}; load average at start ${loadAtStart}`);
const signalling: SignallingRun[] = [];
if (PARTS.includes('signalling')) {
  console.log(
    `signalling: rooms ${ROOM_COUNTS.join('/')} × 3 participants, ${ROUNDS} measured set-up rounds after a warm-up, ` +
      `${SIGNALS_PER_PAIR} signals per pair, idle periods of ${IDLE_MS / 1000} s`,
  );
  for (const rooms of ROOM_COUNTS) {
    if (SERVERS.includes('bare')) signalling.push(await signallingBare(rooms));
    if (SERVERS.includes('accord')) signalling.push(await signallingAccord(rooms));
  }
  printTable('Call signalling (server CPU)', signalling.map(signallingRow));
}

let frames: FramesResult | null = null;
if (PARTS.includes('frames')) {
  if (SERVERS.includes('accord') && !existsSync(join(repoRoot, 'client/dist/index.html'))) {
    throw new Error('client/dist is missing: run `npx -y pnpm@12.4.2 build` first');
  }
  frames = await runFrames({ pages: PAGES, repeats: REPEATS, sides: SERVERS });
  const rows: Row[] = frames.sides.map((s) => ({
    side: s.side,
    pages: PAGES,
    joins: s.joins.length,
    failed: s.failed,
    'in the call: median ms': round(s.summary.joined.median),
    'connections made: median ms': round(s.summary.links.median),
    'all connected: median ms': round(s.summary.connected.median),
    'joiner decodes every peer: median ms': round(s.summary.joiner.median),
    'p90 ms': round(s.summary.joiner.p90),
    'every page decodes every peer: median ms': round(s.summary.everyone.median),
    'every page: p90 ms': round(s.summary.everyone.p90),
  }));
  // The two sides' joins of one repeat ran back to back, under about the same load: their difference.
  const [floor, accord] = [
    frames.sides.find((s) => s.side !== 'Accord'),
    frames.sides.find((s) => s.side === 'Accord'),
  ];
  if (floor && accord) {
    const diffs = accord.joins.flatMap((a) => {
      const f = floor.joins.find((j) => j.repeat === a.repeat);
      return f ? [a.joiner - f.joiner] : [];
    });
    const d = quantiles(diffs);
    rows.push({
      side: 'Accord − floor, same repeat',
      pages: PAGES,
      joins: diffs.length,
      'joiner decodes every peer: median ms': round(d.median),
      'p90 ms': round(d.p90),
    });
  }
  printTable('Join to first decoded frame (loopback)', rows);
  if (frames.skipped) {
    console.log(`\n!!! ${frames.skipped}`);
    // As a test needing a missing part: loud on a developer machine, a failure under CI.
    if (env.CI === 'true') process.exitCode = 1;
  }
}

let caucus: CaucusResult | null = null;
if (PARTS.includes('caucus') && SERVERS.includes('accord')) {
  caucus = await runCaucus(CAUCUS_REPEATS);
  printTable('A caucus in a three-way call (Chromium, loopback)', [
    {
      step: 'caucus opened → excluded party cut off both ways',
      repeats: caucus.partedMs.length,
      'median ms': round(caucus.parted.median),
      'p90 ms': round(caucus.parted.p90),
      'max ms': round(Math.max(...caucus.partedMs)),
      bar: '1000',
    },
    {
      step: 'caucus ended → every pair decodes again',
      repeats: caucus.joinedMs.length,
      'median ms': round(caucus.joined.median),
      'p90 ms': round(caucus.joined.p90),
      'max ms': round(Math.max(...caucus.joinedMs)),
      bar: '',
    },
  ]);
}

const loadAtEnd = load();
console.log(`\nload average at start ${loadAtStart}, at end ${loadAtEnd} (2 cores)`);
const file = writeResult('call', {
  config: {
    quick,
    parts: PARTS,
    roomCounts: ROOM_COUNTS,
    rounds: ROUNDS,
    idleMs: IDLE_MS,
    pages: PAGES,
    repeats: REPEATS,
    caucusRepeats: CAUCUS_REPEATS,
  },
  loadAverage: { start: loadAtStart, end: loadAtEnd },
  signalling,
  frames,
  caucus,
});
console.log(`written to ${file}`);
