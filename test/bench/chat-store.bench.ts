/**
 * The SQLite chat store on its own (issue 22): this checkout's SqliteStore and a baseline's (an export
 * of an earlier commit) in one run, alternately, each on a fresh file with the production settings
 * (WAL, synchronous=FULL, the group commit and its deferred fdatasync). Every message goes through
 * appendMessage with its audit entry built as the chat service builds it (the message's content hash
 * and the chained entry, each side with its own `shared/` and `audit/log.ts`), so what differs is the
 * storing and hashing of a message, without Socket.IO. CPU is this process's (user + system, the
 * fdatasync threads included), so it is steady on a machine busy with other work, unlike latency.
 *
 *   ACCORD_BENCH_BASELINE_ROOT=<dir> npx -y pnpm@12.4.2 bench chat-store
 *     <dir> from test/bench/export-commit.sh <commit> <dir>; without it, this checkout only
 *   ACCORD_BENCH_QUICK=1   shorter steps, one round
 *   ACCORD_BENCH_ROOMS     rooms (default 300, as the chat benchmark), 3 senders each
 *
 * A third store, "floor (append only)", is no store of Accord's: the same messages (as JSON) appended as
 * rows of one table with no index, no seq, no idempotence and no hash chain, committed by the same group
 * commit with the same deferred fdatasync as the chat store's (SqliteDb, GroupCommit). It is the least
 * any design that stores each message in SQLite, fsynced before acknowledging it, pays here: what the
 * layout and the guarantees add is the difference to it. A fourth, "none (load generator)", stores
 * nothing (each send resolves at once): the in-process load generator's own CPU, which every other row
 * includes. ACCORD_BENCH_FLOOR=0 leaves both out.
 *
 * Scenarios: every sender at 5 msg/s (the chat benchmark's top step: 4,500 messages a second with 300
 * rooms), on one schedule for the whole load (no coordinated omission: latency from the scheduled
 * time); then the same senders each sending again as soon as acknowledged (the most the store takes).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditHead, AuditRecord, NewMessage, SqliteStore as Store } from '@accord/server';
import { appendLog, type AppendLog } from './lib/append-log.js';
import { printTable, writeResult, type Row } from './lib/report.js';
import { holdMachineLock, repoRoot } from './lib/spawn.js';
import { round, storeRunColumns } from './lib/stats.js';

const env = process.env;
const QUICK = env.ACCORD_BENCH_QUICK === '1';
const STEP_MS = QUICK ? 3000 : 8000;
const ROUNDS = QUICK ? 1 : 3;
const ROOMS = Number(env.ACCORD_BENCH_ROOMS ?? 300);
const PER_ROOM = 3;
const RATE = 5;

const variants: { name: string; root: string; floor?: 'append' | 'none' }[] = [
  ...(env.ACCORD_BENCH_BASELINE_ROOT ? [{ name: 'baseline', root: env.ACCORD_BENCH_BASELINE_ROOT }] : []),
  { name: 'this checkout', root: repoRoot },
  ...(env.ACCORD_BENCH_FLOOR === '0'
    ? []
    : [
        { name: 'floor (append only)', root: repoRoot, floor: 'append' as const },
        { name: 'none (load generator)', root: repoRoot, floor: 'none' as const },
      ]),
];

/** Stores nothing: what the load generator costs by itself (see the header). */
class NoStore {
  append(m: NewMessage): Promise<void> {
    // Built as for the others (the message object and its JSON), then dropped.
    return JSON.stringify(m).length > 0 ? Promise.resolve() : Promise.reject(new Error('empty'));
  }

  async close(): Promise<void> {}
}

/** The floor's store (see the header and lib/append-log.ts). */
class FloorStore {
  private readonly log: AppendLog;

  constructor(filename: string) {
    this.log = appendLog(filename);
  }

  append(m: NewMessage): Promise<void> {
    return this.log.append(JSON.stringify(m));
  }

  close(): Promise<void> {
    return this.log.close();
  }
}

interface Side {
  Store: typeof Store;
  entryBuilder: (
    caseId: string,
    actorId: string | null,
    kind: string,
    data: Record<string, unknown>,
  ) => (previous: AuditHead | null) => AuditRecord;
  sha256Hex: (text: string) => string;
  chatMessagePayload: (m: NewMessage & { seq: number }) => string;
}

async function load(root: string): Promise<Side> {
  const { SqliteStore } = (await import(join(root, 'server/src/store/sqlite/index.ts'))) as {
    SqliteStore: typeof Store;
  };
  const log = (await import(join(root, 'server/src/audit/log.ts'))) as Pick<Side, 'entryBuilder' | 'sha256Hex'>;
  const audit = (await import(join(root, 'shared/src/audit.ts'))) as Pick<Side, 'chatMessagePayload'>;
  return { Store: SqliteStore, ...log, chatMessagePayload: audit.chatMessagePayload };
}

interface Sender {
  caseId: string;
  userId: string;
}

function send(side: Side, store: Store | FloorStore | NoStore, s: Sender, n: number): Promise<unknown> {
  const m: NewMessage = {
    id: randomUUID(),
    caseId: s.caseId,
    channel: 'joint',
    // Time-ordered, as the browser makes them (client/src/room/chatState.ts newClientId).
    clientId: `${Date.now().toString(16).padStart(12, '0')}${s.userId.slice(0, 8)}${String(n)}`,
    senderId: s.userId,
    senderName: '张女士',
    senderRole: 'customer',
    text: `第 ${n} 条：每月还款 1,250 元的方案，周五前有效。`,
    createdAt: new Date().toISOString(),
  };
  if (store instanceof FloorStore || store instanceof NoStore) return store.append(m);
  // As ChatService.send builds it.
  return store.appendMessage(m, (stored, previous) =>
    side.entryBuilder(s.caseId, s.userId, 'chat.message', {
      channel: stored.channel,
      contentHash: side.sha256Hex(side.chatMessagePayload(stored)),
      seq: stored.seq,
    })(previous),
  );
}

/** Bytes this process has passed to write calls (the WAL's frames, mostly): /proc/self/io's wchar. */
const written = (): number => Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);

async function measure(side: Side, mode: 'rate' | 'closed', floor: 'append' | 'none' | undefined): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-chat-store-'));
  const file = join(dir, 'accord.db');
  const store =
    floor === 'append' ? new FloorStore(file) : floor === 'none' ? new NoStore() : new side.Store({ filename: file });
  const senders: Sender[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const caseId = randomUUID();
    for (let k = 0; k < PER_ROOM; k++) senders.push({ caseId, userId: randomUUID() });
  }
  // Every room has history, as in a room that has been talking for a while.
  await Promise.all(senders.map((s, i) => send(side, store, s, -1 - i)));
  const latencies: number[] = [];
  let failed = 0;
  let n = 0;
  const cpu0 = process.cpuUsage();
  const w0 = written();
  const t0 = performance.now();
  const end = t0 + STEP_MS;
  const one = async (s: Sender, scheduled: number) => {
    try {
      await send(side, store, s, n++);
      latencies.push(performance.now() - scheduled);
    } catch {
      failed++;
    }
  };
  const pending: Promise<void>[] = [];
  if (mode === 'closed') {
    await Promise.all(
      senders.map(async (s) => {
        while (performance.now() < end) await one(s, performance.now());
      }),
    );
  } else {
    // One timer sends whatever is due, every sender at RATE msg/s with its phase spread evenly.
    const gap = 1000 / RATE;
    const next = senders.map((_, i) => t0 + (gap * i) / senders.length);
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        let left = false;
        for (let i = 0; i < senders.length; i++) {
          while (next[i]! <= now && next[i]! < end) {
            pending.push(one(senders[i]!, next[i]!));
            next[i]! += gap;
          }
          if (next[i]! < end) left = true;
        }
        if (left) setTimeout(tick, 1);
        else done();
      };
      tick();
    });
    await Promise.all(pending);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const bytes = written() - w0;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    ...storeRunColumns(latencies, failed, wall),
    'CPU µs/msg': round(((cpu.user + cpu.system) / latencies.length) * 1, 1),
    'written KB/msg': round(bytes / 1024 / latencies.length, 1),
  };
}

holdMachineLock();
console.log(
  `chat-store: ${variants.map((v) => `${v.name} (${v.root})`).join(' vs ')}; ${ROOMS} rooms × ${PER_ROOM}; ` +
    `${ROUNDS} round(s), ${STEP_MS} ms per step`,
);
const sides = await Promise.all(variants.map(async (v) => ({ ...v, side: await load(v.root) })));
const rows: Row[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  for (const mode of ['rate', 'closed'] as const) {
    for (const v of sides) {
      const row = await measure(v.side, mode, v.floor);
      rows.push({
        round: r,
        scenario: mode === 'rate' ? `${ROOMS * PER_ROOM} senders at ${RATE} msg/s` : 'closed loop',
        store: v.name,
        ...row,
      });
      console.log(JSON.stringify(rows.at(-1)));
    }
  }
}
printTable('SQLite chat store', rows);
writeResult('chat-store', { rooms: ROOMS, perRoom: PER_ROOM, stepMs: STEP_MS, variants, rows });
