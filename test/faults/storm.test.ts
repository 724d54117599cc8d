import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '@accord/server';
import { freePort } from '../helpers/net';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { makeTempDir, startServer, type TestCase } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { Party, checkHistory, docFromStore, expectClean, runWorkload, storedChat, type FaultReport } from './workload';

const CASES = 10;
const dataDir = makeTempDir('accord-fault-storm-');
// The server process and the directory go when the file ends (spawnOwned, makeTempDir), however it ends.
let proc: ServerProcess | null = null;

describe('fault: every client reconnects at once after a restart', () => {
  it(`${CASES * 3} parties in ${CASES} cases come back together; nothing acknowledged lost or doubled`, async () => {
    const setup = await startServer({ dataDir });
    const cases: TestCase[] = [];
    for (let i = 0; i < CASES; i++) cases.push(await setup.createCase(`Fault: storm ${i}`));
    await setup.close();
    const env = { ACCORD_SEED: 'false', PORT: String(await freePort()), ACCORD_DOC_UNLOAD_MS: '50' };
    proc = await spawnServer(dataDir, env);
    const url = proc.url;
    const groups = await Promise.all(
      cases.map((c) =>
        Promise.all(
          (['customer', 'platform', 'mediator'] as const).map((role) =>
            Party.join(role, url, c.caseId, c.tokens[role]),
          ),
        ),
      ),
    );
    const everyone = groups.flat();
    // Slower per person than the other faults: thirty people on two cores.
    const workload = runWorkload(everyone, { chatEveryMs: 250, editEveryMs: 150, probeEvery: 2 });
    await waitFor(() => everyone.every((p) => p.acked.size >= 1 && p.marksAcked.size >= 1), 'workload under way');

    // Killed, and started again: every socket.io-client and y-websocket provider retries at once
    // (reconnection delays of 50–200 ms), 60 connections arriving together.
    await proc.kill9();
    await sleep(200);
    proc = await spawnServer(dataDir, env);
    const restartedAt = Date.now();
    await waitFor(() => everyone.every((p) => p.connected && p.doc.provider.synced), 'everyone back');
    const backAfter = Date.now() - restartedAt;
    const acked = everyone.reduce((n, p) => n + p.acked.size, 0);
    await waitFor(() => everyone.reduce((n, p) => n + p.acked.size, 0) >= acked + 30, 'chat flowing again');
    await workload.stop();
    await Promise.all(everyone.map((p) => p.settle(20_000)));

    const store = new SqliteStore({ filename: join(dataDir, 'accord.db') });
    const reports: FaultReport[] = [];
    for (const [i, parties] of groups.entries()) {
      const c = cases[i] as TestCase;
      reports.push(
        await checkHistory(
          `storm, case ${i}`,
          parties,
          await storedChat(url, c.tokens.observer, c.caseId),
          {
            ...Object.fromEntries(parties.map((p) => [p.role, p.doc.doc])),
            store: await docFromStore(store, c.caseId),
          },
          { strictOrder: true, quiet: true },
        ),
      );
    }
    await store.close();
    const sum = (f: (r: FaultReport) => number) => reports.reduce((n, r) => n + f(r), 0);
    console.log(
      [
        `[fault: reconnect storm, ${everyone.length} parties (${everyone.length * 2} connections) in ${CASES} cases after SIGKILL and restart]`,
        `  all back ${backAfter} ms after the new process listened`,
        `  chat: ${sum((r) => r.chat.sent)} sent, ${sum((r) => r.chat.acked)} acked; lost ${sum((r) => r.chat.lost.length)}, duplicated ${sum((r) => r.chat.duplicated.length)}`,
        `  delivery: ${sum((r) => Object.values(r.delivery).reduce((n, d) => n + d.received, 0))} received, ${sum((r) => Object.values(r.delivery).reduce((n, d) => n + d.missing.length, 0))} missing, ${sum((r) => Object.values(r.delivery).reduce((n, d) => n + d.outOfOrder, 0))} out of order`,
        `  edits: ${sum((r) => r.edits.made)} made, ${sum((r) => r.edits.acked)} acked; lost ${sum((r) => r.edits.lost.length)}, duplicated ${sum((r) => r.edits.duplicated.length)}`,
        `  replicas: ${sum((r) => r.replicas.count)} in ${CASES} cases, ${sum((r) => r.replicas.differing.length)} differing`,
      ].join('\n'),
    );
    for (const r of reports) expectClean(r, expect);
    await Promise.all(everyone.map((p) => p.close()));
  });
});
