import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CANDIDATE_CHARS, MAX_SDP_CHARS, type ErrorBody } from '@accord/shared';
import { callClient, newPeerId, sdp, waitView, type CallClient } from '../helpers/call';
import { newClientId, type RoomClient } from '../helpers/clients';
import { emit, emitUnchecked } from '../helpers/emit';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const TURN_SECRET = 'turn-secret-shared-with-coturn-0123';
const TURN_TTL_S = 900;

/**
 * The server forwards a call signal only between two admitted participants of the same case who may
 * hear each other now, and refuses anything else with a documented code and reason. After each
 * refusal the sender's connection and the room keep working for everyone, and nothing is stored.
 */
describe('call signalling: who may reach whom', () => {
  let t: TestServer;
  let c: TestCase;
  let customer: CallClient;
  let platform: CallClient;
  let mediator: CallClient;
  let observer: CallClient;
  const open: { close(): void }[] = [];

  const connect = async (role: keyof TestCase['tokens'], of: TestCase = c, options = {}) => {
    const x = await callClient(t.url, of.tokens[role], of.caseId, options);
    open.push(x);
    return x;
  };

  /** What the case has stored: its audit log and its chat. */
  const stored = async (of: TestCase = c) => ({
    audit: (await t.server.store.listAudit(of.caseId, { limit: 1000 })).length,
    joint: await t.server.store.headSeq(of.caseId, 'joint'),
  });

  /**
   * Checks nothing was stored since `before`, then that the sender's connection still answers and a
   * chat message from `speaker` still reaches everyone connected.
   */
  async function stillWorks(sender: RoomClient, before: Awaited<ReturnType<typeof stored>>, speaker = platform) {
    expect(await stored()).toEqual(before);
    if (sender.socket.connected) expect((await emit(sender, 'chat:history', { limit: 1 })).ok).toBe(true);
    const text = `still here ${newClientId()}`;
    expect((await speaker.room.send(text)).ok).toBe(true);
    for (const x of [customer, platform, mediator])
      await waitFor(() => x.room.messages.some((m) => m.text === text), 'the chat message reaches everyone');
  }

  const refusal = (res: { ok: boolean; error?: ErrorBody | undefined }) => {
    expect(res.ok).toBe(false);
    return res.error;
  };

  beforeAll(async () => {
    t = await startServer({
      env: {
        ACCORD_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp',
        ACCORD_TURN_SECRET: TURN_SECRET,
        ACCORD_TURN_TTL_S: String(TURN_TTL_S),
      },
    });
    c = await t.createCase('Call signalling', { lobby: false, phase: 'joint' });
    customer = await connect('customer');
    platform = await connect('platform');
    mediator = await connect('mediator');
    observer = await connect('observer');
    for (const x of [customer, platform, mediator]) expect((await x.join()).ok).toBe(true);
    expect((await observer.join({ audio: false, video: false })).ok).toBe(true);
    await waitView(customer, (s) => s.peers.length === 3, 'the customer sees the three others');
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    await t.close();
  });

  it('forwards offers, answers, candidates and restarts between two who may reach each other, `from` set by the server', async () => {
    const offer = { type: 'offer' as const, sdp: sdp(MAX_SDP_CHARS) };
    const candidate = {
      candidate: 'candidate:1 1 udp 2122260223 10.0.0.5 54321 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    expect((await customer.signal({ to: platform.peerId, kind: 'description', description: offer })).ok).toBe(true);
    expect(
      (await platform.signal({ to: customer.peerId, kind: 'description', description: { type: 'answer', sdp: sdp() } }))
        .ok,
    ).toBe(true);
    expect((await customer.signal({ to: platform.peerId, kind: 'candidate', candidate })).ok).toBe(true);
    expect((await observer.signal({ to: mediator.peerId, kind: 'restart' })).ok).toBe(true);
    await waitFor(() => platform.signals.length === 2 && customer.signals.length === 1, 'the signals arrive');
    expect(platform.signals).toEqual([
      { from: customer.peerId, kind: 'description', description: offer },
      { from: customer.peerId, kind: 'candidate', candidate },
    ]);
    expect(customer.signals).toEqual([
      { from: platform.peerId, kind: 'description', description: { type: 'answer', sdp: sdp() } },
    ]);
    await waitFor(() => mediator.signals.length === 1, 'the observer’s restart request arrives');
    expect(mediator.signals[0]).toEqual({ from: observer.peerId, kind: 'restart' });
    // Each signal reached its target only.
    expect(observer.signals).toEqual([]);
  });

  it('a target in another case’s call → NOT_FOUND call.peerNotInCall, and nothing reaches it', async () => {
    const other = await t.createCase('Another case', { lobby: false, phase: 'joint' });
    const stranger = await connect('customer', other);
    expect((await stranger.join()).ok).toBe(true);
    const before = await stored();
    const error = refusal(await customer.signal({ to: stranger.peerId, kind: 'restart' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', reason: 'call.peerNotInCall' });
    // Nor the other way: the stranger's call holds nobody of this case.
    expect(refusal(await stranger.signal({ to: customer.peerId, kind: 'restart' }))).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'call.peerNotInCall',
    });
    expect(stranger.view()?.peers).toEqual([]);
    expect(stranger.signals).toEqual([]);
    await stillWorks(customer.room, before);
  });

  it('someone waiting in the lobby cannot join (NOT_ADMITTED) and nobody can signal them', async () => {
    const lobbied = await t.createCase('Lobby on', { lobby: true, phase: 'scheduled' });
    const host = await connect('mediator', lobbied);
    expect((await host.join()).ok).toBe(true);
    const waiting = await connect('customer', lobbied, { waitFor: 'lobby' });
    const before = await stored(lobbied);
    const error = refusal(await waiting.join());
    expect(error?.code).toBe('NOT_ADMITTED');
    expect(refusal(await waiting.signal({ to: host.peerId, kind: 'restart' }))?.code).toBe('NOT_ADMITTED');
    expect(refusal(await host.signal({ to: waiting.peerId, kind: 'restart' }))).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'call.peerNotInCall',
    });
    // The waiting connection is told nothing of the call.
    expect(waiting.states).toEqual([]);
    expect(waiting.signals).toEqual([]);
    expect(host.view()?.peers).toEqual([]);
    expect(await stored(lobbied)).toEqual(before);
    // Admitted, it may join and be reached.
    expect((await emit(host.room, 'lobby:admit', { userId: lobbied.userIds.customer })).ok).toBe(true);
    await waitFor(() => waiting.room.welcomes.length > 0, 'the customer is admitted');
    expect((await waiting.join()).ok).toBe(true);
    expect((await host.signal({ to: waiting.peerId, kind: 'restart' })).ok).toBe(true);
    await waitFor(() => waiting.signals.length === 1, 'the signal arrives once admitted');
  });

  describe('a forged sender', () => {
    it('a payload that names its sender (`from`) → VALIDATION_FAILED naming the key', async () => {
      const before = await stored();
      const res = await emitUnchecked(customer.room, 'call:signal', {
        to: platform.peerId,
        from: mediator.peerId,
        kind: 'restart',
      });
      const error = refusal(res);
      expect(error?.code).toBe('VALIDATION_FAILED');
      expect(error?.message).toContain('call:signal');
      expect(error?.message).toContain('from');
      expect(platform.signals.some((s) => s.from === mediator.peerId && s.kind === 'restart')).toBe(false);
      await stillWorks(customer.room, before);
    });

    it('a peer id held by another person → FORBIDDEN call.peerTaken; theirs is untouched', async () => {
      const before = await stored();
      const thief = await connect('platform');
      thief.peerId = customer.peerId;
      expect(refusal(await thief.join())).toMatchObject({ code: 'FORBIDDEN', reason: 'call.peerTaken' });
      expect(refusal(await thief.signal({ to: mediator.peerId, kind: 'restart' }))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'call.notInCall',
      });
      // The customer still holds it: a signal to it reaches the customer's connection.
      const had = customer.signals.length;
      expect((await mediator.signal({ to: customer.peerId, kind: 'restart' })).ok).toBe(true);
      await waitFor(() => customer.signals.length === had + 1, 'the customer still gets its signals');
      expect(thief.signals).toEqual([]);
      await stillWorks(thief.room, before);
    });

    it('signalling before joining → FORBIDDEN call.notInCall', async () => {
      const before = await stored();
      const late = await connect('mediator');
      expect(refusal(await late.signal({ to: customer.peerId, kind: 'restart' }))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'call.notInCall',
      });
      expect(refusal(await emit(late.room, 'call:media', { audio: false, video: false }))).toMatchObject({
        reason: 'call.notInCall',
      });
      await stillWorks(late.room, before);
    });

    it('a second connection of the same person that did not join → call.notInCall, even naming its own peer', async () => {
      const before = await stored();
      const tab = await connect('customer');
      tab.peerId = customer.peerId;
      expect(refusal(await tab.signal({ to: platform.peerId, kind: 'restart' }))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'call.notInCall',
      });
      // It sees the call (its own first tab included) without being in it.
      await waitView(tab, (s) => s.you === null && s.peers.some((p) => p.peerId === customer.peerId), 'tab view');
      await stillWorks(tab.room, before);
    });
  });

  describe('oversized signals', () => {
    it.each([
      [
        'an SDP over the limit',
        { kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(MAX_SDP_CHARS + 1) } },
        'description.sdp',
      ],
      [
        'a candidate over the limit',
        { kind: 'candidate', candidate: { candidate: 'c'.repeat(MAX_CANDIDATE_CHARS + 1) } },
        'candidate.candidate',
      ],
    ])('%s → VALIDATION_FAILED naming the field', async (_name, body, path) => {
      const before = await stored();
      const error = refusal(await emitUnchecked(customer.room, 'call:signal', { to: platform.peerId, ...body }));
      expect(error?.code).toBe('VALIDATION_FAILED');
      expect(error?.issues?.map((i) => i.path)).toContain(path);
      await stillWorks(customer.room, before);
    });

    it('a signal over the Socket.IO packet limit cuts only the sender’s connection', async () => {
      const big = await connect('mediator', c, { resume: false });
      big.room.socket.io.reconnection(false);
      expect((await big.join()).ok).toBe(true);
      const before = await stored();
      const gone = new Promise((r) => big.room.socket.once('disconnect', r));
      big.room.socket.emit(
        'call:signal',
        { to: customer.peerId, kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(400 * 1024) } },
        () => undefined,
      );
      await gone;
      await stillWorks(big.room, before);
      expect(customer.signals.some((s) => s.from === big.peerId)).toBe(false);
      // The others' call goes on.
      expect((await platform.signal({ to: customer.peerId, kind: 'restart' })).ok).toBe(true);
    });
  });

  it('an observer listens only (call.listenOnly); an admin takes no part (call.notAllowed)', async () => {
    const before = await stored();
    const watcher = await connect('observer');
    expect(refusal(await watcher.join({ audio: true, video: false }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'call.listenOnly',
    });
    expect(refusal(await emit(observer.room, 'call:media', { audio: false, video: true }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'call.listenOnly',
    });
    await waitView(observer, (s) => s.you?.maySend === false && !s.you.audio && !s.you.video, 'observer sends nothing');
    const admin = await connect('admin');
    expect(refusal(await admin.join({ audio: false, video: false }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'call.notAllowed',
    });
    expect(refusal(await emit(admin.room, 'call:ice', {}))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'call.notAllowed',
    });
    expect(refusal(await admin.signal({ to: customer.peerId, kind: 'restart' }))).toMatchObject({
      reason: 'call.notInCall',
    });
    expect((await emit(admin.room, 'chat:history', { limit: 1 })).ok).toBe(true);
    await stillWorks(watcher.room, before);
  });

  it('a caucus separates the excluded party from the mediator and the caucus party, both ways, until it closes', async () => {
    const before = await stored();
    expect((await emit(mediator.room, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    const opened = await stored();
    await waitView(platform, (s) => s.peers.filter((p) => p.separated === 'caucus').length === 2, 'platform apart');
    await waitView(
      customer,
      (s) =>
        customer.peer(platform.peerId)?.separated === 'caucus' &&
        customer.peer(mediator.peerId)?.separated === null &&
        s.peers.length === 3,
      'customer with the mediator',
    );
    await waitView(
      mediator,
      () =>
        mediator.peer(customer.peerId)?.separated === null && mediator.peer(platform.peerId)?.separated === 'caucus',
      'mediator with the customer',
    );
    // The observer is outside the caucus too, with the platform.
    await waitView(
      observer,
      () =>
        observer.peer(platform.peerId)?.separated === null && observer.peer(mediator.peerId)?.separated === 'caucus',
      'observer apart',
    );
    const separated = { code: 'FORBIDDEN', reason: 'call.separated' };
    for (const [from, to] of [
      [platform, mediator],
      [mediator, platform],
      [platform, customer],
      [customer, platform],
      [observer, customer],
    ] as const) {
      expect(refusal(await from.signal({ to: to.peerId, kind: 'restart' }))).toMatchObject(separated);
    }
    expect((await mediator.signal({ to: customer.peerId, kind: 'restart' })).ok).toBe(true);
    expect((await platform.signal({ to: observer.peerId, kind: 'restart' })).ok).toBe(true);
    expect(await stored()).toEqual(opened);
    await stillWorks(platform.room, opened);

    expect((await emit(mediator.room, 'caucus:close', {})).ok).toBe(true);
    await waitView(platform, (s) => s.peers.every((p) => p.separated === null), 'platform back');
    const had = mediator.signals.length;
    expect((await platform.signal({ to: mediator.peerId, kind: 'restart' })).ok).toBe(true);
    expect((await customer.signal({ to: platform.peerId, kind: 'restart' })).ok).toBe(true);
    await waitFor(() => mediator.signals.length === had + 1, 'signals flow again');
    expect(before.audit).toBeLessThan(opened.audit);
  });

  it('call:ice issues TURN credentials in the TURN REST API scheme', async () => {
    const res = await emit(customer.room, 'call:ice', {});
    expect(res.ok).toBe(true);
    const ice = res.data;
    const turn = ice?.iceServers.find((s) => s.urls.some((u) => u.startsWith('turn:')));
    expect(turn?.urls).toEqual(['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']);
    const [expiry, userId] = (turn?.username ?? '').split(':');
    expect(userId).toBe(c.userIds.customer);
    expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000 + TURN_TTL_S - 120);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + TURN_TTL_S);
    expect(turn?.credential).toBe(
      createHmac('sha1', TURN_SECRET)
        .update(turn?.username ?? '')
        .digest('base64'),
    );
    expect(ice?.expiresAt).toBe(new Date(Number(expiry) * 1000).toISOString());
    expect(ice?.iceTransportPolicy).toBe('all');
    // The join answers with the same kind of configuration.
    const rejoin = await customer.join();
    expect(rejoin.data?.ice.iceServers.find((s) => s.username)?.username).toMatch(
      new RegExp(`^\\d+:${c.userIds.customer}$`),
    );
    expect(newPeerId()).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  });
});
