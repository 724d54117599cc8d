import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { LoopWatch } from './loop.js';
import { cpuMs, rssKb } from './proc.js';
import { rng, SEED } from './rng.js';
import type { Row } from './report.js';
import { PARTICIPANTS, type BenchRoom } from './rooms.js';
import { runSchedule } from './schedule.js';
import { round, summarize } from './stats.js';

// The chat fan-out workload, shared by the chat and scale-out benchmarks: rooms of three
// participants, each sending on a fixed schedule, each message received by the two others.

/** One participant's connection, in the load generator. */
interface Participant {
  socket: Socket;
  room: number;
  index: number;
}

/** What a server under test is: Accord (authenticated, acknowledged sends) or the bare baseline. */
/**
 * The rate ladder shared by the chat and scale-out benchmarks, from the environment (docs/PERFORMANCE.md),
 * and the same settings as they are written into each result.
 */
export function ladderSettings(env: NodeJS.ProcessEnv = process.env) {
  const quick = env.ACCORD_BENCH_QUICK === '1';
  const rooms = Number(env.ACCORD_BENCH_ROOMS ?? (quick ? 30 : 300));
  const rates = (env.ACCORD_BENCH_RATES ?? (quick ? '0.5,5' : '0.5,2,5')).split(',').map(Number);
  const stepMs = Number(env.ACCORD_BENCH_STEP_MS ?? (quick ? 2000 : 6000));
  /** Discarded: lets the servers' JIT warm up before the first measured step. */
  const warmup = { rate: 1, ms: quick ? 1000 : 3000 };
  const config = {
    rooms,
    rates,
    stepMs,
    seed: SEED,
    warmup,
    quick,
    accordRoot: env.ACCORD_BENCH_ACCORD_ROOT ?? null,
    experiment: env.ACCORD_BENCH_ACCORD_ENV ?? null,
  };
  return { quick, rooms, rates, stepMs, warmup, config };
}

export type Flavour = 'accord' | 'bare';

export interface FanoutClients {
  flavour: Flavour;
  participants: Participant[];
  close(): void;
}

/** Message ids stay unique across ladders in one process (Accord stores a clientId once per sender). */
let counter = 0;

interface Pending {
  at: number;
  sender: number;
  left: number;
  acked: boolean;
  refused: boolean;
}

/** Which of the servers each participant connects to (the scale-out benchmark spreads them). */
export type Placement = (room: number, participant: number) => number;

/**
 * Connects three participants per room, `concurrency` handshakes at a time, and resolves when each
 * is in its room (Accord: `room:welcome`; bare: connected). WebSocket transport only.
 */
export async function connectFanout(
  flavour: Flavour,
  urls: readonly string[],
  rooms: readonly BenchRoom[] | number,
  placement: Placement = () => 0,
  concurrency = 50,
): Promise<FanoutClients> {
  const roomCount = typeof rooms === 'number' ? rooms : rooms.length;
  const participants: Participant[] = [];
  const open = (room: number, k: number): Promise<Participant> => {
    const url = urls[placement(room, k)]!;
    const auth =
      flavour === 'bare'
        ? { room: `room-${room}` }
        : (() => {
            const r = (rooms as readonly BenchRoom[])[room]!;
            return { token: r.tokens[PARTICIPANTS[k]!], caseId: r.caseId };
          })();
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`participant ${room}/${k} did not get in`)), 30_000);
      const done = () => {
        clearTimeout(timer);
        resolve({ socket, room, index: room * 3 + k });
      };
      if (flavour === 'bare') socket.once('connect', done);
      else socket.once('room:welcome', done);
      socket.once('connect_error', (err) => reject(err));
      socket.on('accord:error', (e: { code: string; message: string }) =>
        console.error(`participant ${room}/${k}: accord:error ${e.code} ${e.message}`),
      );
    });
  };
  const all: [number, number][] = [];
  for (let r = 0; r < roomCount; r++) for (let k = 0; k < 3; k++) all.push([r, k]);
  for (let i = 0; i < all.length; i += concurrency) {
    participants.push(...(await Promise.all(all.slice(i, i + concurrency).map(([r, k]) => open(r, k)))));
  }
  return {
    flavour,
    participants,
    close: () => participants.forEach((p) => p.socket.disconnect()),
  };
}

export interface StepResult {
  rate: number;
  sent: number;
  acked: number;
  refused: number;
  delivered: number;
  expected: number;
  /** Messages acknowledged (Accord) or sent (bare) that did not reach both other participants. */
  lost: number;
  /** Accord: messages neither acknowledged nor refused by the end of the drain. */
  unacked: number;
  p50: number;
  p99: number;
  max: number;
  cpuMs: number;
  cpuPer1kDeliveries: number;
  rssMiB: number;
  loopP99Ms: number;
  /** The load generator's own CPU use over the step, in % of one core. */
  loadgenCpuPct: number;
  void: boolean;
  refusals: Record<string, number>;
}

const WORDS =
  'the amount fee refund charge card statement merchant account interest payment agreed proposal we can offer you ' +
  'please confirm by friday partial settlement documents receipt transfer bank within days understand concern';

/**
 * Runs the rate ladder on connected participants: at each rate (messages per second per
 * participant) every participant sends for `stepMs` on a fixed schedule; latency runs from a
 * message's scheduled send time until the last of the two other participants has it. After the
 * last send it waits for deliveries still in flight for as long as they keep coming (until none came
 * for `drainMs`, at most a minute), so a late message is told apart from a lost one. Server CPU (summed over
 * `pids`) is measured over the step and its drain; RSS (summed) at the end of the step.
 */
export async function runLadder(
  clients: FanoutClients,
  rates: readonly number[],
  stepMs: number,
  pids: readonly number[],
  seed: number,
  drainMs = 5_000,
): Promise<StepResult[]> {
  const random = rng(seed);
  const words = WORDS.split(' ');
  const text = () => {
    const n = 3 + Math.floor(random() * 25);
    return Array.from({ length: n }, () => words[Math.floor(random() * words.length)]!).join(' ');
  };
  const pending = new Map<string, Pending>();
  let latencies: number[] = [];
  let delivered = 0;
  // Messages neither delivered to both others nor refused yet.
  let outstanding = 0;
  const { participants } = clients;
  const listeners = participants.map((p) => {
    const listener = (m: { clientId: string }) => {
      const e = pending.get(m.clientId);
      // A message to its own sender (an echo; Accord sends none, its ack carries it) is not a delivery.
      if (!e || e.sender === p.index) return;
      delivered++;
      if (--e.left === 0) {
        latencies.push(performance.now() - e.at);
        if (!e.refused) outstanding--;
      }
    };
    p.socket.on('chat:message', listener);
    return listener;
  });
  const results: StepResult[] = [];
  for (const rate of rates) {
    pending.clear();
    latencies = [];
    delivered = 0;
    outstanding = 0;
    let acked = 0;
    let refused = 0;
    const refusals: Record<string, number> = {};
    const cpu0 = pids.reduce((s, pid) => s + cpuMs(pid), 0);
    const own0 = process.cpuUsage();
    const wall0 = performance.now();
    const loop = new LoopWatch();
    loop.start();
    const sent = await runSchedule(participants.length, rate, stepMs, (sender, at) => {
      const p = participants[sender]!;
      const clientId = `m${(counter++).toString(36).padStart(8, '0')}`;
      const e: Pending = { at, sender, left: 2, acked: false, refused: false };
      pending.set(clientId, e);
      outstanding++;
      const payload = { clientId, text: text() };
      if (clients.flavour === 'bare') {
        p.socket.emit('chat:send', payload);
        return;
      }
      p.socket.emit('chat:send', payload, (res: { ok: boolean; error?: { code: string } }) => {
        if (res.ok) {
          e.acked = true;
          acked++;
        } else {
          e.refused = true;
          if (e.left > 0) outstanding--;
          refused++;
          const code = res.error?.code ?? 'unknown';
          refusals[code] = (refusals[code] ?? 0) + 1;
        }
      });
    });
    const lastSend = performance.now();
    let progressAt = lastSend;
    let progress = -1;
    while (performance.now() - progressAt < drainMs && performance.now() - lastSend < 60_000) {
      if (outstanding === 0 && (clients.flavour === 'bare' || acked + refused === sent)) break;
      if (delivered + acked + refused !== progress) {
        progress = delivered + acked + refused;
        progressAt = performance.now();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const { p99Ms, void: isVoid } = loop.stop();
    const cpu = pids.reduce((s, pid) => s + cpuMs(pid), 0) - cpu0;
    const rss = pids.reduce((s, pid) => s + rssKb(pid), 0);
    const own = process.cpuUsage(own0);
    const loadgenCpuPct = (100 * (own.user + own.system)) / 1000 / (performance.now() - wall0);
    const counted = clients.flavour === 'bare' ? [...pending.values()] : [...pending.values()].filter((e) => e.acked);
    const lost = counted.filter((e) => e.left > 0).length;
    const s = summarize(latencies);
    results.push({
      rate,
      sent,
      acked: clients.flavour === 'bare' ? sent : acked,
      refused,
      delivered,
      expected: counted.length * 2,
      lost,
      unacked: clients.flavour === 'bare' ? 0 : sent - acked - refused,
      p50: round(s.p50),
      p99: round(s.p99),
      max: round(s.max),
      cpuMs: Math.round(cpu),
      cpuPer1kDeliveries: delivered > 0 ? round((cpu * 1000) / delivered) : NaN,
      rssMiB: round(rss / 1024),
      loopP99Ms: round(p99Ms),
      loadgenCpuPct: Math.round(loadgenCpuPct),
      void: isVoid,
      refusals,
    });
    await new Promise((r) => setTimeout(r, 1000));
  }
  participants.forEach((p, i) => p.socket.off('chat:message', listeners[i]));
  return results;
}

/** A step as a table row (void steps keep their numbers but say so). */
export function stepRow(server: string, r: StepResult): Row {
  return {
    server,
    'msg/s/participant': r.rate,
    sent: r.sent,
    'delivered/expected': `${r.delivered}/${r.expected}`,
    lost: r.lost,
    unacked: r.unacked,
    refused: r.refused,
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    'max ms': r.max,
    'CPU ms/1k deliveries': r.cpuPer1kDeliveries,
    'RSS MiB': r.rssMiB,
    'loadgen loop p99 ms': r.loopP99Ms,
    'loadgen CPU %': r.loadgenCpuPct,
    result: r.void ? 'VOID' : 'ok',
  };
}
