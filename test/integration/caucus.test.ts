import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, caucusChannel, caucusNotesName, mediatorNotesName } from '@accord/shared';
import type { Store } from '@accord/server';
import { connectDoc, connectRoom, newClientId, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';
import { emit } from '../helpers/emit';

/** The text a document holds in the store (snapshot and update log), whatever any node has loaded. */
async function storedText(store: Store, name: string, field = 'notes'): Promise<string> {
  const stored = await store.loadDoc(name);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  return bodyText(doc, field);
}

/** Opens a document and expects it refused before anything of it arrives. */
async function expectRefused(t: TestServer, name: string, token: string, who: string): Promise<DocClient['closes'][0]> {
  const spy = connectDoc(t.url, name, token, new Y.Doc());
  try {
    await waitFor(() => spy.closes.length > 0, `${who} refused`);
    expect(bodyText(spy.doc, 'notes'), `${who} received nothing`).toBe('');
    expect(spy.provider.synced, `${who} never synced`).toBe(false);
    return spy.closes[0] as DocClient['closes'][0];
  } finally {
    spy.destroy();
  }
}

describe('the caucus', () => {
  let t: TestServer;
  let c: TestCase;
  const open: RoomClient[] = [];
  const docs: DocClient[] = [];
  const connect = async (role: keyof TestCase['tokens'], token = c.tokens[role]) => {
    const client = await connectRoom(t.url, token, c.caseId);
    open.push(client);
    return client;
  };
  const doc = (name: string, role: keyof TestCase['tokens']) => {
    const d = connectDoc(t.url, name, c.tokens[role]);
    docs.push(d);
    return d;
  };

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('Caucus confidentiality', { lobby: false, phase: 'drafting' });
  });
  afterAll(async () => {
    open.forEach((x) => x.close());
    docs.forEach((d) => d.destroy());
    await t.close();
  });

  it("the mediator's notebook is the mediator's alone: no party, observer or admin opens it", async () => {
    const name = mediatorNotesName(c.caseId);
    const mine = doc(name, 'mediator');
    await waitSynced(mine);
    draft(mine.doc, 'notes').insert(0, '客户底线：640 元');
    await waitFor(async () => (await storedText(t.server.store, name)) === '客户底线：640 元', 'note stored');
    // Another of the mediator's devices reads it.
    const again = doc(name, 'mediator');
    await waitFor(() => bodyText(again.doc, 'notes') === '客户底线：640 元', 'mediator reads it back');
    for (const role of ['customer', 'platform', 'observer', 'admin'] as const) {
      const closed = await expectRefused(t, name, c.tokens[role], role);
      expect(closed).toMatchObject({ code: CloseCode.FORBIDDEN, reason: expect.stringMatching(/^FORBIDDEN: /) });
    }
  });

  it('a caucus opened from drafting returns to drafting, also when moved to the other party', async () => {
    const mediator = await connect('mediator');
    const opened = await emit(mediator, 'caucus:open', { userId: c.userIds.customer });
    expect(opened.data).toMatchObject({
      phase: 'caucus',
      caucus: { userId: c.userIds.customer, returnTo: 'drafting' },
    });
    const moved = await emit(mediator, 'caucus:open', { userId: c.userIds.platform });
    expect(moved.data).toMatchObject({ caucus: { userId: c.userIds.platform, returnTo: 'drafting' } });
    const closed = await emit(mediator, 'caucus:close', {});
    expect(closed.data).toMatchObject({ phase: 'drafting', caucus: null });
    expect((await t.server.store.getRoomState(c.caseId)).phase).toBe('drafting');
    const feed = await emit(mediator, 'activity:list', { limit: 100 });
    expect(feed.data?.entries.at(-1)).toMatchObject({ kind: 'caucus.closed', detail: { to: 'drafting' } });
  });

  it('a caucus opened from the joint session returns to it', async () => {
    const mediator = await connect('mediator');
    expect((await emit(mediator, 'room:phase', { phase: 'joint' })).data?.phase).toBe('joint');
    expect((await emit(mediator, 'caucus:open', { userId: c.userIds.customer })).data?.caucus?.returnTo).toBe('joint');
    expect((await emit(mediator, 'caucus:close', {})).data).toMatchObject({ phase: 'joint', caucus: null });
    expect((await emit(mediator, 'room:phase', { phase: 'drafting' })).data?.phase).toBe('drafting');
  });

  describe('after it ends, its own two read it and nobody writes it', () => {
    const secret = '我最多能接受 640 元。';
    const reply = '明白，我去和平台谈。';
    const sharedNote = '双方约定：12 期';
    let mediator: RoomClient;
    let customer: RoomClient;
    let platform: RoomClient;
    const notes = () => caucusNotesName(c.caseId, c.userIds.customer);

    beforeAll(async () => {
      mediator = await connect('mediator');
      customer = await connect('customer');
      platform = await connect('platform');
    });

    it('during the caucus: chat and shared notes between the two; the other party opens neither', async () => {
      expect((await emit(mediator, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
      const channel = caucusChannel(c.userIds.customer);
      expect((await emit(customer, 'chat:send', { clientId: newClientId(), text: secret, channel })).ok).toBe(true);
      expect((await emit(mediator, 'chat:send', { clientId: newClientId(), text: reply, channel })).ok).toBe(true);
      const mine = doc(notes(), 'customer');
      await waitSynced(mine);
      draft(mine.doc, 'notes').insert(0, sharedNote);
      await waitFor(async () => (await storedText(t.server.store, notes())) === sharedNote, 'shared note stored');
      for (const role of ['platform', 'observer', 'admin'] as const) {
        const closed = await expectRefused(t, notes(), c.tokens[role], role);
        expect(closed).toMatchObject({ code: CloseCode.FORBIDDEN, reason: expect.stringMatching(/^FORBIDDEN: /) });
      }
      // The caucus party never reads the mediator's own notebook either, even mid-caucus.
      const closed = await expectRefused(t, mediatorNotesName(c.caseId), c.tokens.customer, 'customer');
      expect(closed.code).toBe(CloseCode.FORBIDDEN);
    });

    it('the party still reads its caucus chat, but may not post to it', async () => {
      expect((await emit(mediator, 'caucus:close', {})).data?.phase).toBe('drafting');
      const channel = caucusChannel(c.userIds.customer);
      for (const reader of [customer, mediator]) {
        const history = await emit(reader, 'chat:history', { channel, limit: 100 });
        expect(history.data?.messages.map((m) => m.text)).toEqual([secret, reply]);
      }
      for (const writer of [customer, mediator]) {
        const refused = await emit(writer, 'chat:send', { clientId: newClientId(), text: '还有一件事', channel });
        expect(refused.error?.code).toBe('CAUCUS_CLOSED');
      }
      expect((await emit(platform, 'chat:history', { channel, limit: 100 })).error?.code).toBe('FORBIDDEN');
      expect(await t.server.store.headSeq(c.caseId, channel)).toBe(2);
    });

    it('each side lists the caucuses it may read; the other party is never told of it', async () => {
      const who = { userId: c.userIds.customer, displayName: '王女士', open: false };
      expect((await emit(customer, 'caucus:list', {})).data).toEqual({ caucuses: [who] });
      const mediatorsList = (await emit(mediator, 'caucus:list', {})).data?.caucuses ?? [];
      expect(mediatorsList).toContainEqual(who);
      // The platform had a caucus of its own earlier (moved to it from the customer's), and sees only that one.
      expect((await emit(platform, 'caucus:list', {})).data?.caucuses.map((x) => x.userId)).toEqual([
        c.userIds.platform,
      ]);
      const observer = await connect('observer');
      expect((await emit(observer, 'caucus:list', {})).data).toEqual({ caucuses: [] });
    });

    it('the shared notes open read-only for their two; a change is refused and not stored', async () => {
      const reader = doc(notes(), 'customer');
      await waitFor(() => bodyText(reader.doc, 'notes') === sharedNote, 'customer reads the notes');
      draft(reader.doc, 'notes').insert(0, '改一下：');
      await waitFor(() => reader.denied.length > 0, 'customer refused');
      expect(reader.denied[0]).toMatch(/read-only: this private session is not open/);
      const mediatorsCopy = doc(notes(), 'mediator');
      await waitFor(() => bodyText(mediatorsCopy.doc, 'notes') === sharedNote, 'mediator reads the notes');
      draft(mediatorsCopy.doc, 'notes').insert(0, '调解员补充：');
      await waitFor(() => mediatorsCopy.denied.length > 0, 'mediator refused');
      expect(await storedText(t.server.store, notes())).toBe(sharedNote);
      // A third reader gets the notes as they were, without either refused change.
      const later = doc(notes(), 'mediator');
      await waitSynced(later);
      expect(bodyText(later.doc, 'notes')).toBe(sharedNote);
      // And the other party still cannot open them.
      expect((await expectRefused(t, notes(), c.tokens.platform, 'platform')).code).toBe(CloseCode.FORBIDDEN);
    });
  });
});

describe('the caucus across a restart', () => {
  it('a caucus opened from drafting returns to drafting after the node restarted; its notes stay read-only', async () => {
    const dataDir = makeTempDir('accord-caucus-');
    let t = await startServer({ dataDir });
    const c = await t.createCase('Caucus over a restart', { lobby: false, phase: 'drafting' });
    let mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    expect((await emit(mediator, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    mediator.close();
    await t.close();

    t = await startServer({ dataDir });
    try {
      mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
      expect(mediator.welcomes[0]?.state.caucus).toMatchObject({ userId: c.userIds.customer, returnTo: 'drafting' });
      expect((await emit(mediator, 'caucus:close', {})).data).toMatchObject({ phase: 'drafting', caucus: null });
      const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
      expect((await emit(customer, 'caucus:list', {})).data?.caucuses).toEqual([
        { userId: c.userIds.customer, displayName: '王女士', open: false },
      ]);
      const notes = connectDoc(t.url, caucusNotesName(c.caseId, c.userIds.customer), c.tokens.customer);
      await waitSynced(notes);
      draft(notes.doc, 'notes').insert(0, 'after the caucus');
      await waitFor(() => notes.denied.length > 0, 'refused after restart');
      notes.destroy();
      mediator.close();
      customer.close();
    } finally {
      await t.close();
    }
  });
});
