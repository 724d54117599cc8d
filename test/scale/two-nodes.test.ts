import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAgreement } from '../helpers/agreement';
import type { AccordServer } from '@accord/server';
import { caucusChannel, caucusNotesName, type CaseEvidenceEvent, type CaseProgress } from '@accord/shared';
import { io } from 'socket.io-client';
import { connectDoc, connectRoom, newClientId, waitSynced, type RoomClient } from '../helpers/clients';
import { REDIS_URL, servicesOrSkip, startPostgresNode, testSchema } from '../helpers/services';
import { acceptInvite, createTestCase, makeTempDir } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';
import { agreeToEveryClause } from '../helpers/negotiation';

const available = await servicesOrSkip('scale-out tests');

describe.skipIf(!available)('two nodes on PostgreSQL and Redis', () => {
  const schema = testSchema('n');
  const prefix = `accord-test-${randomBytes(4).toString('hex')}`;
  const dataDir = makeTempDir('accord-nodes-');
  const nodes: AccordServer[] = [];
  const urls: string[] = [];
  let caseId = '';
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const clients: RoomClient[] = [];

  beforeAll(async () => {
    const env = {
      ACCORD_DATA_DIR: dataDir,
      ACCORD_SEED: 'false',
      REDIS_URL,
      ACCORD_REDIS_PREFIX: prefix,
      ACCORD_DOC_UNLOAD_MS: '50',
    };
    for (let i = 0; i < 2; i++) {
      // Both nodes share one schema of their own in the machine's PostgreSQL.
      const { node, url } = await startPostgresNode(env, schema);
      nodes.push(node);
      urls.push(url);
    }
    const c = await createTestCase(nodes[0] as AccordServer, urls[0] ?? '', {
      title: 'Across nodes',
      roles: ['customer', 'platform', 'mediator'],
      category: 'other',
      amountInDisputeCents: 1000,
    });
    caseId = c.caseId;
    Object.assign(tokens, c.tokens);
    Object.assign(ids, c.userIds);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    for (const n of nodes) await n.close();
  });

  const on = async (node: number, role: string) => {
    const c = await connectRoom(urls[node] ?? '', tokens[role] ?? '', caseId);
    clients.push(c);
    return c;
  };

  it('chat, presence and sequence numbers hold whichever node each party is on', async () => {
    const customer = await on(0, 'customer');
    const platform = await on(1, 'platform');
    const mediator = await on(0, 'mediator');
    await waitFor(
      () => platform.presence.at(-1)?.participants.filter((p) => p.online).length === 3,
      'all three online, seen from node B',
    );
    const sends = [];
    for (let i = 0; i < 10; i++) {
      sends.push(customer.send(`a${i}`), platform.send(`b${i}`), mediator.send(`c${i}`));
    }
    expect((await Promise.all(sends)).every((a) => a.ok)).toBe(true);
    for (const c of [customer, platform, mediator]) {
      await waitFor(() => c.messages.length === 30, 'all 30 delivered');
      // Unique and gap-free across nodes; messages from different nodes may arrive in either order,
      // and the client orders them by seq.
      expect(c.messages.map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
  });

  it('a document is the same whichever node a client reaches; each update stored once', async () => {
    const a = connectDoc(urls[0] ?? '', caseId, tokens.customer ?? '');
    const b = connectDoc(urls[1] ?? '', caseId, tokens.platform ?? '');
    await Promise.all([waitSynced(a), waitSynced(b)]);
    const before = (await nodes[0]?.store.loadDoc(caseId))?.updates.length ?? 0;
    // One transaction each (the paragraph and its text), as the editor makes one update per keystroke.
    a.doc.transact(() => draft(a.doc).insert(0, 'node A '));
    b.doc.transact(() => draft(b.doc).insert(0, 'node B '));
    await waitFor(() => bodyText(a.doc) === bodyText(b.doc) && bodyText(a.doc).length === 14, 'converged across nodes');
    await sleep(200);
    const after = (await nodes[0]?.store.loadDoc(caseId))?.updates.length ?? 0;
    expect(after - before).toBe(2);
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    a.destroy();
    b.destroy();
  });

  it('the mediator on one node mutes and locks; the rules hold for a party on the other', async () => {
    const mediator = await on(0, 'mediator');
    const platform = await on(1, 'platform');
    expect((await mediator.socket.emitWithAck('moderation:mute', { userId: ids.platform ?? '', muted: true })).ok).toBe(
      true,
    );
    expect(await platform.send(`muted ${newClientId()}`)).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect(
      (await mediator.socket.emitWithAck('moderation:mute', { userId: ids.platform ?? '', muted: false })).ok,
    ).toBe(true);
    expect((await mediator.socket.emitWithAck('agreement:lock', { locked: true })).ok).toBe(true);
    await waitFor(() => platform.states.at(-1)?.agreementLocked === true, 'lock seen on node B');
    const doc = connectDoc(urls[1] ?? '', caseId, tokens.platform ?? '');
    await waitSynced(doc);
    draft(doc.doc).insert(0, 'refused');
    await waitFor(() => doc.denied.length > 0, 'refused on node B');
    doc.destroy();
  });

  it('connection state recovery works through the Redis streams adapter', async () => {
    const customer = await on(0, 'customer');
    const platform = await on(1, 'platform');
    await waitFor(() => customer.socket.connected && platform.socket.connected, 'connected');
    const id = customer.socket.id;
    customer.socket.io.reconnection(false);
    customer.socket.io.engine.close();
    await waitFor(() => !customer.socket.connected, 'dropped');
    const acks = [await platform.send('away 1'), await platform.send('away 2')];
    expect(acks.every((a) => a.ok)).toBe(true);
    customer.socket.io.reconnection(true);
    customer.socket.connect();
    await waitFor(() => customer.socket.connected && customer.welcomes.length === 2, 'back');
    expect(customer.socket.recovered).toBe(true);
    expect(customer.socket.id).toBe(id);
    for (const text of ['away 1', 'away 2'])
      await waitFor(() => customer.messages.some((m) => m.text === text), `received ${text}`);
  });

  it('admission, caucus privacy, the freeze and removal hold with the mediator and the parties on different nodes', async () => {
    const a = nodes[0] as AccordServer;
    const d = await a.cases.createCaseAsSystem({
      title: 'Rules across nodes',
      category: 'other',
      amountInDisputeCents: 1,
    });
    await a.store.updateRoomState(d.id, { lobby: true, phase: 'joint' });
    const tk: Record<string, string> = {};
    const uid: Record<string, string> = {};
    for (const role of ['customer', 'platform', 'mediator'] as const) {
      const invite = await a.cases.createInviteAsSystem(d.id, { role, displayName: role });
      const accepted = await acceptInvite(urls[0] ?? '', invite.url);
      tk[role] = accepted.token;
      uid[role] = accepted.userId;
    }
    const mediator = await connectRoom(urls[0] ?? '', tk.mediator ?? '', d.id);
    // Admission: the party waits on node B until the mediator on node A lets them in.
    const customer = await connectRoom(urls[1] ?? '', tk.customer ?? '', d.id, { waitFor: 'lobby' });
    const platform = await connectRoom(urls[0] ?? '', tk.platform ?? '', d.id, { waitFor: 'lobby' });
    clients.push(mediator, customer, platform);
    expect(customer.welcomes).toHaveLength(0);
    expect((await mediator.socket.emitWithAck('lobby:admit', { all: true })).ok).toBe(true);
    await waitFor(() => customer.welcomes.length === 1 && platform.welcomes.length === 1, 'admitted across nodes');

    // Caucus: the customer on node B and the mediator on node A talk; the platform on node A hears nothing.
    expect((await mediator.socket.emitWithAck('caucus:open', { userId: uid.customer ?? '' })).ok).toBe(true);
    const channel = caucusChannel(uid.customer ?? '');
    const secret = `私下 ${newClientId()}`;
    expect(
      (await customer.socket.emitWithAck('chat:send', { clientId: newClientId(), text: secret, channel })).ok,
    ).toBe(true);
    await waitFor(() => mediator.messages.some((m) => m.text === secret), 'mediator on node A has it');
    const intruder = await platform.socket.emitWithAck('chat:history', { channel, limit: 50 });
    expect(intruder.ok).toBe(false);
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'drafting' })).ok).toBe(true);

    // Removal decided on node A closes the party's connection on node B (admission was remembered).
    const platformB = await connectRoom(urls[1] ?? '', tk.platform ?? '', d.id);
    platformB.socket.io.reconnection(false);
    clients.push(platformB);
    const removed = await mediator.socket.emitWithAck('moderation:remove', { userId: uid.platform ?? '' });
    expect(removed.ok ? null : removed.error).toBeNull();
    await waitFor(() => !platformB.socket.connected, 'removed party disconnected on node B');

    // The freeze, decided on node A, holds for an edit arriving on node B.
    const writer = connectDoc(urls[1] ?? '', d.id, tk.customer ?? '');
    await waitSynced(writer);
    draft(writer.doc).insert(0, 'drafted');
    await sleep(100);
    // A settlement needs a platform to sign and an agreement that says something (shared/signoff-rules).
    const second = await a.cases.createInviteAsSystem(d.id, { role: 'platform', displayName: 'platform 2' });
    await seedAgreement(a.store, d.id);
    // Both parties agree to every clause (consent given on node A, the customer on node B sees it).
    const platform2 = await connectRoom(urls[0] ?? '', (await acceptInvite(urls[0] ?? '', second.url)).token, d.id, {
      waitFor: 'lobby',
    });
    clients.push(platform2);
    expect((await mediator.socket.emitWithAck('lobby:admit', { all: true })).ok).toBe(true);
    await waitFor(() => platform2.welcomes.length > 0, 'platform 2 admitted');
    await agreeToEveryClause({ customer, platform: platform2 }, { server: a, watchers: [mediator] });
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'signing' })).ok).toBe(true);
    await waitFor(() => customer.states.at(-1)?.phase === 'signing', 'signing seen on node B');
    draft(writer.doc).insert(0, 'too late');
    await waitFor(() => writer.denied.length > 0 || writer.closes.length > 0, 'edit refused on node B');
    const fresh = connectDoc(urls[0] ?? '', d.id, tk.mediator ?? '');
    await waitSynced(fresh);
    expect(bodyText(fresh.doc)).not.toContain('too late');
    expect(bodyText(fresh.doc)).toContain('drafted');
    fresh.destroy();
    writer.destroy();

    await sleep(100);
    expect(platform.messages.some((m) => m.text === secret)).toBe(false);
  });

  it('case progress reaches a customer tracking on the other node', async () => {
    const a = nodes[0] as AccordServer;
    const d = await a.cases.createCaseAsSystem({
      title: 'Progress across nodes',
      category: 'other',
      amountInDisputeCents: 1,
    });
    const invite = await a.cases.createInviteAsSystem(d.id, { role: 'customer', displayName: '王女士' });
    const { token } = await acceptInvite(urls[0] ?? '', invite.url);
    const live: CaseProgress[] = [];
    const tracker = io(`${urls[1] ?? ''}/track`, { transports: ['websocket'], auth: { token, caseId: d.id } });
    tracker.on('case:progress', (p: CaseProgress) => live.push(p));
    await waitFor(() => tracker.connected, 'tracking on node B');
    const res = await fetch(`${urls[0] ?? ''}/api/cases/${d.id}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: '已与平台协商解决' }),
    });
    expect(res.status).toBe(200);
    await waitFor(() => live.some((p) => p.status === 'withdrawn'), 'progress seen on node B');
    tracker.close();
  });

  it('evidence the customer adds on one node reaches staff watching the case on the other', async () => {
    const a = nodes[0] as AccordServer;
    const d = await a.cases.createCaseAsSystem({
      title: 'Evidence across nodes',
      category: 'other',
      amountInDisputeCents: 1,
    });
    const invite = await a.cases.createInviteAsSystem(d.id, { role: 'customer', displayName: '王女士' });
    const { token } = await acceptInvite(urls[0] ?? '', invite.url);
    await a.cases.createStaff(null, {
      username: 'watcher.nodes',
      displayName: 'Watcher',
      staffRole: 'reviewer',
      password: 'correct horse battery',
    });
    const login = await fetch(`${urls[0] ?? ''}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'watcher.nodes', password: 'correct horse battery' }),
    });
    const staffToken = ((await login.json()) as { token: string }).token;
    const seen: CaseEvidenceEvent[] = [];
    const watch = io(`${urls[1] ?? ''}/track`, {
      transports: ['websocket'],
      auth: { token: staffToken, caseId: d.id, watch: true },
    });
    watch.on('case:evidence', (e: CaseEvidenceEvent) => seen.push(e));
    await waitFor(() => watch.connected, 'the staff case watch on node B');
    const upload = new FormData();
    upload.append('evidence', new Blob([new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1'))]), 'across.pdf');
    const res = await fetch(`${urls[0] ?? ''}/api/cases/${d.id}/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: upload,
    });
    expect(res.status).toBe(201);
    await waitFor(() => seen.some((e) => e.evidence.some((x) => x.name === 'across.pdf')), 'evidence seen on node B');
    watch.close();
  });

  it('a caucus opened from drafting on one node closes back to drafting from the other; its notes turn read-only there', async () => {
    const a = nodes[0] as AccordServer;
    const d = await createTestCase(a, urls[0] ?? '', {
      title: 'Caucus across nodes',
      roles: ['customer', 'platform', 'mediator'],
      category: 'other',
      amountInDisputeCents: 1,
    });
    const mediatorA = await connectRoom(urls[0] ?? '', d.tokens.mediator, d.caseId);
    const mediatorB = await connectRoom(urls[1] ?? '', d.tokens.mediator, d.caseId);
    clients.push(mediatorA, mediatorB);
    expect((await mediatorA.socket.emitWithAck('caucus:open', { userId: d.userIds.customer })).ok).toBe(true);
    // The customer's notes on node B take changes while the caucus is open…
    const notes = connectDoc(urls[1] ?? '', caucusNotesName(d.caseId, d.userIds.customer), d.tokens.customer);
    await waitSynced(notes);
    draft(notes.doc, 'notes').insert(0, '12 期');
    const reader = connectDoc(urls[0] ?? '', caucusNotesName(d.caseId, d.userIds.customer), d.tokens.mediator);
    await waitFor(() => bodyText(reader.doc, 'notes') === '12 期', 'note relayed to node A');
    const closed = await mediatorB.socket.emitWithAck('caucus:close', {});
    expect(closed.ok && closed.data).toMatchObject({ phase: 'drafting', caucus: null });
    // …and none once it is closed, decided on the other node.
    draft(notes.doc, 'notes').insert(0, 'late ');
    await waitFor(() => notes.denied.length > 0, 'refused on node B after the close');
    expect(bodyText(reader.doc, 'notes')).toBe('12 期');
    notes.destroy();
    reader.destroy();
  });
});
