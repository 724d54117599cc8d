import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createAccordServer, loadConfig, PostgresStore, type AccordServer } from '@accord/server';
import type { InviteAcceptResult } from '@accord/shared';
import { repoRoot, startProcess, type BenchProcess } from './spawn.js';

// Rooms for the chat, idle and scale-out benchmarks: many cases of three participants each.

/** The three people of a mediation room, each with a session token from the real invite-accept route. */
export const PARTICIPANTS = ['customer', 'platform', 'mediator'] as const;
export type Participant = (typeof PARTICIPANTS)[number];

export interface BenchRoom {
  caseId: string;
  tokens: Record<Participant, string>;
  userIds: Record<Participant, string>;
}

/**
 * Settings every measured Accord process gets on top of its production defaults (SQLite
 * synchronous=FULL, authentication, validation, persistence before acknowledgement, audit, the
 * default chat and event rate limits): no demo seed, and a per-address connection limit that lets
 * one load generator on 127.0.0.1 open thousands of connections (the default, 200, is meant for
 * real clients, each on its own address).
 */
export const ROOM_BENCH_ENV: Record<string, string> = {
  ACCORD_SEED: 'false',
  ACCORD_MAX_CONNECTIONS_PER_ADDRESS: '100000',
};

async function acceptInvite(baseUrl: string, inviteUrl: string): Promise<InviteAcceptResult> {
  const invite = inviteUrl.split('/join/')[1];
  const res = await fetch(`${baseUrl}/api/invites/${invite}/accept`, { method: 'POST' });
  if (!res.ok) throw new Error(`invite accept failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as InviteAcceptResult;
}

/**
 * Setup before the measured process starts: opens the same data dir (or PostgreSQL database)
 * in-process, creates `count` cases with a customer, a platform and a mediator through the case
 * service, accepts each invite through the real HTTP route (so every participant holds a real
 * session), opens each room for drafting without a waiting room, and closes.
 */
export async function prepareRooms(
  count: number,
  options: { dataDir: string; databaseUrl?: string },
): Promise<BenchRoom[]> {
  const config = loadConfig({
    PORT: '0',
    ACCORD_DATA_DIR: options.dataDir,
    ACCORD_LOG_LEVEL: 'silent',
    // Setup is not measured; its writes need not wait for the disk.
    ACCORD_SQLITE_SYNC: 'normal',
    ...ROOM_BENCH_ENV,
  });
  const store = options.databaseUrl ? await PostgresStore.open({ connectionString: options.databaseUrl }) : undefined;
  const server: AccordServer = createAccordServer(config, store ? { store } : {});
  const { url } = await server.listen();
  const names: Record<Participant, string> = { customer: 'Wang Fang', platform: 'Li Hua', mediator: 'Zhang Wei' };
  const one = async (i: number): Promise<BenchRoom> => {
    const c = await server.cases.createCaseAsSystem({
      title: `Bench room ${i + 1}`,
      category: 'fees_and_charges',
      amountInDisputeCents: 48_000,
    });
    const tokens = {} as Record<Participant, string>;
    const userIds = {} as Record<Participant, string>;
    for (const role of PARTICIPANTS) {
      const invite = await server.cases.createInviteAsSystem(c.id, { role, displayName: names[role] });
      const accepted = await acceptInvite(url, invite.url);
      tokens[role] = accepted.token;
      userIds[role] = accepted.userId;
    }
    await server.store.updateRoomState(c.id, { lobby: false, phase: 'drafting' });
    return { caseId: c.id, tokens, userIds };
  };
  const rooms: BenchRoom[] = [];
  try {
    for (let i = 0; i < count; i += 25) {
      const batch = Array.from({ length: Math.min(25, count - i) }, (_, k) => one(i + k));
      rooms.push(...(await Promise.all(batch)));
    }
  } finally {
    await server.close();
  }
  return rooms;
}

/** A fresh PostgreSQL database of the benchmark's own (dropped first if a previous run left it). */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  await dropDatabase(adminUrl, name);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** With ACCORD_BENCH_PROF=1: node flags that write a CPU profile to test/bench/results/profiles/ on exit. */
export function profileArgs(): string[] {
  const dir = join(repoRoot, 'test/bench/results/profiles');
  mkdirSync(dir, { recursive: true });
  return [
    ...(process.env.ACCORD_BENCH_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []),
    // ACCORD_BENCH_HEAPSNAP=1: `kill -USR2 <server pid>` writes a heap snapshot there.
    ...(process.env.ACCORD_BENCH_HEAPSNAP === '1' ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] : []),
    // ACCORD_BENCH_TRACE_GC=1: V8's one line per garbage collection (pause times) in the server's output.
    ...(process.env.ACCORD_BENCH_TRACE_GC === '1' ? ['--trace-gc'] : []),
  ];
}

/**
 * Starts `accord serve` as the measured process: production defaults plus ROOM_BENCH_ENV and `env`,
 * pinned to `core` (the server core by default), profiled with ACCORD_BENCH_PROF=1. With
 * ACCORD_BENCH_ACCORD_ROOT=<dir> it runs the server of another checkout (e.g. an export of an
 * earlier commit, with node_modules linked to this one's), to measure what a change bought.
 */
export function startAccordServe(env: Record<string, string>, core?: number): Promise<BenchProcess> {
  const root = process.env.ACCORD_BENCH_ACCORD_ROOT;
  const cli = root ? join(root, 'server/src/cli.ts') : 'server/src/cli.ts';
  return startProcess(
    cli,
    ['serve'],
    { PORT: '0', ...ROOM_BENCH_ENV, ...env, ...experimentEnv() },
    core,
    profileArgs(),
  );
}

/**
 * ACCORD_BENCH_ACCORD_ENV="ACCORD_SQLITE_SYNC=normal,…": settings that depart from the production
 * defaults, for experiments only (what does the fsync cost?); announced so no result passes for a
 * production figure unnoticed.
 */
export function experimentEnv(): Record<string, string> {
  const spec = process.env.ACCORD_BENCH_ACCORD_ENV;
  if (!spec) return {};
  const env = Object.fromEntries(
    spec
      .split(',')
      .map((kv) => kv.split('='))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== ''),
  );
  console.log(`!!! experiment: Accord runs with ${JSON.stringify(env)} (not its production defaults)`);
  return env;
}

/** Reads one sample from Accord's Prometheus `/metrics`: the first line for `name` (with `labels`, if given). */
export async function metricValue(port: number, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const prefix = labels ? `${name}{${labels}}` : name;
  const line = text.split('\n').find((l) => l.startsWith(prefix) && /[\s{]/.test(l.charAt(name.length)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}
