/**
 * Benchmark 3, idle connections: ramps to 4,000 authenticated room connections, each a Socket.IO
 * room connection plus a stock y-websocket provider on the case's agreement document (rooms of three,
 * so about 1,334 documents), holds them, and reports RSS and heap per connection above the process's
 * own baseline. Baselines in the same run: bare Socket.IO (the room connection only), and bare
 * Socket.IO with the reference y-websocket server (y-websocket 2.1.0, persistence off) on the same
 * port (the room connection plus the document, as Accord). Then every client leaves and the run
 * checks that Accord unloads the documents nobody has open (`accord_documents_loaded` reaches 0).
 *
 *   npx tsx test/bench/idle.bench.ts
 *   ACCORD_BENCH_QUICK=1               300 connections, short hold, unload after 1 s
 *   ACCORD_BENCH_CONNECTIONS=4000      connections
 *   ACCORD_BENCH_SERVERS=bare,bare+yjs,accord
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { LoopWatch } from './lib/loop.js';
import { rssKb } from './lib/proc.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { SEED } from './lib/rng.js';
import { metricValue, PARTICIPANTS, prepareRooms, startAccordServe, type BenchRoom } from './lib/rooms.js';
import { pinSelf, startProcess, type BenchProcess } from './lib/spawn.js';
import { round } from './lib/stats.js';

const env = process.env;
const quick = env.ACCORD_BENCH_QUICK === '1';
const N = Number(env.ACCORD_BENCH_CONNECTIONS ?? (quick ? 300 : 4000));
const ROOMS = Math.ceil(N / 3);
const HOLD_MS = quick ? 3000 : 10_000;
/**
 * Socket.IO's connection state recovery (on in Accord, 2 minutes by default) keeps every broadcast
 * packet of the window (here the presence updates of the ramp) and drops them on a 60 s timer; the
 * steady idle figure is taken once they are gone. Quick runs skip it.
 */
const STEADY_AFTER_MS = quick ? 0 : 2 * 60_000 + 65_000;
const SERVERS = (env.ACCORD_BENCH_SERVERS ?? 'bare,bare+yjs,accord').split(',');
/** Accord's production default keeps a document 30 s after its last connection; quick runs shorten it. */
const UNLOAD_MS = quick ? 1000 : 30_000;

interface Memory {
  rssKb: number;
  heapUsedKb: number;
}

interface IdleRun {
  server: string;
  connections: number;
  documents: number;
  rampMs: number;
  base: Memory;
  held: Memory;
  /** Accord, after the recovery window: what an idle connection costs for as long as it stays. */
  steady?: Memory;
  rssPerConnKb: number;
  heapPerConnKb: number;
  steadyRssPerConnKb?: number;
  steadyHeapPerConnKb?: number;
  loadedWhileHeld?: number;
  unloadedAfterMs?: number | null;
  loopP99Ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** One participant's connections: the room, and (unless bare) the agreement document. */
interface Conn {
  socket: Socket;
  provider: WebsocketProvider | null;
}

function openRoom(url: string, auth: object, accord: boolean): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('room connection timed out')), 60_000);
    socket.once(accord ? 'room:welcome' : 'connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => reject(err));
  });
}

function openDoc(url: string, docName: string, token: string | null): Promise<WebsocketProvider> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, docName, doc, {
    ...(token ? { params: { token } } : {}),
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`document ${docName} did not sync`)), 60_000);
    provider.once('sync', () => {
      clearTimeout(timer);
      resolve(provider);
    });
  });
}

async function ramp(
  url: string,
  kind: 'bare' | 'bare+yjs' | 'accord',
  rooms: readonly BenchRoom[] | null,
): Promise<Conn[]> {
  const conns: Conn[] = [];
  const one = async (i: number): Promise<Conn> => {
    const room = Math.floor(i / 3);
    const who = PARTICIPANTS[i % 3]!;
    if (kind === 'accord') {
      const r = rooms![room]!;
      const [socket, provider] = await Promise.all([
        openRoom(url, { token: r.tokens[who], caseId: r.caseId }, true),
        openDoc(url, r.caseId, r.tokens[who]),
      ]);
      return { socket, provider };
    }
    const socket = await openRoom(url, { room: `room-${room}` }, false);
    const provider = kind === 'bare+yjs' ? await openDoc(url, `doc-${room}`, null) : null;
    return { socket, provider };
  };
  for (let i = 0; i < N; i += 100) {
    conns.push(...(await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => one(i + k)))));
  }
  return conns;
}

async function memoryOf(proc: BenchProcess, accord: boolean): Promise<Memory> {
  const rss = rssKb(proc.pid);
  if (accord) {
    const heap = await metricValue(proc.port, 'accord_nodejs_heap_size_used_bytes');
    return { rssKb: rss, heapUsedKb: heap / 1024 };
  }
  const m = (await (await fetch(`http://127.0.0.1:${proc.port}/memory`)).json()) as { heapUsed: number };
  return { rssKb: rss, heapUsedKb: m.heapUsed / 1024 };
}

/** Median of samples taken once a second, so one GC does not decide the figure. */
async function settledMemory(proc: BenchProcess, accord: boolean, ms: number): Promise<Memory> {
  const samples: Memory[] = [];
  const until = Date.now() + ms;
  do {
    await sleep(1000);
    samples.push(await memoryOf(proc, accord));
  } while (Date.now() < until);
  return { rssKb: median(samples.map((s) => s.rssKb)), heapUsedKb: median(samples.map((s) => s.heapUsedKb)) };
}

async function run(kind: 'bare' | 'bare+yjs' | 'accord'): Promise<IdleRun> {
  const accord = kind === 'accord';
  const dataDir = accord ? mkdtempSync(join(tmpdir(), 'accord-bench-idle-')) : null;
  try {
    let rooms: BenchRoom[] | null = null;
    if (dataDir) {
      const t0 = Date.now();
      rooms = await prepareRooms(ROOMS, { dataDir });
      console.log(`accord: ${ROOMS} rooms prepared in ${Date.now() - t0} ms`);
    }
    const proc = dataDir
      ? await startAccordServe({ ACCORD_DATA_DIR: dataDir, ACCORD_DOC_UNLOAD_MS: String(UNLOAD_MS) })
      : await startProcess('test/bench/servers/bare-socketio.ts', [], {
          PORT: '0',
          ...(kind === 'bare+yjs' ? { BARE_YJS: '1' } : {}),
        });
    try {
      const url = `http://127.0.0.1:${proc.port}`;
      const base = await settledMemory(proc, accord, 3000);
      const t0 = Date.now();
      const conns = await ramp(url, kind, rooms);
      const rampMs = Date.now() - t0;
      const loop = new LoopWatch();
      loop.start();
      const held = await settledMemory(proc, accord, HOLD_MS);
      const { p99Ms } = loop.stop();
      if (accord && env.ACCORD_BENCH_HEAPSNAP === '1') {
        process.kill(proc.pid, 'SIGUSR2');
        console.log('accord: heap snapshot requested (test/bench/results/profiles/)');
        await sleep(20_000);
      }
      let steady: Memory | undefined;
      if (accord && STEADY_AFTER_MS > 0) {
        console.log(`accord: holding ${Math.round(STEADY_AFTER_MS / 1000)} s past the recovery window…`);
        await sleep(STEADY_AFTER_MS - HOLD_MS - 5000);
        steady = await settledMemory(proc, accord, 5000);
      }
      const loadedWhileHeld = accord ? await metricValue(proc.port, 'accord_documents_loaded') : undefined;
      for (const c of conns) {
        c.socket.disconnect();
        c.provider?.destroy();
        c.provider?.doc.destroy();
      }
      let unloadedAfterMs: number | null | undefined;
      if (accord) {
        const left = Date.now();
        unloadedAfterMs = null;
        while (Date.now() - left < UNLOAD_MS + 15_000) {
          if ((await metricValue(proc.port, 'accord_documents_loaded')) === 0) {
            unloadedAfterMs = Date.now() - left;
            break;
          }
          await sleep(250);
        }
      }
      return {
        server: kind === 'bare' ? 'bare Socket.IO' : kind === 'bare+yjs' ? 'bare Socket.IO + y-websocket' : 'Accord',
        connections: conns.length,
        documents: kind === 'bare' ? 0 : ROOMS,
        rampMs,
        base,
        held,
        ...(steady ? { steady } : {}),
        rssPerConnKb: round((held.rssKb - base.rssKb) / conns.length, 2),
        heapPerConnKb: round((held.heapUsedKb - base.heapUsedKb) / conns.length, 2),
        ...(steady
          ? {
              steadyRssPerConnKb: round((steady.rssKb - base.rssKb) / conns.length, 2),
              steadyHeapPerConnKb: round((steady.heapUsedKb - base.heapUsedKb) / conns.length, 2),
            }
          : {}),
        ...(loadedWhileHeld !== undefined ? { loadedWhileHeld } : {}),
        ...(unloadedAfterMs !== undefined ? { unloadedAfterMs } : {}),
        loopP99Ms: round(p99Ms),
      };
    } finally {
      await proc.stop();
    }
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

pinSelf();
// Each stock provider adds a process 'exit' listener.
process.setMaxListeners(0);
console.log(`idle connections: ${N} (rooms of 3, ${ROOMS} documents), hold ${HOLD_MS} ms`);
const runs: IdleRun[] = [];
for (const kind of ['bare', 'bare+yjs', 'accord'] as const) if (SERVERS.includes(kind)) runs.push(await run(kind));

const rows: Row[] = runs.flatMap((r) => {
  const row = (when: string, m: Memory, rssPer: number, heapPer: number): Row => ({
    server: r.server,
    when,
    connections: r.connections,
    documents: r.documents,
    'ramp s': round(r.rampMs / 1000),
    'base RSS MiB': round(r.base.rssKb / 1024),
    'RSS MiB': round(m.rssKb / 1024),
    'RSS KB/conn': rssPer,
    'base heap MiB': round(r.base.heapUsedKb / 1024),
    'heap MiB': round(m.heapUsedKb / 1024),
    'heap KB/conn': heapPer,
    'docs loaded': r.loadedWhileHeld ?? '',
    'all unloaded after (s)':
      r.unloadedAfterMs === undefined
        ? ''
        : r.unloadedAfterMs === null
          ? 'NOT UNLOADED'
          : round(r.unloadedAfterMs / 1000),
  });
  const out = [row(`${HOLD_MS / 1000} s after ramp`, r.held, r.rssPerConnKb, r.heapPerConnKb)];
  if (r.steady && r.steadyRssPerConnKb !== undefined && r.steadyHeapPerConnKb !== undefined) {
    out.push(row('past recovery window', r.steady, r.steadyRssPerConnKb, r.steadyHeapPerConnKb));
  }
  return out;
});
printTable('Idle connections', rows);
const accordRun = runs.find((r) => r.server === 'Accord');
const targets: Row[] = accordRun
  ? [
      {
        target: '≤ 30 KB RSS per idle connection (Socket.IO + document) above the process baseline',
        measured:
          accordRun.steadyRssPerConnKb !== undefined
            ? `${accordRun.steadyRssPerConnKb} KB steady (${accordRun.rssPerConnKb} KB right after the ramp, recovery buffers included)`
            : `${accordRun.rssPerConnKb} KB right after the ramp`,
        met: (accordRun.steadyRssPerConnKb ?? accordRun.rssPerConnKb) <= 30,
      },
      {
        target: 'documents nobody has open are unloaded',
        measured:
          accordRun.unloadedAfterMs === null || accordRun.unloadedAfterMs === undefined
            ? 'still loaded'
            : `all ${accordRun.loadedWhileHeld} unloaded ${round((accordRun.unloadedAfterMs ?? 0) / 1000)} s after the last client left (unload delay ${UNLOAD_MS / 1000} s)`,
        met: accordRun.unloadedAfterMs !== null && accordRun.unloadedAfterMs !== undefined,
      },
    ]
  : [];
if (targets.length) printTable('Idle targets', targets);
const file = writeResult('idle', {
  config: {
    connections: N,
    rooms: ROOMS,
    holdMs: HOLD_MS,
    steadyAfterMs: STEADY_AFTER_MS,
    unloadMs: UNLOAD_MS,
    seed: SEED,
    quick,
  },
  runs,
  targets,
});
console.log(`\nwritten to ${file}`);
