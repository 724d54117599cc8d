import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { connectFanout, type Flavour } from './fanout.js';
import { cpuMs } from './proc.js';
import type { BenchRoom } from './rooms.js';
import { repoRoot } from './spawn.js';
import { round } from './stats.js';

// The signalling half of the call benchmark: rooms of three socket.io-clients, each joining the call
// and setting up its two peer connections by sending what Chromium sends, through the server.

interface Candidate {
  candidate: string;
  sdpMid: string;
  sdpMLineIndex: number;
  usernameFragment: string;
}

/** A real Chromium offer and answer (audio and video) and eight ICE candidates each way; see the file's `source`. */
export const CHROMIUM_CALL = JSON.parse(readFileSync(join(repoRoot, 'test/bench/lib/chromium-call.json'), 'utf8')) as {
  source: string;
  offer: string;
  answer: string;
  offerCandidates: Candidate[];
  answerCandidates: Candidate[];
};

/** Signals one pair exchanges: an offer and an answer, and the candidates of both sides. */
export const SIGNALS_PER_PAIR = 2 + CHROMIUM_CALL.offerCandidates.length + CHROMIUM_CALL.answerCandidates.length;
/** Rooms of three: three pairs, each one peer connection of the mesh. */
const PAIRS: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
];

interface Ack {
  ok: boolean;
  error?: { code: string; reason?: string; message: string };
}

interface Member {
  socket: Socket;
  room: number;
  k: number;
  peerId: string;
  /** Peers (other than this one) in the last call state it received. */
  seen: number;
  received: number;
}

/** Peer ids sort as k does, so that of each pair the smaller k makes the offer (as the client does). */
const peerIdOf = (room: number, k: number) => `bench-peer-${String(room).padStart(5, '0')}-${k}`;

export interface SignallingSettings {
  rooms: number;
  /** Measured set-up rounds (join, every pair's offer, answer and candidates, leave), after one warm-up. */
  rounds: number;
  /** Each idle period: the sockets in the room but not in a call, then in the call. */
  idleMs: number;
}

export interface SignallingRun {
  server: string;
  rooms: number;
  sockets: number;
  rounds: number;
  signalsPerRound: number;
  /** Per round: server CPU ms of the joins (with every call state they cause), of the signals, of the leaves. */
  joinCpuMs: number[];
  signalCpuMs: number[];
  leaveCpuMs: number[];
  /** Per round: wall time from the first join sent to the last signal received. */
  setupWallMs: number[];
  refused: number;
  idleNoCallCpuMs: number;
  idleInCallCpuMs: number;
  idleMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * One server's run: connects `rooms` × 3 participants, sets up every room's call once and leaves it (a
 * discarded warm-up), measures the process's CPU while they sit idle in the room, then `rounds`
 * set-ups of every room's call, then the CPU while every call stays open and idle.
 */
export async function runSignalling(
  flavour: Flavour,
  server: string,
  url: string,
  pid: number,
  rooms: readonly BenchRoom[] | number,
  s: SignallingSettings,
): Promise<SignallingRun> {
  const clients = await connectFanout(flavour, [url], rooms);
  let refused = 0;
  /** A refused offer is never answered, so the round could not complete: it ends with an error instead of a wait. */
  let refusedSignals = 0;
  const members: Member[] = clients.participants.map((p) => {
    const room = p.room;
    const k = p.index - room * 3;
    return { socket: p.socket, room, k, peerId: peerIdOf(room, k), seen: 0, received: 0 };
  });
  const emit = (m: Member, event: string, payload: unknown) =>
    (m.socket.emitWithAck(event, payload) as Promise<Ack>).then((ack) => {
      if (!ack.ok) {
        refused++;
        if (event === 'call:signal') refusedSignals++;
        if (refused <= 5) console.error(`${server}: ${event} refused: ${JSON.stringify(ack.error)}`);
      }
    });
  for (const m of members) {
    m.socket.on('call:state', (st: { peers: unknown[] }) => {
      // Accord lists the others; the bare relay lists every peer id in the call, this one's included.
      m.seen = flavour === 'accord' ? st.peers.length : st.peers.filter((p) => p !== m.peerId).length;
    });
    m.socket.on('call:signal', (sig: { from: string; kind: string; description?: { type: string } }) => {
      m.received++;
      // The answerer answers the offer and sends its candidates, as a browser does.
      if (sig.kind === 'description' && sig.description?.type === 'offer') {
        const to = sig.from;
        void emit(m, 'call:signal', {
          to,
          kind: 'description',
          description: { type: 'answer', sdp: CHROMIUM_CALL.answer },
        });
        for (const c of CHROMIUM_CALL.answerCandidates)
          void emit(m, 'call:signal', { to, kind: 'candidate', candidate: c });
      }
    });
  }
  const signalsPerRound = members.length * SIGNALS_PER_PAIR;

  const round1 = async () => {
    const cpu0 = cpuMs(pid);
    const t0 = performance.now();
    await Promise.all(members.map((m) => emit(m, 'call:join', { peerId: m.peerId, audio: true, video: true })));
    await until(() => members.every((m) => m.seen === 2), 'every participant to see two peers');
    const cpu1 = cpuMs(pid);
    for (const m of members) m.received = 0;
    const sends: Promise<void>[] = [];
    for (let room = 0; room < members.length / 3; room++) {
      for (const [a, b] of PAIRS) {
        const from = members[room * 3 + a]!;
        const to = peerIdOf(room, b);
        sends.push(
          emit(from, 'call:signal', {
            to,
            kind: 'description',
            description: { type: 'offer', sdp: CHROMIUM_CALL.offer },
          }),
        );
        for (const c of CHROMIUM_CALL.offerCandidates)
          sends.push(emit(from, 'call:signal', { to, kind: 'candidate', candidate: c }));
      }
    }
    await Promise.all(sends);
    await until(
      () => refusedSignals > 0 || members.reduce((n, m) => n + m.received, 0) >= signalsPerRound,
      `${signalsPerRound} signals delivered`,
    );
    if (refusedSignals > 0) throw new Error(`${server}: ${refusedSignals} signals refused (rate limit?)`);
    const setupWall = performance.now() - t0;
    const cpu2 = cpuMs(pid);
    return { join: cpu1 - cpu0, signal: cpu2 - cpu1, setupWall };
  };
  const leave = async () => {
    const cpu0 = cpuMs(pid);
    await Promise.all(members.map((m) => emit(m, 'call:leave', {})));
    await until(() => members.every((m) => m.seen === 0), 'every participant to see the call empty');
    return cpuMs(pid) - cpu0;
  };

  try {
    // Warm-up: the first set-up on a fresh process runs cold code. It comes before both idle periods,
    // so that each follows the same kind of activity (the garbage of set-ups, not of the connections).
    await round1();
    await leave();
    await sleep(2000);
    const idle0 = cpuMs(pid);
    await sleep(s.idleMs);
    const idleNoCallCpuMs = cpuMs(pid) - idle0;
    const run: SignallingRun = {
      server,
      rooms: members.length / 3,
      sockets: members.length,
      rounds: s.rounds,
      signalsPerRound,
      joinCpuMs: [],
      signalCpuMs: [],
      leaveCpuMs: [],
      setupWallMs: [],
      refused: 0,
      idleNoCallCpuMs,
      idleInCallCpuMs: NaN,
      idleMs: s.idleMs,
    };
    for (let r = 0; r < s.rounds; r++) {
      // A round is ~20 events per socket; Accord's production limit refills 20 a second (burst 100).
      await sleep(1000);
      const one = await round1();
      run.joinCpuMs.push(one.join);
      run.signalCpuMs.push(one.signal);
      run.setupWallMs.push(round(one.setupWall));
      // The last round's calls stay open for the idle measurement.
      if (r < s.rounds - 1) run.leaveCpuMs.push(await leave());
    }
    await sleep(2000);
    const idle1 = cpuMs(pid);
    await sleep(s.idleMs);
    run.idleInCallCpuMs = cpuMs(pid) - idle1;
    run.refused = refused;
    return run;
  } finally {
    clients.close();
  }
}

/** The table row of one run: CPU per call set-up and per signal, and per call-minute while idle. */
export function signallingRow(r: SignallingRun): Record<string, string | number> {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const calls = r.rooms * r.rounds;
  const join = sum(r.joinCpuMs);
  const signal = sum(r.signalCpuMs);
  const minutes = r.idleMs / 60_000;
  const sortedWall = [...r.setupWallMs].sort((a, b) => a - b);
  return {
    server: r.server,
    rooms: r.rooms,
    'calls set up': calls,
    signals: r.signalsPerRound * r.rounds,
    refused: r.refused,
    'join CPU ms/call': round(join / calls, 2),
    'signal CPU µs/signal': round((signal * 1000) / (r.signalsPerRound * r.rounds), 0),
    'set-up CPU ms/call': round((join + signal) / calls, 2),
    'leave CPU ms/call': r.leaveCpuMs.length ? round(sum(r.leaveCpuMs) / (r.rooms * r.leaveCpuMs.length), 2) : '',
    'all rooms set up, median ms': sortedWall[Math.floor(sortedWall.length / 2)] ?? '',
    'idle, not in call: CPU ms/min': round(r.idleNoCallCpuMs / minutes, 1),
    'idle, in call: CPU ms/min': round(r.idleInCallCpuMs / minutes, 1),
    'difference per call-minute ms': round((r.idleInCallCpuMs - r.idleNoCallCpuMs) / minutes / r.rooms, 2),
  };
}
