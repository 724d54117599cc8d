import { join } from 'node:path';
import { SqliteStore } from '@accord/server';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { connectDoc, connectRoom, newClientId, waitSynced } from '../helpers/clients';
import { runCli, spawnServer, type ServerProcess } from '../helpers/process';
import { acceptInvite, makeTempDir } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';

const dataDir = makeTempDir('accord-restart-');
// The server process and the directory go when the file ends (spawnOwned, makeTempDir), however it ends.
let proc: ServerProcess | null = null;

describe('nothing acknowledged is lost when the server process is killed (kill -9)', () => {
  it('chat messages acked and edits relayed before the kill are there after restart', async () => {
    const demo = JSON.parse(await runCli(['demo', '--json'], dataDir)) as {
      caseId: string;
      invites: Record<'customer' | 'platform' | 'mediator', string>;
    };
    proc = await spawnServer(dataDir, { ACCORD_SEED: 'false' });
    const tokens = {
      customer: (await acceptInvite(proc.url, demo.invites.customer)).token,
      platform: (await acceptInvite(proc.url, demo.invites.platform)).token,
      mediator: (await acceptInvite(proc.url, demo.invites.mediator)).token,
    };
    // The mediator opens the session for drafting and lets the parties in.
    const mediator = await connectRoom(proc.url, tokens.mediator, demo.caseId);
    for (const phase of ['opening', 'joint', 'drafting'] as const) {
      expect((await mediator.socket.emitWithAck('room:phase', { phase })).ok).toBe(true);
    }
    expect((await mediator.socket.emitWithAck('lobby:admit', { all: true })).ok).toBe(true);
    mediator.close();
    const customer = await connectRoom(proc.url, tokens.customer, demo.caseId);
    const platform = await connectRoom(proc.url, tokens.platform, demo.caseId);
    const writer = connectDoc(proc.url, demo.caseId, tokens.mediator);
    const watcher = connectDoc(proc.url, demo.caseId, tokens.platform);
    await Promise.all([waitSynced(writer), waitSynced(watcher)]);
    // The demo case starts with the disputed amount in its terms.
    expect(writer.doc.getMap('terms').get('amountInDisputeCents')).toBe(128_000);

    // Workload: both parties send as fast as acks come back; the mediator types.
    const acked = new Set<string>();
    let running = true;
    // A send in flight at the kill is never answered: the loops stop waiting for it then, however slow
    // the acks before it were.
    let killed: () => void = () => undefined;
    const dead = new Promise<null>((resolve) => (killed = () => resolve(null)));
    const sender = async (client: typeof customer, tag: string) => {
      while (running) {
        const id = newClientId();
        const ack = await Promise.race([client.send(`${tag} ${id}`, id).catch(() => null), dead]);
        if (ack?.ok) acked.add(id);
        else return;
      }
    };
    const loops = [sender(customer, 'c'), sender(platform, 'p')];
    const body = draft(writer.doc);
    const typing = (async () => {
      for (let i = 0; running && i < 10_000; i++) {
        body.insert(body.length, `${i % 10}`);
        await sleep(1);
      }
    })();
    await waitFor(() => acked.size >= 40 && bodyText(watcher.doc).length >= 40, 'workload under way');

    // Killed while sends and edits are in flight.
    await proc.kill9();
    running = false;
    killed();
    await Promise.all([...loops, typing]);
    // Every ack arrived before the process died; what the watcher has was relayed, so stored first.
    const relayed = bodyText(watcher.doc);
    const ackedBeforeKill = new Set(acked);
    for (const c of [customer, platform]) c.close();
    writer.destroy();
    watcher.destroy();

    proc = await spawnServer(dataDir, { ACCORD_SEED: 'false' });
    const reader = await connectRoom(proc.url, tokens.mediator, demo.caseId, { lastSeq: 0 });
    const head = reader.welcomes[0]?.headSeq ?? 0;
    await waitFor(() => reader.messages.length === head, 'replay');
    const stored = reader.messages.map((m) => m.clientId);
    expect(new Set(stored).size).toBe(stored.length);
    expect(reader.messages.map((m) => m.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const missing = [...ackedBeforeKill].filter((id) => !stored.includes(id));
    expect(missing).toEqual([]);

    const after = connectDoc(proc.url, demo.caseId, tokens.customer, new Y.Doc());
    await waitSynced(after);
    const text = bodyText(after.doc);
    expect(text.startsWith(relayed)).toBe(true);
    expect(after.doc.getMap('terms').get('amountInDisputeCents')).toBe(128_000);
    after.destroy();
    reader.close();
  });

  it('a graceful stop compacts open documents and a restart serves the same state', async () => {
    if (!proc) throw new Error('no server');
    const demo = JSON.parse(await runCli(['demo', '--json'], dataDir)) as {
      caseId: string;
      invites: Record<string, string>;
    };
    const token = (await acceptInvite(proc.url, demo.invites.mediator ?? '')).token;
    const mediator = await connectRoom(proc.url, token, demo.caseId);
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'joint' })).ok).toBe(true);
    mediator.close();
    const a = connectDoc(proc.url, demo.caseId, token);
    const watcher = connectDoc(proc.url, demo.caseId, token);
    await Promise.all([waitSynced(a), waitSynced(watcher)]);
    draft(a.doc).insert(0, '每月还款1,000元，共12期。');
    // Relayed to another connection: the server holds the edit (and stored it first) before it stops.
    await waitFor(() => bodyText(watcher.doc) === '每月还款1,000元，共12期。', 'the edit relayed');
    expect(await proc.stop()).toBe(0);
    a.destroy();
    watcher.destroy();
    const store = new SqliteStore({ filename: join(dataDir, 'accord.db') });
    const stored = await store.loadDoc(demo.caseId);
    await store.close();
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toEqual([]);
    proc = await spawnServer(dataDir, { ACCORD_SEED: 'false' });
    const b = connectDoc(proc.url, demo.caseId, token);
    await waitSynced(b);
    expect(bodyText(b.doc)).toBe('每月还款1,000元，共12期。');
    b.destroy();
  });
});
