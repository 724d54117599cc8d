import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, caucusChannel, caucusNotesName, type Channel } from '@accord/shared';
import { connectDoc, connectRoom, newClientId, waitSynced, type RoomClient } from '../helpers/clients';
import { acceptInvite, startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { emit, emitUnchecked } from '../helpers/emit';
import { bodyText, draft } from '../helpers/agreement-body';

describe('the mediator runs the room', () => {
  let t: TestServer;
  let c: TestCase;
  let ids: Record<'customer' | 'platform' | 'mediator' | 'observer' | 'admin', string>;
  const open: RoomClient[] = [];
  const connect = async (role: keyof TestCase['tokens'], options: Parameters<typeof connectRoom>[3] = {}) => {
    const client = await connectRoom(t.url, c.tokens[role], c.caseId, options);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('Moderated session', { lobby: true, phase: 'scheduled' });
    const members = await t.server.store.listMembers(c.caseId);
    ids = Object.fromEntries(members.map((m) => [m.role, m.userId])) as typeof ids;
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    await t.close();
  });

  describe('waiting room', () => {
    let mediator: RoomClient;
    let customer: RoomClient;

    it('a party who arrives early waits in the lobby and reaches nothing of the room', async () => {
      mediator = await connect('mediator');
      expect((await mediator.send('开场前的说明')).ok).toBe(true);
      customer = await connect('customer', { waitFor: 'lobby', lastSeq: 0 });
      expect(customer.lobby[0]).toMatchObject({ waiting: true, you: { role: 'customer' } });
      await sleep(100);
      expect(customer.welcomes).toEqual([]);
      expect(customer.messages).toEqual([]);
      expect(customer.presence).toEqual([]);
      for (const [event, payload] of [
        ['chat:send', { clientId: newClientId(), text: 'let me in' }],
        ['chat:history', { limit: 10 }],
        ['hand:raise', { raised: true }],
      ] as const) {
        expect((await emit(customer, event, payload)).error?.code).toBe('NOT_ADMITTED');
      }
      const doc = connectDoc(t.url, c.caseId, c.tokens.customer);
      await waitFor(() => doc.closes.length > 0, 'yjs refused');
      expect(doc.closes[0]).toMatchObject({ code: CloseCode.FORBIDDEN, reason: expect.stringMatching(/NOT_ADMITTED/) });
      doc.destroy();
    });

    it('the mediator sees who waits and admits them; admission is remembered across reconnects', async () => {
      await waitFor(
        () => mediator.presence.at(-1)?.participants.find((p) => p.role === 'customer' && p.online && !p.admitted),
        'customer waiting, online',
      );
      const ack = await mediator.socket.emitWithAck('lobby:admit', { userId: ids.customer });
      expect(ack).toEqual({ ok: true, data: { admitted: [ids.customer] } });
      await waitFor(() => customer.welcomes.length === 1, 'customer enters');
      // Replayed from lastSeq 0: what was said before admission.
      expect(customer.messages.map((m) => m.text)).toContain('开场前的说明');
      customer.close();
      const again = await connect('customer');
      expect(again.welcomes).toHaveLength(1);
    });

    it('admits everyone waiting at once, and the lobby can be switched off', async () => {
      const platform = await connect('platform', { waitFor: 'lobby' });
      const observer = await connect('observer', { waitFor: 'lobby' });
      const ack = await mediator.socket.emitWithAck('lobby:admit', { all: true });
      expect(ack.ok && [...ack.data.admitted].sort()).toEqual([ids.platform, ids.observer, ids.admin].sort());
      await waitFor(() => platform.welcomes.length === 1 && observer.welcomes.length === 1, 'both in');
      const d = await t.createCase('no lobby', { lobby: true, phase: 'scheduled' });
      const m = await connectRoom(t.url, d.tokens.mediator, d.caseId);
      open.push(m);
      expect((await m.socket.emitWithAck('room:settings', { lobby: false })).ok).toBe(true);
      const direct = await connectRoom(t.url, d.tokens.customer, d.caseId);
      open.push(direct);
      expect(direct.welcomes).toHaveLength(1);
    });

    it('after admit all, the admitted parties see who is in the room without a reload', async () => {
      const d = await t.createCase('admit all, then the participant list', { lobby: true, phase: 'scheduled' });
      const m = await connectRoom(t.url, d.tokens.mediator, d.caseId);
      const waiting = [
        await connectRoom(t.url, d.tokens.customer, d.caseId, { waitFor: 'lobby' }),
        await connectRoom(t.url, d.tokens.platform, d.caseId, { waitFor: 'lobby' }),
      ];
      open.push(m, ...waiting);
      await waitFor(
        () => m.presence.at(-1)?.participants.filter((p) => p.online && !p.admitted).length === 2,
        'both parties wait, online',
      );
      expect((await m.socket.emitWithAck('lobby:admit', { all: true })).ok).toBe(true);
      for (const party of waiting) {
        await waitFor(() => {
          const list = party.presence.at(-1)?.participants ?? [];
          const inRoom = list.filter((p) => p.online && p.admitted).map((p) => p.role);
          return ['mediator', 'customer', 'platform'].every((role) => inRoom.includes(role as never));
        }, 'the admitted party sees the mediator and both parties in the room');
      }
    });
  });

  describe('phases', () => {
    it('moves only along the allowed transitions, live for everyone', async () => {
      const mediator = await connect('mediator');
      const platform = await connect('platform');
      // 'caucus' is no phase: the server's validation is under test too.
      const go = (phase: string) => emitUnchecked(mediator, 'room:phase', { phase });
      expect((await go('signing')).error?.code).toBe('INVALID_TRANSITION');
      expect((await go('caucus')).error?.code).toBe('VALIDATION_FAILED');
      // Nor is 'concluded': a session ends by sealing its outcome.
      expect((await go('concluded')).error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'phase' }] });
      expect((await go('opening')).ok).toBe(true);
      await waitFor(() => platform.states.at(-1)?.phase === 'opening', 'platform sees the phase');
      expect((await go('opening')).error?.code).toBe('INVALID_TRANSITION');
    });

    it('parties may not post during the opening statement when the mediator chose so', async () => {
      const mediator = await connect('mediator');
      const customer = await connect('customer');
      expect((await mediator.socket.emitWithAck('room:settings', { quietOpening: true })).ok).toBe(true);
      expect(await customer.send('我有话要说')).toMatchObject({ ok: false, error: { code: 'PHASE_RULES' } });
      expect((await mediator.send('各位好，我先做开场陈述。')).ok).toBe(true);
      expect((await mediator.socket.emitWithAck('room:phase', { phase: 'joint' })).ok).toBe(true);
      expect((await customer.send('我有话要说')).ok).toBe(true);
    });

    it('the agreement is editable by the parties only while drafting; the mediator prepares it before', async () => {
      const mediator = await connect('mediator');
      const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
      const party = connectDoc(t.url, c.caseId, c.tokens.customer);
      await Promise.all([waitSynced(writer), waitSynced(party)]);
      draft(party.doc).insert(0, 'customer-in-joint ');
      await waitFor(() => party.denied.length > 0, 'refused in joint');
      draft(writer.doc).insert(0, 'mediator-in-joint ');
      await waitFor(() => bodyText(party.doc).includes('mediator-in-joint'), 'mediator may');
      expect((await mediator.socket.emitWithAck('room:phase', { phase: 'drafting' })).ok).toBe(true);
      // A refused client's copy has diverged (its later edits depend on the refused one): the
      // room's own client starts over from the server; here a fresh stock client does.
      party.destroy();
      const again = connectDoc(t.url, c.caseId, c.tokens.customer);
      await waitSynced(again);
      draft(again.doc).insert(0, 'customer-drafting');
      await waitFor(() => bodyText(writer.doc).includes('customer-drafting'), 'party may draft');
      expect(bodyText(writer.doc)).not.toContain('customer-in-joint');
      writer.destroy();
      again.destroy();
      expect((await mediator.socket.emitWithAck('room:phase', { phase: 'joint' })).ok).toBe(true);
    });
  });

  describe('private caucus', () => {
    const secret = '我其实可以接受分期，但不想让平台知道底线。';
    const reply = '明白，我不会告诉对方。';
    let mediator: RoomClient;
    let customer: RoomClient;
    let platform: RoomClient;
    let observer: RoomClient;
    const customerCaucus = () => caucusChannel(ids.customer) as Channel;

    it('the mediator opens a private session with one party; the others see only that it happens', async () => {
      mediator = await connect('mediator');
      customer = await connect('customer');
      platform = await connect('platform');
      observer = await connect('observer');
      const ack = await mediator.socket.emitWithAck('caucus:open', { userId: ids.customer });
      expect(ack.ok && ack.data).toMatchObject({ phase: 'caucus', caucus: { userId: ids.customer } });
      await waitFor(() => platform.states.at(-1)?.caucus?.userId === ids.customer, 'platform sees with whom');
    });

    it('the two talk; the other party receives nothing of it on any path', async () => {
      const sent = await customer.socket.emitWithAck('chat:send', {
        clientId: newClientId(),
        text: secret,
        channel: customerCaucus(),
      });
      expect(sent.ok && sent.data.message).toMatchObject({ channel: customerCaucus(), seq: 1 });
      expect(
        (
          await mediator.socket.emitWithAck('chat:send', {
            clientId: newClientId(),
            text: reply,
            channel: customerCaucus(),
          })
        ).ok,
      ).toBe(true);
      await waitFor(() => customer.messages.some((m) => m.text === reply), 'customer has the reply');
      await waitFor(() => mediator.messages.some((m) => m.text === secret), 'mediator has the secret');
      // Joint chat goes on meanwhile, without a gap in its sequence for anyone.
      expect((await platform.send('我们在等。')).ok).toBe(true);
      await sleep(150);
      for (const outsider of [platform, observer]) {
        expect(outsider.messages.filter((m) => m.channel !== 'joint')).toEqual([]);
        expect(JSON.stringify(outsider.messages)).not.toContain(secret);
        const seqs = outsider.messages.map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
      // History paging of the caucus channel: refused.
      for (const outsider of [platform, observer]) {
        const res = await emit(outsider, 'chat:history', { channel: customerCaucus(), limit: 100 });
        expect(res.error?.code).toBe('FORBIDDEN');
      }
      // Posting or typing into it: refused.
      expect(
        (await emit(platform, 'chat:send', { clientId: newClientId(), text: 'x', channel: customerCaucus() })).error
          ?.code,
      ).toBe('FORBIDDEN');
      expect((await emit(platform, 'chat:typing', { typing: true, channel: customerCaucus() })).error?.code).toBe(
        'FORBIDDEN',
      );
      // Reconnect replay asking for the caucus channel: nothing of it.
      const replayed = await connectRoom(t.url, c.tokens.platform, c.caseId, {
        lastSeq: 0,
        cursors: { [customerCaucus()]: 0 },
      });
      open.push(replayed);
      await sleep(100);
      expect(replayed.messages.every((m) => m.channel === 'joint')).toBe(true);
      expect(JSON.stringify(replayed.messages)).not.toContain(secret);
      // The activity feed says a private session happened, never what was said.
      const activity = await platform.socket.emitWithAck('activity:list', { limit: 100 });
      expect(activity.ok && activity.data.entries.some((e) => e.kind === 'caucus.opened')).toBe(true);
      expect(JSON.stringify(activity)).not.toContain(secret);
      // And no REST route hands it out.
      const rest = await fetch(`${t.url}/api/cases/${c.caseId}`, {
        headers: { authorization: `Bearer ${c.tokens.platform}` },
      });
      expect(await rest.text()).not.toContain(secret);
    });

    it('the customer replays their own caucus on reconnect', async () => {
      const back = await connectRoom(t.url, c.tokens.customer, c.caseId, { cursors: { [customerCaucus()]: 0 } });
      open.push(back);
      expect(back.messages.filter((m) => m.channel === customerCaucus()).map((m) => m.text)).toEqual([secret, reply]);
    });

    it('private notes are a document of the two alone', async () => {
      const name = caucusNotesName(c.caseId, ids.customer);
      const mine = connectDoc(t.url, name, c.tokens.customer);
      const theirs = connectDoc(t.url, name, c.tokens.mediator);
      await Promise.all([waitSynced(mine), waitSynced(theirs)]);
      draft(mine.doc, 'notes').insert(0, '底线：12期');
      await waitFor(() => bodyText(theirs.doc, 'notes') === '底线：12期', 'mediator sees the note');
      for (const role of ['platform', 'observer', 'admin'] as const) {
        const spy = connectDoc(t.url, name, c.tokens[role], new Y.Doc());
        await waitFor(() => spy.closes.length > 0, `${role} refused`);
        expect(spy.closes[0]?.code).toBe(CloseCode.FORBIDDEN);
        expect(bodyText(spy.doc, 'notes')).toBe('');
        spy.destroy();
      }
      mine.destroy();
      theirs.destroy();
    });

    it('the mediator switches party and returns; a closed caucus takes no messages', async () => {
      expect((await mediator.socket.emitWithAck('caucus:open', { userId: ids.platform })).ok).toBe(true);
      const closed = await emit(customer, 'chat:send', {
        clientId: newClientId(),
        text: 'x',
        channel: customerCaucus(),
      });
      expect(closed.error?.code).toBe('CAUCUS_CLOSED');
      expect((await emit(mediator, 'caucus:open', { userId: ids.observer })).error?.code).toBe('FORBIDDEN');
      const back = await mediator.socket.emitWithAck('caucus:close', {});
      expect(back.ok && back.data).toMatchObject({ phase: 'joint', caucus: null });
    });
  });

  describe('controls', () => {
    it('mute refuses the participant’s messages with a clear error until unmuted', async () => {
      const mediator = await connect('mediator');
      const customer = await connect('customer');
      expect((await mediator.socket.emitWithAck('moderation:mute', { userId: ids.customer, muted: true })).ok).toBe(
        true,
      );
      const refused = await customer.send('还能说话吗？');
      expect(refused).toMatchObject({ ok: false, error: { code: 'MUTED' } });
      await waitFor(
        () => mediator.presence.at(-1)?.participants.find((p) => p.userId === ids.customer)?.muted,
        'muted shown',
      );
      expect((await mediator.socket.emitWithAck('moderation:mute', { userId: ids.customer, muted: false })).ok).toBe(
        true,
      );
      expect((await customer.send('现在可以了')).ok).toBe(true);
    });

    it('lock: the Yjs endpoint refuses every update except the mediator’s', async () => {
      const mediator = await connect('mediator');
      expect((await mediator.socket.emitWithAck('room:phase', { phase: 'drafting' })).ok).toBe(true);
      expect((await mediator.socket.emitWithAck('agreement:lock', { locked: true })).ok).toBe(true);
      const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
      const party = connectDoc(t.url, c.caseId, c.tokens.platform);
      await Promise.all([waitSynced(writer), waitSynced(party)]);
      draft(party.doc).insert(0, 'platform while locked');
      await waitFor(() => party.denied.length > 0, 'refused while locked');
      draft(writer.doc).insert(0, 'mediator while locked');
      await waitFor(() => bodyText(party.doc).includes('mediator while locked'), 'mediator writes');
      expect(bodyText(writer.doc)).not.toContain('platform while locked');
      expect((await mediator.socket.emitWithAck('agreement:lock', { locked: false })).ok).toBe(true);
      party.destroy();
      const again = connectDoc(t.url, c.caseId, c.tokens.platform);
      await waitSynced(again);
      draft(again.doc).insert(0, 'after unlock');
      await waitFor(() => bodyText(writer.doc).includes('after unlock'), 'unlocked');
      writer.destroy();
      again.destroy();
    });

    it('pinned announcements and raised hands reach everyone', async () => {
      const mediator = await connect('mediator');
      const customer = await connect('customer');
      const pinned = await mediator.socket.emitWithAck('room:pin', { text: '请双方保持礼貌，逐一发言。' });
      expect(pinned.ok && pinned.data.pinned?.text).toBe('请双方保持礼貌，逐一发言。');
      await waitFor(() => customer.states.at(-1)?.pinned?.text === '请双方保持礼貌，逐一发言。', 'pinned seen');
      expect((await customer.socket.emitWithAck('hand:raise', { raised: true })).ok).toBe(true);
      await waitFor(
        () => mediator.presence.at(-1)?.participants.find((p) => p.userId === ids.customer)?.handRaised,
        'hand seen',
      );
      expect((await mediator.socket.emitWithAck('hand:lower', { userId: ids.customer })).ok).toBe(true);
      await waitFor(
        () => mediator.presence.at(-1)?.participants.find((p) => p.userId === ids.customer)?.handRaised === false,
        'hand lowered',
      );
    });

    it('remove closes the participant’s connections and their invite stops working', async () => {
      const d = await t.createCase('removal');
      const members = await t.server.store.listMembers(d.caseId);
      const platformId = members.find((m) => m.role === 'platform')?.userId ?? '';
      const mediator = await connectRoom(t.url, d.tokens.mediator, d.caseId);
      const platform = await connectRoom(t.url, d.tokens.platform, d.caseId);
      platform.socket.io.reconnection(false);
      const doc = connectDoc(t.url, d.caseId, d.tokens.platform);
      await waitSynced(doc);
      expect((await mediator.socket.emitWithAck('moderation:remove', { userId: platformId })).ok).toBe(true);
      await waitFor(() => !platform.socket.connected, 'socket closed');
      expect(platform.errors.map((e) => e.code)).toContain('NOT_A_MEMBER');
      await waitFor(() => doc.closes.length > 0, 'yjs closed');
      doc.destroy();
      await expect(acceptInvite(t.url, d.inviteUrls.platform)).rejects.toThrow(/INVITE_REVOKED/);
      await waitFor(() => !mediator.presence.at(-1)?.participants.some((p) => p.userId === platformId), 'gone');
      mediator.close();
    });
  });

  it('only the mediator controls the room: everyone else gets FORBIDDEN and nothing changes', async () => {
    const attempts: [string, unknown][] = [
      ['room:phase', { phase: 'drafting' }],
      ['room:settings', { lobby: false }],
      ['lobby:admit', { all: true }],
      ['caucus:open', { userId: ids.customer }],
      ['caucus:close', {}],
      ['moderation:mute', { userId: ids.customer, muted: true }],
      ['moderation:remove', { userId: ids.customer }],
      ['agreement:lock', { locked: true }],
      ['room:pin', { text: 'hijacked' }],
      ['hand:lower', { userId: ids.customer }],
    ];
    const before = await t.server.store.getRoomState(c.caseId);
    const membersBefore = await t.server.store.listMembers(c.caseId);
    for (const role of ['customer', 'platform', 'observer', 'admin'] as const) {
      const client = await connect(role);
      for (const [event, payload] of attempts) {
        const res = await emitUnchecked(client, event, payload);
        expect({ role, event, code: res.error?.code }).toEqual({ role, event, code: 'FORBIDDEN' });
      }
    }
    expect(await t.server.store.getRoomState(c.caseId)).toEqual(before);
    expect(await t.server.store.listMembers(c.caseId)).toEqual(membersBefore);
  });

  it('every moderation action is in the audit log, hash-chained, and in the activity feed', async () => {
    const verified = await t.server.audit.verify(c.caseId);
    expect(verified.ok).toBe(true);
    const entries = await t.server.audit.all(c.caseId);
    const kinds = new Set(entries.map((e) => e.kind));
    for (const kind of [
      'lobby.admitted',
      'settings.changed',
      'phase.changed',
      'caucus.opened',
      'caucus.closed',
      'member.muted',
      'member.unmuted',
      'agreement.locked',
      'agreement.unlocked',
      'announcement.pinned',
      'hand.raised',
      'hand.lowered',
    ]) {
      expect(kinds).toContain(kind);
    }
    const mediator = await connect('mediator');
    const feed = await mediator.socket.emitWithAck('activity:list', { limit: 100 });
    expect(feed.ok && feed.data.entries.find((e) => e.kind === 'member.muted')).toMatchObject({
      actor: { role: 'mediator' },
      target: { userId: ids.customer },
    });
  });
});
