import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallState } from '@accord/shared';
import { callClient, newPeerId, waitView, type CallClient } from '../helpers/call';
import { connectRefused } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { httpClient } from '../helpers/http';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const AWAY_MS = 2500;

/**
 * Each admitted connection's `call:state`: who else is in the call, what they send, who is muted, who
 * is out of reach and why. Removal drops a person from every view at once; a dropped connection shows
 * `away` for the away period, then disappears, unless it comes back with its peer id.
 */
describe('call views', () => {
  let t: TestServer;
  let patient: TestServer;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_CALL_AWAY_MS: String(AWAY_MS) } });
    // A long away period, so that a slow machine's reconnection always comes back within it.
    patient = await startServer({ env: { ACCORD_CALL_AWAY_MS: '120000' } });
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    await t.close();
    await patient.close();
  });

  /** Connects one client per role and joins each to the call, after `already` others in it. */
  const inCall = async (server: TestServer, c: TestCase, roles: readonly (keyof TestCase['tokens'])[], already = 0) => {
    const clients: CallClient[] = [];
    for (const role of roles) {
      const x = await callClient(server.url, c.tokens[role], c.caseId);
      open.push(x);
      expect((await x.join({ audio: true, video: role !== 'observer' && role !== 'platform' })).ok).toBe(
        role !== 'observer',
      );
      if (role === 'observer') expect((await x.join({ audio: false, video: false })).ok).toBe(true);
      clients.push(x);
    }
    for (const x of clients)
      await waitView(x, (s) => s.peers.length === roles.length - 1 + already, 'everyone sees everyone');
    return clients;
  };
  const peerIds = (s: CallState | undefined) => s?.peers.map((p) => p.peerId);

  it('each connection sees itself and the others in the order they joined, with their media', async () => {
    const c = await t.createCase('Views', { lobby: false, phase: 'joint' });
    const [customer, platform, mediator, observer] = await inCall(t, c, [
      'customer',
      'platform',
      'mediator',
      'observer',
    ]);
    if (!customer || !platform || !mediator || !observer) throw new Error('not connected');
    expect(customer.view()).toEqual({
      caseId: c.caseId,
      you: { peerId: customer.peerId, audio: true, video: true, muted: false, maySend: true },
      peers: [platform, mediator, observer].map((x, i) => ({
        peerId: x.peerId,
        userId: c.userIds[(['platform', 'mediator', 'observer'] as const)[i] ?? 'platform'],
        displayName: expect.any(String),
        role: (['platform', 'mediator', 'observer'] as const)[i],
        audio: x !== observer,
        video: x === mediator,
        muted: false,
        separated: null,
      })),
      recorded: false,
    });
    expect(observer.view()?.you).toMatchObject({ maySend: false, audio: false, video: false });
    expect((await emit(platform.room, 'call:media', { audio: false, video: true })).ok).toBe(true);
    for (const x of [customer, mediator, observer])
      await waitView(
        x,
        () => x.peer(platform.peerId)?.audio === false && x.peer(platform.peerId)?.video === true,
        'media seen',
      );
    await waitView(platform, (s) => s.you?.audio === false && s.you.video, 'own media seen');
    // Leaving takes the peer out of every view; the connection still sees the call.
    expect((await emit(platform.room, 'call:leave', {})).ok).toBe(true);
    for (const x of [customer, mediator, observer])
      await waitView(x, (s) => !peerIds(s)?.includes(platform.peerId), 'left');
    await waitView(platform, (s) => s.you === null && s.peers.length === 3, 'the leaver sees the call from outside');
  });

  it('the mediator’s mute shows in every view, the muted person’s own included, until lifted', async () => {
    const c = await t.createCase('Mute', { lobby: false, phase: 'joint' });
    const [customer, platform, mediator] = await inCall(t, c, ['customer', 'platform', 'mediator']);
    if (!customer || !platform || !mediator) throw new Error('not connected');
    expect((await emit(mediator.room, 'moderation:mute', { userId: c.userIds.customer, muted: true })).ok).toBe(true);
    await waitView(customer, (s) => s.you?.muted === true, 'the customer is told');
    for (const x of [platform, mediator])
      await waitView(x, () => x.peer(customer.peerId)?.muted === true, 'muted seen');
    // The call's rules do not change otherwise: signals still flow.
    expect((await customer.signal({ to: platform.peerId, kind: 'restart' })).ok).toBe(true);
    expect((await emit(mediator.room, 'moderation:mute', { userId: c.userIds.customer, muted: false })).ok).toBe(true);
    await waitView(customer, (s) => s.you?.muted === false, 'unmuted');
    await waitView(platform, () => platform.peer(customer.peerId)?.muted === false, 'unmute seen');
  });

  it('removal drops the removed person from every view at once and refuses signals to them', async () => {
    const c = await t.createCase('Removal', { lobby: false, phase: 'joint' });
    const [customer, platform, mediator] = await inCall(t, c, ['customer', 'platform', 'mediator']);
    if (!customer || !platform || !mediator) throw new Error('not connected');
    const auditBefore = (await t.server.store.listAudit(c.caseId, { limit: 1000 })).length;
    expect((await emit(mediator.room, 'moderation:remove', { userId: c.userIds.platform })).ok).toBe(true);
    // Gone from the view at once: not shown `away` first.
    for (const x of [customer, mediator]) {
      await waitView(x, (s) => !peerIds(s)?.includes(platform.peerId), 'the removed peer leaves the view');
      expect(x.states.some((s) => s.peers.some((p) => p.peerId === platform.peerId && p.separated === 'away'))).toBe(
        false,
      );
    }
    for (const x of [customer, mediator]) {
      const res = await x.signal({ to: platform.peerId, kind: 'restart' });
      expect(res.error).toMatchObject({ code: 'NOT_FOUND', reason: 'call.peerNotInCall' });
    }
    // Their connection is closed and they cannot come back to signal.
    await waitFor(() => !platform.room.socket.connected, 'the removed person is disconnected');
    platform.room.socket.io.reconnection(false);
    expect((await connectRefused(t.url, { token: c.tokens.platform, caseId: c.caseId })).code).toMatch(
      /^(TOKEN_REVOKED|NOT_A_MEMBER)$/,
    );
    // The others' call goes on.
    expect((await customer.signal({ to: mediator.peerId, kind: 'restart' })).ok).toBe(true);
    await waitFor(() => mediator.signals.some((s) => s.from === customer.peerId), 'the others still reach each other');
    // The removal is recorded (by moderation), the call adds nothing to the audit log.
    expect((await t.server.store.listAudit(c.caseId, { limit: 1000 })).length).toBe(auditBefore + 1);
  });

  it('a session the server ends (a reissued link) leaves the call at once, not `away`', async () => {
    // The patient server keeps an away peer two minutes: leaving within that shows it was not kept.
    const c = await patient.createCase('Reissued link', { lobby: false, phase: 'joint' });
    const [customer, mediator] = await inCall(patient, c, ['customer', 'mediator']);
    if (!customer || !mediator) throw new Error('not connected');
    const call = httpClient(() => patient.url);
    const reissued = await call(
      'POST',
      `/api/cases/${c.caseId}/invites/${c.inviteIds.customer}/reissue`,
      c.tokens.mediator,
      {},
    );
    expect(reissued.status).toBe(201);
    await waitFor(() => !customer.room.socket.connected, 'the old session is sent away');
    customer.room.socket.io.reconnection(false);
    await waitView(mediator, (s) => s.peers.length === 0, 'the sent-away peer leaves the view');
    expect(mediator.states.some((s) => s.peers.some((p) => p.separated === 'away'))).toBe(false);
    const res = await mediator.signal({ to: customer.peerId, kind: 'restart' });
    expect(res.error).toMatchObject({ code: 'NOT_FOUND', reason: 'call.peerNotInCall' });
  });

  it('a dropped connection shows `away`, then disappears after the away period', async () => {
    const c = await t.createCase('Away', { lobby: false, phase: 'joint' });
    const [customer, mediator] = await inCall(t, c, ['customer', 'mediator']);
    if (!customer || !mediator) throw new Error('not connected');
    const tab = await callClient(t.url, c.tokens.platform, c.caseId);
    expect((await tab.join({ audio: true, video: false })).ok).toBe(true);
    await waitView(mediator, () => mediator.peer(tab.peerId)?.separated === null, 'the platform in the call');
    tab.room.socket.io.reconnection(false);
    const droppedAt = Date.now();
    tab.close();
    for (const x of [customer, mediator])
      await waitView(x, () => x.peer(tab.peerId)?.separated === 'away', 'shown away');
    expect(customer.peer(tab.peerId)).toMatchObject({ audio: true, video: false });
    for (const x of [customer, mediator])
      await waitView(x, (s) => !peerIds(s)?.includes(tab.peerId), 'gone after the away period');
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(AWAY_MS - 100);
    const res = await mediator.signal({ to: tab.peerId, kind: 'restart' });
    expect(res.error).toMatchObject({ code: 'NOT_FOUND', reason: 'call.peerNotInCall' });
  });

  it('a rejoin with the same peer id within the away period keeps the entry and its place', async () => {
    const c = await patient.createCase('Rejoin', { lobby: false, phase: 'joint' });
    const peerId = newPeerId('tab');
    const first = await callClient(patient.url, c.tokens.customer, c.caseId, { peerId });
    open.push(first);
    expect((await first.join()).ok).toBe(true);
    const [platform, mediator] = await inCall(patient, c, ['platform', 'mediator'], 1);
    if (!platform || !mediator) throw new Error('not connected');
    await waitView(mediator, (s) => peerIds(s)?.join() === [peerId, platform.peerId].join(), 'joined first');
    first.room.socket.io.reconnection(false);
    first.close();
    await waitView(mediator, () => mediator.peer(peerId)?.separated === 'away', 'away');
    const since = mediator.states.length;
    const back = await callClient(patient.url, c.tokens.customer, c.caseId, { peerId });
    open.push(back);
    expect((await back.join({ audio: false, video: true })).ok).toBe(true);
    await waitView(
      mediator,
      () => mediator.peer(peerId)?.separated === null && mediator.peer(peerId)?.audio === false,
      'back',
    );
    // Never dropped in between, and still first in the order.
    expect(mediator.states.slice(since).every((s) => peerIds(s)?.includes(peerId))).toBe(true);
    expect(peerIds(mediator.view())).toEqual([peerId, platform.peerId]);
    expect((await platform.signal({ to: peerId, kind: 'restart' })).ok).toBe(true);
    await waitFor(() => back.signals.some((s) => s.from === platform.peerId), 'signals reach the new connection');
    await waitView(back, (s) => s.you?.peerId === peerId && s.peers.length === 2, 'its own view');
  });
});
