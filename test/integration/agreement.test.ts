import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, ROLE_COLOURS } from '@accord/shared';
import { connectDoc, waitSynced, type DocClient } from '../helpers/clients';
import { rawYjs, realUpdate, syncStep1Message, syncStep2Message, updateMessage } from '../helpers/raw-yjs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';

const text = (c: DocClient) => bodyText(c.doc);

async function storedState(t: TestServer, name: string): Promise<Y.Doc> {
  const stored = await t.server.store.loadDoc(name);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  return doc;
}

describe('agreement document over the stock y-websocket protocol', () => {
  let t: TestServer;
  let c: TestCase;
  const open: DocClient[] = [];
  const client = (token: string, name = c.caseId) => {
    const d = connectDoc(t.url, name, token);
    open.push(d);
    return d;
  };

  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_DOC_COMPACT_EVERY: '25' } });
    c = await t.createCase();
  });
  afterAll(async () => {
    open.forEach((d) => d.destroy());
    await t.close();
  });

  it('syncs three parties and converges under concurrent edits', async () => {
    const [a, b, m] = [client(c.tokens.customer), client(c.tokens.platform), client(c.tokens.mediator)];
    await Promise.all([a, b, m].map(waitSynced));
    draft(a.doc).insert(0, 'customer ');
    draft(b.doc).insert(0, 'platform ');
    draft(m.doc).insert(0, 'mediator ');
    for (let i = 0; i < 30; i++) {
      draft(a.doc).insert(0, 'a');
      draft(b.doc).insert(draft(b.doc).length, 'b');
      m.doc.getMap(AgreementDoc.terms).set('instalments', i + 1);
    }
    const sv = (x: typeof a) => Buffer.from(Y.encodeStateVector(x.doc)).toString('base64');
    // Converged: the same text, and every update (the map's last ones too) everywhere.
    await waitFor(
      () =>
        text(a) === text(b) && text(b) === text(m) && text(a).length === 27 + 60 && sv(a) === sv(m) && sv(b) === sv(m),
      'convergence',
    );
    expect(m.doc.getMap(AgreementDoc.terms).get('instalments')).toBe(30);
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(m.doc));
    // Everything relayed is stored: the store's state equals the clients'.
    const stored = await storedState(t, c.caseId);
    expect(bodyText(stored)).toBe(text(a));
    // Compaction ran (every 25 updates) and the log is shorter than the edits made.
    const raw = await t.server.store.loadDoc(c.caseId);
    expect(raw.snapshot).not.toBeNull();
    expect(raw.updates.length).toBeLessThan(25);
  });

  it('holds an edit sent before the client’s sync step 2 until that step brings what it builds on', async () => {
    // A stock provider sends edits as they are typed, also between connecting and answering the
    // server's sync step 1: such an edit can build on offline work only that answer carries.
    const offline = new Y.Doc();
    draft(offline).insert(0, 'written offline; ');
    const offlineWork = Y.encodeStateAsUpdate(offline);
    const sv = Y.encodeStateVector(offline);
    draft(offline).insert(17, 'typed while reconnecting');
    const typed = Y.encodeStateAsUpdate(offline, sv);
    const fresh = await t.createCase('Early edit');
    const name = fresh.caseId;
    const raw = rawYjs(t.url, name, fresh.tokens.customer, { handshake: false });
    await raw.opened;
    raw.ws.send(updateMessage(typed));
    // A probe ("is all I sent stored?") may not be answered while the edit is held.
    raw.ws.send(syncStep1Message(Y.encodeStateVector(offline)));
    await sleep(300);
    const isStep2 = (m: Uint8Array) => m[0] === 0 && m[1] === 1;
    expect(raw.received.some(isStep2)).toBe(false);
    raw.ws.send(syncStep2Message(offlineWork));
    const reader = client(fresh.tokens.platform, name);
    await waitFor(() => text(reader) === 'written offline; typed while reconnecting', 'both edits, in order');
    await waitFor(() => raw.received.some(isStep2), 'the probe answered once the edit is stored');
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    raw.ws.close();
  });

  it('shows each participant’s awareness (caret) to the others', async () => {
    const a = client(c.tokens.customer);
    const b = client(c.tokens.platform);
    await Promise.all([a, b].map(waitSynced));
    a.provider.awareness.setLocalStateField('user', { name: '王女士', color: '#c00' });
    await waitFor(
      () =>
        [...b.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string })?.name === '王女士'),
      'awareness relayed',
    );
    a.destroy();
    await waitFor(
      () =>
        ![...b.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string })?.name === '王女士'),
      'awareness removed on close',
    );
  });

  it('binds awareness to the authenticated person: no borrowed name, no taking over another’s caret', async () => {
    const members = await t.server.store.listMembers(c.caseId);
    const customer = members.find((m) => m.role === 'customer');
    const mallory = client(c.tokens.customer);
    const platform = client(c.tokens.platform);
    const watcher = client(c.tokens.mediator);
    await Promise.all([mallory, platform, watcher].map(waitSynced));
    platform.provider.awareness.setLocalStateField('user', { name: '李华', color: '#0077aa' });
    mallory.provider.awareness.setLocalStateField('user', { name: '张律师（调解员）', color: 'red;background:url(x)' });
    type Shown = { user?: { id?: string; name?: string; color?: string } };
    const seen = (id: number) => watcher.provider.awareness.getStates().get(id) as Shown | undefined;
    await waitFor(() => seen(mallory.doc.clientID)?.user?.id === customer?.userId, 'bound state relayed');
    // The colour is the role's, whatever was claimed (test/security/awareness.test.ts).
    expect(seen(mallory.doc.clientID)?.user).toEqual({
      id: customer?.userId,
      name: customer?.displayName,
      color: ROLE_COLOURS.customer,
    });
    // Speaking for the platform's awareness client id: dropped.
    const forged = new Y.Doc();
    const impostor = new awarenessProtocol.Awareness(forged);
    impostor.clientID = platform.doc.clientID;
    // A clock ahead of the real one, so that every awareness takes it; the stock provider then sends it on.
    for (let i = 0; i < 50; i++) impostor.setLocalState({ user: { name: `forged ${i}`, color: '#000000' } });
    const update = awarenessProtocol.encodeAwarenessUpdate(impostor, [platform.doc.clientID]);
    awarenessProtocol.applyAwarenessUpdate(mallory.provider.awareness, update, 'forge');
    expect((mallory.provider.awareness.getStates().get(platform.doc.clientID) as Shown).user?.name).toBe('forged 49');
    await new Promise((r) => setTimeout(r, 300));
    const platformMember = members.find((m) => m.role === 'platform');
    expect(seen(platform.doc.clientID)?.user).toMatchObject({
      id: platformMember?.userId,
      name: platformMember?.displayName,
    });
    [mallory, platform, watcher].forEach((d) => d.destroy());
  });

  it('refuses an observer’s and an admin’s changes with permission-denied, and stores nothing from them', async () => {
    const writer = client(c.tokens.mediator);
    await waitSynced(writer);
    for (const role of ['observer', 'admin'] as const) {
      const ro = client(c.tokens[role]);
      await waitSynced(ro);
      expect(text(ro)).toBe(text(writer));
      const before = Y.encodeStateAsUpdate(await storedState(t, c.caseId));
      draft(ro.doc).insert(0, `${role} was here`);
      await waitFor(() => ro.denied.length > 0, 'permission denied');
      expect(ro.denied[0]).toMatch(/read-only/);
      await sleep(100);
      expect(text(writer)).not.toContain(role);
      expect(Y.encodeStateAsUpdate(await storedState(t, c.caseId))).toEqual(before);
      // The read-only connection stays open and keeps receiving the writers' edits.
      draft(writer.doc).insert(0, `after-${role} `);
      await waitFor(() => text(ro).includes(`after-${role}`), 'observer still receives');
    }
  });

  it('a reader reopening the copy they keep is not refused (nothing new in it); a real change still is', async () => {
    const d = await t.createCase('a reader reloads');
    const writer = client(d.tokens.mediator, d.caseId);
    await waitSynced(writer);
    draft(writer.doc).insert(0, '分期还款方案（草稿）');
    // A deletion: from now on every copy's sync reply carries it, whatever the server already has.
    draft(writer.doc).delete(6, 4);
    const reader = client(d.tokens.observer, d.caseId);
    await waitFor(() => reader.provider.synced && text(reader) === '分期还款方案', 'the reader has the text');
    // What the browser does on a reload: the copy kept in IndexedDB answers the server's sync step 1.
    const kept = Y.encodeStateAsUpdate(reader.doc);
    reader.destroy();
    const again = rawYjs(t.url, d.caseId, d.tokens.observer, { handshake: false });
    await again.opened;
    const isAuth = (m: Uint8Array) => m[0] === 2;
    const answers = () => again.received.filter((m) => m[0] === 0 && m[1] === 1).length;
    // Each step 1 is answered after what was sent before it was handled: a refusal would come first.
    const roundTrip = async (n: number) => {
      again.ws.send(syncStep1Message(Y.encodeStateVector(new Y.Doc())));
      await waitFor(() => answers() === n, `sync answer ${n}`);
    };
    again.ws.send(syncStep2Message(kept));
    await roundTrip(1);
    expect(again.received.filter(isAuth)).toEqual([]);
    again.ws.send(updateMessage(realUpdate('observer was here')));
    await roundTrip(2);
    expect(again.received.filter(isAuth)).toHaveLength(1);
    again.ws.close();
  });

  it('loads lazily, unloads when everyone left, and reloads from the store', async () => {
    const d = await t.createCase('lazy');
    expect(t.server.docs.loaded()).not.toContain(d.caseId);
    const a = client(d.tokens.customer, d.caseId);
    await waitSynced(a);
    expect(t.server.docs.loaded()).toContain(d.caseId);
    draft(a.doc).insert(0, '分期还款方案');
    await waitFor(async () => (await t.server.store.loadDoc(d.caseId)).updates.length > 0, 'stored');
    a.destroy();
    await waitFor(() => !t.server.docs.loaded().includes(d.caseId), 'unloaded');
    const b = client(d.tokens.platform, d.caseId);
    await waitSynced(b);
    expect(text(b)).toBe('分期还款方案');
  });
});
