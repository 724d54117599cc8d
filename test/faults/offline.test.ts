import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { Party, checkOnServer, expectClean, runWorkload } from './workload';

const RECOVERY_MS = 1000;

describe('fault: a client offline for longer than the recovery window', () => {
  let t: TestServer;
  let c: TestCase;

  beforeAll(async () => {
    // A short window stands for the two minutes of production; "back after an hour" is the same path.
    t = await startServer({ env: { ACCORD_RECOVERY_MS: String(RECOVERY_MS) } });
    c = await t.createCase('Fault: offline');
  });
  afterAll(() => t.close());

  it('what it wrote offline is stored once, what it missed is replayed once and in order', async () => {
    const parties = await Promise.all(
      (['customer', 'platform', 'mediator'] as const).map((role) => Party.join(role, t.url, c.caseId, c.tokens[role])),
    );
    const [customer, platform] = parties as [Party, Party, Party];
    const workload = runWorkload(parties);
    await waitFor(() => parties.every((p) => p.acked.size >= 3 && p.marksAcked.size >= 4), 'workload under way');

    // The customer loses the network for longer than the window; the platform rep for a moment only.
    const before = { marks: customer.marks.length, sent: customer.sent.size };
    customer.goOffline();
    platform.goOffline();
    await sleep(200);
    platform.goOnline();
    await sleep(RECOVERY_MS + 600);
    const offline = {
      marks: customer.marks.length - before.marks,
      messages: customer.sent.size - before.sent,
      queued: customer.outbox.length,
    };
    customer.goOnline();
    await waitFor(() => customer.connected && customer.doc.provider.synced, 'customer back');
    await sleep(300);
    await workload.stop();
    await Promise.all(parties.map((p) => p.settle()));

    const report = await checkOnServer(
      `client offline ${RECOVERY_MS + 800} ms, recovery window ${RECOVERY_MS} ms`,
      parties,
      { url: t.url, store: t.server.store },
      { caseId: c.caseId, observerToken: c.tokens.observer },
      { strictOrder: true },
    );
    console.log(
      `  offline: ${offline.messages} messages written (${offline.queued} still queued at reconnect), ${offline.marks} edits; replayed on return: ${customer.room.welcomes.at(-1)?.replayed}`,
    );
    // The window really was outlasted (a fresh session, replayed from the store), and the short cut recovered.
    expect(customer.room.socket.recovered).toBe(false);
    expect(customer.room.welcomes.at(-1)?.replayed).toBeGreaterThan(0);
    expect(platform.room.socket.recovered).toBe(true);
    expect(offline.marks).toBeGreaterThan(0);
    expect(offline.queued).toBeGreaterThan(0);
    expectClean(report, expect);
    await Promise.all(parties.map((p) => p.close()));
  });
});
