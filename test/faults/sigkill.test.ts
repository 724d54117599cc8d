import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '@accord/server';
import { connectDoc, waitSynced } from '../helpers/clients';
import { freePort } from '../helpers/net';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { makeTempDir, startServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { Party, checkHistory, docFromStore, expectClean, runWorkload, storedChat } from './workload';

const dataDir = makeTempDir('accord-fault-kill-');
// The server process and the directory go when the file ends (spawnOwned, makeTempDir), however it ends.
let proc: ServerProcess | null = null;

describe('fault: the server process is killed with SIGKILL mid-workload', () => {
  it('restarted on the same data, nothing acknowledged is lost or doubled and the replicas are identical', async () => {
    // The case and the parties' sessions are made in-process on the data dir, then served by a real process.
    const setup = await startServer({ dataDir });
    const c = await setup.createCase('Fault: SIGKILL');
    await setup.close();
    const port = await freePort();
    const env = { ACCORD_SEED: 'false', PORT: String(port), ACCORD_DOC_UNLOAD_MS: '50' };
    proc = await spawnServer(dataDir, env);
    const url = proc.url;
    const parties = await Promise.all(
      (['customer', 'platform', 'mediator'] as const).map((role) => Party.join(role, url, c.caseId, c.tokens[role])),
    );
    const workload = runWorkload(parties);
    await waitFor(() => parties.every((p) => p.acked.size >= 5 && p.marksAcked.size >= 8), 'workload under way');

    // A burst from everyone, so the kill lands with sends and edit confirmations on the wire.
    for (const p of parties) for (let i = 0; i < 5; i++) p.say();
    await waitFor(() => parties.some((p) => p.sending) && parties.some((p) => p.probesInFlight > 0), 'in flight');
    // No shutdown hook runs. The clients keep typing and retrying.
    await proc.kill9();
    const inFlight = parties.filter((p) => p.sending).length;
    const ackedAtKill = parties.reduce((n, p) => n + p.acked.size, 0);
    await sleep(300);
    proc = await spawnServer(dataDir, env);
    // The same clients find it again by themselves (socket.io-client and y-websocket reconnect).
    await waitFor(() => parties.every((p) => p.connected && p.doc.provider.synced), 'everyone back');
    await waitFor(
      () => parties.reduce((n, p) => n + p.acked.size, 0) >= ackedAtKill + 15,
      'workload going on after the restart',
    );
    await workload.stop();
    await Promise.all(parties.map((p) => p.settle()));

    const fresh = connectDoc(url, c.caseId, c.tokens.observer);
    await waitSynced(fresh);
    // WAL: a second connection reads what the running server committed.
    const store = new SqliteStore({ filename: join(dataDir, 'accord.db') });
    const fromStore = await docFromStore(store, c.caseId);
    await store.close();
    const report = await checkHistory(
      'SIGKILL mid-workload, restart on the same data',
      parties,
      await storedChat(url, c.tokens.observer, c.caseId),
      { ...Object.fromEntries(parties.map((p) => [p.role, p.doc.doc])), fresh: fresh.doc, store: fromStore },
      { strictOrder: true },
    );
    console.log(`  at the kill: ${ackedAtKill} messages acked, ${inFlight} parties with a send in flight`);
    expect(ackedAtKill).toBeGreaterThan(0);
    expectClean(report, expect);
    fresh.destroy();
    await Promise.all(parties.map((p) => p.close()));
  });
});
