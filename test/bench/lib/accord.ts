import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccordServer, loadConfig } from '@accord/server';
import type { CaseRole, InviteAcceptResult } from '@accord/shared';
import { experimentEnv, profileArgs } from './rooms.js';
import { repoRoot, startProcess, type BenchProcess } from './spawn.js';

export interface BenchCase {
  caseId: string;
  /** A session token per role, from the real invite-accept route. */
  tokens: Partial<Record<CaseRole, string>>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Setup step, before the measured server starts: opens the data dir with Accord in this process,
 * creates `count` cases through the case service, one invite per role, each accepted over the real
 * HTTP route (as a browser does) for a session token, opens the room for drafting (no waiting room),
 * then closes. The measured server is a separate process started on the same data dir afterwards; the
 * tokens stay valid because the token secret lives in the data dir.
 */
export async function prepareAccordCases(
  dataDir: string,
  count: number,
  roles: readonly CaseRole[] = ['customer', 'platform', 'mediator'],
): Promise<BenchCase[]> {
  const config = loadConfig({
    PORT: '0',
    ACCORD_DATA_DIR: dataDir,
    ACCORD_LOG_LEVEL: 'silent',
    ACCORD_SEED: 'false',
  });
  const server = createAccordServer(config);
  const { url } = await server.listen();
  const out: BenchCase[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const c = await server.cases.createCaseAsSystem({
        title: `Benchmark case ${i + 1}`,
        category: 'fees_and_charges',
        amountInDisputeCents: 48_000,
      });
      const tokens: BenchCase['tokens'] = {};
      for (const role of roles) {
        const invite = await server.cases.createInviteAsSystem(c.id, { role, displayName: `${role} ${i + 1}` });
        const code = invite.url.split('/join/')[1];
        const res = await fetch(`${url}/api/invites/${code}/accept`, { method: 'POST' });
        if (!res.ok) throw new Error(`invite accept failed: ${res.status} ${await res.text()}`);
        tokens[role] = ((await res.json()) as InviteAcceptResult).token;
      }
      await server.store.updateRoomState(c.id, { lobby: false, phase: 'drafting' });
      out.push({ caseId: c.id, tokens });
    }
  } finally {
    await server.close();
  }
  return out;
}

/**
 * Starts `accord serve` on a data dir as a separate, pinned process with its production defaults
 * (SQLite synchronous=FULL, authentication, validation, persistence before relay, audit); `env`
 * adds settings such as ACCORD_DOC_UNLOAD_MS. As everywhere in test/bench: ACCORD_BENCH_PROF=1 writes
 * a CPU profile to test/bench/results/profiles/, ACCORD_BENCH_ACCORD_ROOT=<dir> runs another
 * checkout's server (before/after a change), ACCORD_BENCH_ACCORD_ENV adds announced experiment settings.
 */
export function startAccordProcess(dataDir: string, env: Record<string, string> = {}): Promise<BenchProcess> {
  const root = process.env.ACCORD_BENCH_ACCORD_ROOT ?? repoRoot;
  return startProcess(
    join(root, 'server/src/cli.ts'),
    ['serve'],
    {
      PORT: '0',
      ACCORD_DATA_DIR: dataDir,
      ACCORD_SEED: 'false',
      ACCORD_LOG_LEVEL: 'info',
      ...env,
      ...experimentEnv(),
    },
    undefined,
    profileArgs(),
  );
}
