import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, type Activity } from '@accord/shared';
import { connectDoc, connectRoom, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { NAMES, startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { draft } from '../helpers/agreement-body';

/**
 * Issue 16, the room's rough edges: every change of a settlement term is recorded by the server
 * (who, old and new value, when) and shown in the feed; two writers at once, or one offline, leave
 * both values traced and say whose value was replaced by whom.
 */
describe('settlement term changes are recorded by the server, with their author', () => {
  let t: TestServer;
  const open: { destroy(): void }[] = [];
  const doc = (c: TestCase, token: string, clientID?: number): DocClient => {
    const y = new Y.Doc();
    if (clientID !== undefined) y.clientID = clientID;
    const d = connectDoc(t.url, c.caseId, token, y);
    open.push(d);
    return d;
  };
  const terms = (d: DocClient) => d.doc.getMap<unknown>(AgreementDoc.terms);
  const changes = async (c: TestCase) =>
    (await t.server.audit.all(c.caseId))
      .filter((e) => e.kind === 'terms.changed')
      .map((e) => ({
        actorId: e.actorId,
        at: e.at,
        ...(e.data as { actor: Activity['actor']; target: Activity['target']; detail: Activity['detail'] }),
      }));
  const changesFor = async (c: TestCase, n: number) => {
    const found = await waitFor(async () => {
      const list = await changes(c);
      return list.length >= n ? list : null;
    }, `${n} terms.changed entries`);
    return found;
  };

  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(async () => {
    open.forEach((d) => d.destroy());
    await t.close();
  });

  it('records who changed a term from what to what, and shows it in the room and in terms:last', async () => {
    const c = await t.createCase();
    const room: RoomClient = await connectRoom(t.url, c.tokens.customer, c.caseId);
    open.push({ destroy: () => room.close() });
    const m = doc(c, c.tokens.mediator);
    const p = doc(c, c.tokens.customer);
    await Promise.all([m, p].map(waitSynced));

    terms(m).set('amountAgreedCents', 50_000);
    const [first] = await changesFor(c, 1);
    expect(first).toMatchObject({
      actorId: c.userIds.mediator,
      actor: { userId: c.userIds.mediator, displayName: NAMES.mediator, role: 'mediator' },
      target: null,
      detail: { term: 'amountAgreedCents', from: null, to: 50_000, conflict: null },
    });
    expect(Date.parse(first!.at)).toBeGreaterThan(Date.now() - 60_000);

    // The customer saw 500.00 and changes it: an ordinary change, from the value it replaced.
    await waitFor(() => terms(p).get('amountAgreedCents') === 50_000, 'the customer has the mediator’s value');
    terms(p).set('amountAgreedCents', 90_000);
    // Text typed into the body is no term change.
    draft(p.doc).insert(0, 'Both sides agree.');
    const list = await changesFor(c, 2);
    expect(list[1]).toMatchObject({
      actor: { userId: c.userIds.customer, displayName: NAMES.customer, role: 'customer' },
      detail: { term: 'amountAgreedCents', from: 50_000, to: 90_000, conflict: null },
    });

    // Everyone in the room is told, as activity of kind terms.changed.
    await waitFor(() => room.activity.filter((a) => a.kind === 'terms.changed').length === 2, 'two feed entries');
    const feed = await emit(room, 'activity:list', { limit: 50 });
    expect(feed.data?.entries.filter((a) => a.kind === 'terms.changed').map((a) => a.detail.to)).toEqual([
      50_000, 90_000,
    ]);
    const last = await emit(room, 'terms:last', {});
    expect(last.data?.entries).toHaveLength(1);
    expect(last.data?.entries[0]).toMatchObject({
      actor: { userId: c.userIds.customer, displayName: NAMES.customer },
      detail: { term: 'amountAgreedCents', to: 90_000 },
    });
    // Still no entry for the body's text.
    expect(await changes(c)).toHaveLength(2);
  });

  it('two writers at once: both values are in the log, and the later one says whose value it met', async () => {
    const c = await t.createCase();
    // Yjs keeps the write of the higher client id when two are concurrent.
    const low = doc(c, c.tokens.mediator, 1_000);
    const high = doc(c, c.tokens.platform, 2_000);
    await Promise.all([low, high].map(waitSynced));
    // In one tick: neither has heard of the other's write when it sends its own.
    terms(low).set('amountAgreedCents', 50_000);
    terms(high).set('amountAgreedCents', 90_000);
    const [a, b] = await changesFor(c, 2);
    await waitFor(
      () => terms(low).get('amountAgreedCents') === 90_000 && terms(high).get('amountAgreedCents') === 90_000,
      'both converge on the higher client’s value',
    );
    expect(a!.detail).toMatchObject({ term: 'amountAgreedCents', from: null, conflict: null });
    if (a!.actor.userId === c.userIds.mediator) {
      // 500 first, then 900 replaced it without having seen it.
      expect(a!.detail.to).toBe(50_000);
      expect(b).toMatchObject({
        actor: { userId: c.userIds.platform, displayName: NAMES.platform },
        target: { userId: c.userIds.mediator, displayName: NAMES.mediator },
        detail: { from: 50_000, to: 90_000, conflict: 'overwrote' },
      });
    } else {
      // 900 first; the 500 written at the same time lost to it, and is still traced.
      expect(a!.detail.to).toBe(90_000);
      expect(b).toMatchObject({
        actor: { userId: c.userIds.mediator, displayName: NAMES.mediator },
        target: { userId: c.userIds.platform, displayName: NAMES.platform },
        detail: { from: 90_000, to: 50_000, conflict: 'lost' },
      });
    }
  });

  for (const offlineWins of [true, false]) {
    it(`an offline writer is recorded when it comes back (${offlineWins ? 'its value wins' : 'its value loses'})`, async () => {
      const c = await t.createCase();
      const online = doc(c, c.tokens.mediator, offlineWins ? 1_000 : 3_000);
      const offline = doc(c, c.tokens.customer, 2_000);
      await Promise.all([online, offline].map(waitSynced));
      terms(online).set('instalments', 6);
      await changesFor(c, 1);
      await waitFor(() => terms(offline).get('instalments') === 6, 'the customer has 6 instalments');

      offline.provider.disconnect();
      // Two writes offline: the last one is the change recorded.
      terms(offline).set('amountAgreedCents', 10_000);
      terms(offline).set('amountAgreedCents', 25_000);
      terms(offline).set('instalments', 12);
      terms(online).set('amountAgreedCents', 30_000);
      const before = await changesFor(c, 2);
      expect(before[1]).toMatchObject({
        actor: { userId: c.userIds.mediator },
        detail: { term: 'amountAgreedCents', from: null, to: 30_000, conflict: null },
      });

      offline.provider.connect();
      const list = await changesFor(c, 4);
      expect(list).toHaveLength(4);
      const [amount, instalments] = list.slice(2);
      // Attributed to the customer, whose connection sent them, when the server received them.
      expect(amount!.actor).toMatchObject({ userId: c.userIds.customer, displayName: NAMES.customer });
      expect(Date.parse(amount!.at)).toBeGreaterThanOrEqual(Date.parse(before[1]!.at));
      expect(amount!.target).toEqual({ userId: c.userIds.mediator, displayName: NAMES.mediator });
      expect(amount!.detail).toEqual(
        offlineWins
          ? { term: 'amountAgreedCents', from: 30_000, to: 25_000, conflict: 'overwrote' }
          : { term: 'amountAgreedCents', from: 30_000, to: 25_000, conflict: 'lost' },
      );
      // The customer had seen the 6 instalments it changed: an ordinary change.
      expect(instalments).toMatchObject({
        actor: { userId: c.userIds.customer },
        target: null,
        detail: { term: 'instalments', from: 6, to: 12, conflict: null },
      });
      const final = offlineWins ? 25_000 : 30_000;
      await waitFor(
        () => terms(online).get('amountAgreedCents') === final && terms(offline).get('amountAgreedCents') === final,
        'both converge',
      );
      // "Last changed by" follows the value the term holds, never a write that lost.
      const room = await connectRoom(t.url, c.tokens.platform, c.caseId);
      open.push({ destroy: () => room.close() });
      const last = await emit(room, 'terms:last', {});
      const amountLast = last.data?.entries.find((e) => e.detail.term === 'amountAgreedCents');
      expect(amountLast?.actor.userId).toBe(offlineWins ? c.userIds.customer : c.userIds.mediator);
      expect(amountLast?.detail.to).toBe(final);
    });
  }
});
