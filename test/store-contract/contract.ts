import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage, Store } from '@accord/server';
import { GENESIS_HASH } from '@accord/shared';

/** A guest user to send messages as (the setup of most store tests); returns its id. */
export async function createGuest(store: Store, displayName = 'x'): Promise<string> {
  const id = randomUUID();
  await store.createUser({
    id,
    kind: 'guest',
    username: null,
    displayName,
    staffRole: null,
    passwordHash: null,
    mustChangePassword: false,
  });
  return id;
}

/**
 * The rules every Store implementation must keep, numbered so that a failure
 * names the rule. Run against each backend with its own factory.
 */
export function registerStoreContract(name: string, factory: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let caseId: string;
    let userId: string;

    beforeEach(async () => {
      store = await factory();
      userId = await createGuest(store, '王女士');
      const c = await store.createCase({
        id: randomUUID(),
        title: 'Fee dispute',
        summary: '',
        category: 'fees_and_charges',
        amountInDisputeCents: 128_000,
      });
      caseId = c.id;
    });
    afterEach(async () => {
      await store.close();
    });

    const msg = (clientId: string, text = `text of ${clientId}`): NewMessage => ({
      id: randomUUID(),
      caseId,
      channel: 'joint',
      clientId,
      senderId: userId,
      senderName: '王女士',
      senderRole: 'customer',
      text,
      createdAt: new Date().toISOString(),
    });

    it('1. case numbers are unique and increasing within a year', async () => {
      const second = await store.createCase({
        id: randomUUID(),
        title: 'b',
        summary: '',
        category: 'other',
        amountInDisputeCents: 0,
      });
      const first = await store.getCase(caseId);
      expect(first?.number).toMatch(/^AC-\d{4}-000001$/);
      expect(second.number).toMatch(/^AC-\d{4}-000002$/);
    });

    it('2. messages get gap-free sequence numbers per case, starting at 1', async () => {
      const seqs = [];
      for (let i = 0; i < 5; i++) seqs.push((await store.appendMessage(msg(`client-${i}xx`))).message.seq);
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect(await store.headSeq(caseId, 'joint')).toBe(5);
      expect(await store.headSeq(randomUUID(), 'joint')).toBe(0);
    });

    it('3. a retried clientId is stored once and returns the first seq; other text is a CONFLICT', async () => {
      const a = await store.appendMessage(msg('retry-0001'));
      const b = await store.appendMessage(msg('retry-0001'));
      expect(b).toEqual({ message: a.message, duplicate: true });
      await expect(store.appendMessage(msg('retry-0001', 'other'))).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.headSeq(caseId, 'joint')).toBe(1);
    });

    it('4. the same clientId from two senders is two messages', async () => {
      const other = await createGuest(store);
      await store.appendMessage(msg('shared-id-1'));
      const b = await store.appendMessage({ ...msg('shared-id-1'), senderId: other });
      expect(b.duplicate).toBe(false);
      expect(b.message.seq).toBe(2);
    });

    it('5. history pages backwards and replays forwards, ascending', async () => {
      for (let i = 1; i <= 10; i++) await store.appendMessage(msg(`page-${String(i).padStart(4, '0')}`));
      const newest = await store.listMessages(caseId, 'joint', { limit: 3 });
      expect(newest.map((m) => m.seq)).toEqual([8, 9, 10]);
      const older = await store.listMessages(caseId, 'joint', { beforeSeq: 8, limit: 3 });
      expect(older.map((m) => m.seq)).toEqual([5, 6, 7]);
      const first = await store.listMessages(caseId, 'joint', { beforeSeq: 3, limit: 5 });
      expect(first.map((m) => m.seq)).toEqual([1, 2]);
      const after = await store.listMessages(caseId, 'joint', { afterSeq: 7, limit: 100 });
      expect(after.map((m) => m.seq)).toEqual([8, 9, 10]);
      expect(await store.listMessages(caseId, 'joint', { afterSeq: 10, limit: 100 })).toEqual([]);
    });

    it('6. document updates load in order; compaction replaces them by a snapshot atomically, and only forward', async () => {
      const a = await store.appendDocUpdate(caseId, new Uint8Array([1]));
      const b = await store.appendDocUpdate(caseId, new Uint8Array([2]));
      await store.appendDocUpdate(`${caseId}/notes`, new Uint8Array([9]));
      expect(b).toBeGreaterThan(a);
      let doc = await store.loadDoc(caseId);
      expect(doc.snapshot).toBeNull();
      expect(doc.updates.map((u) => [...u.data])).toEqual([[1], [2]]);
      const c = await store.appendDocUpdate(caseId, new Uint8Array([3]));
      await store.compactDoc(caseId, new Uint8Array([7, 7]), [a, b]);
      doc = await store.loadDoc(caseId);
      expect([...(doc.snapshot ?? [])]).toEqual([7, 7]);
      expect(doc.updates.map((u) => u.id)).toEqual([c]);
      expect((await store.loadDoc(`${caseId}/notes`)).updates).toHaveLength(1);
      // A compaction from an older view (another node's) neither replaces the newer snapshot nor deletes anything.
      await store.compactDoc(caseId, new Uint8Array([5]), [a]);
      doc = await store.loadDoc(caseId);
      expect([...(doc.snapshot ?? [])]).toEqual([7, 7]);
      expect(doc.updates.map((u) => u.id)).toEqual([c]);
      // Only the ids covered go: one below the highest that was not read (committed late) stays.
      const d = await store.appendDocUpdate(caseId, new Uint8Array([4]));
      const e = await store.appendDocUpdate(caseId, new Uint8Array([6]));
      await store.compactDoc(caseId, new Uint8Array([8]), [c, e]);
      doc = await store.loadDoc(caseId);
      expect([...(doc.snapshot ?? [])]).toEqual([8]);
      expect(doc.updates.map((u) => u.id)).toEqual([d]);
    });

    it('7. revoking an invite revokes the sessions opened through it, and only those', async () => {
      const invite = await store.createInvite({
        id: randomUUID(),
        pinHash: null,
        caseId,
        userId,
        role: 'customer',
        displayName: '王女士',
        createdBy: null,
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      const expiresAt = invite.expiresAt;
      const s1 = await store.createSession({ id: randomUUID(), userId, caseId, inviteId: invite.id, expiresAt });
      const s2 = await store.createSession({ id: randomUUID(), userId, caseId: null, inviteId: null, expiresAt });
      const revoked = await store.revokeInvite(invite.id, new Date().toISOString());
      expect(revoked).toEqual([s1.id]);
      expect((await store.getInvite(invite.id))?.revokedAt).not.toBeNull();
      expect((await store.getSession(s1.id))?.revokedAt).not.toBeNull();
      expect((await store.getSession(s2.id))?.revokedAt).toBeNull();
      const s3 = await store.createSession({ id: randomUUID(), userId, caseId: null, inviteId: null, expiresAt });
      expect(await store.revokeUserSessions(userId, s3.id, new Date().toISOString())).toEqual([s2.id]);
      expect((await store.getSession(s3.id))?.revokedAt).toBeNull();
    });

    it('8. a membership is one role per person per case and lists with its case', async () => {
      await store.putMember({ caseId, userId, role: 'observer', displayName: 'a' });
      await store.putMember({ caseId, userId, role: 'customer', displayName: '王女士' });
      expect((await store.listMembers(caseId)).map((m) => m.role)).toEqual(['customer']);
      const ms = await store.listMemberships(userId);
      expect(ms).toHaveLength(1);
      expect(ms[0]?.case.id).toBe(caseId);
      expect(await store.getMember(caseId, randomUUID())).toBeNull();
    });

    it('10. each channel has its own gap-free sequence; a caucus leaves no gap in the joint one', async () => {
      const caucus = `caucus:${userId}` as const;
      await store.appendMessage(msg('chan-0001'));
      await store.appendMessage({ ...msg('chan-0002'), channel: caucus });
      await store.appendMessage({ ...msg('chan-0003'), channel: caucus });
      const third = await store.appendMessage(msg('chan-0004'));
      expect(third.message).toMatchObject({ channel: 'joint', seq: 2 });
      expect(await store.headSeq(caseId, caucus)).toBe(2);
      expect((await store.listMessages(caseId, 'joint', { limit: 10 })).map((m) => m.clientId)).toEqual([
        'chan-0001',
        'chan-0004',
      ]);
      expect((await store.listMessages(caseId, caucus, { afterSeq: 0, limit: 10 })).map((m) => m.seq)).toEqual([1, 2]);
      // The same clientId in another channel is a conflict, not a silent duplicate.
      await expect(store.appendMessage({ ...msg('chan-0001'), channel: caucus })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('11. room state starts scheduled with a lobby and counts its versions', async () => {
      const initial = await store.getRoomState(caseId);
      expect(initial).toMatchObject({ phase: 'scheduled', lobby: true, agreementLocked: false, version: 0 });
      const a = await store.updateRoomState(caseId, { phase: 'opening' });
      const b = await store.updateRoomState(caseId, { pinned: { text: '请保持礼貌', by: 'm', at: 'now' } });
      expect([a.version, b.version]).toEqual([1, 2]);
      await expect(store.updateRoomState(caseId, { phase: 'joint' }, 1)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await store.updateRoomState(caseId, { lobby: false }, 2)).version).toBe(3);
      expect(await store.getRoomState(caseId)).toEqual({ ...b, phase: 'opening', lobby: false, version: 3 });
    });

    it('12. member flags, admitting everyone waiting, and removal revoking access', async () => {
      const m = await store.putMember({ caseId, userId, role: 'customer', displayName: '王女士' });
      expect(m).toMatchObject({ admitted: false, muted: false, handRaised: false, removedAt: null });
      expect(await store.setMemberFlags(caseId, userId, { muted: true })).toMatchObject({
        muted: true,
        admitted: false,
      });
      expect(await store.admitAll(caseId)).toEqual([userId]);
      expect(await store.admitAll(caseId)).toEqual([]);
      // Re-putting a member (a new invite) keeps the flags.
      expect(await store.putMember({ caseId, userId, role: 'customer', displayName: '王' })).toMatchObject({
        admitted: true,
        muted: true,
      });
      const invite = await store.createInvite({
        id: randomUUID(),
        pinHash: null,
        caseId,
        userId,
        role: 'customer',
        displayName: '王女士',
        createdBy: null,
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      const s1 = await store.createSession({
        id: randomUUID(),
        userId,
        caseId,
        inviteId: invite.id,
        expiresAt: invite.expiresAt,
      });
      expect(await store.removeMember(caseId, userId, new Date().toISOString())).toEqual([s1.id]);
      expect((await store.getMember(caseId, userId))?.removedAt).not.toBeNull();
      expect(await store.listMembers(caseId)).toEqual([]);
      expect(await store.listMemberships(userId)).toEqual([]);
      expect((await store.getInvite(invite.id))?.revokedAt).not.toBeNull();
      expect(await store.setMemberFlags(caseId, userId, { muted: false })).toBeNull();
    });

    it('13. the audit log chains each entry to the one before, even under concurrent appends', async () => {
      const append = (n: number) =>
        store.appendAudit(caseId, (prev) => ({
          caseId,
          seq: (prev?.seq ?? 0) + 1,
          at: new Date().toISOString(),
          actorId: userId,
          kind: 'test',
          data: { n },
          prevHash: prev?.hash ?? GENESIS_HASH,
          hash: `${(prev?.seq ?? 0) + 1}`.padStart(64, 'h'),
        }));
      await Promise.all([1, 2, 3, 4, 5].map(append));
      const log = await store.listAudit(caseId, { limit: 10 });
      expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(log[0]?.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < log.length; i++) expect(log[i]?.prevHash).toBe(log[i - 1]?.hash);
      expect((await store.listAudit(caseId, { beforeSeq: 3, limit: 10 })).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('14. messages sent at once are each stored once; one refused leaves the others stored', async () => {
      await store.appendMessage(msg('burst-taken', 'first text'));
      const settled = await Promise.allSettled([
        store.appendMessage(msg('burst-0001')),
        store.appendMessage(msg('burst-taken', 'other text')),
        store.appendMessage(msg('burst-0002')),
        store.appendMessage(msg('burst-0001')),
        store.appendMessage({ ...msg('burst-0003'), channel: `caucus:${userId}` }),
      ]);
      expect(settled[1]).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
      const [a, , b, again, caucus] = settled.map((s) => (s.status === 'fulfilled' ? s.value : null));
      // The two sends of one clientId: one stored it, the other got the same row back.
      expect(again?.message).toEqual(a?.message);
      expect([a?.duplicate, again?.duplicate].sort()).toEqual([false, true]);
      expect([a?.message.seq, b?.message.seq].sort()).toEqual([2, 3]);
      expect(caucus?.message.seq).toBe(1);
      expect(await store.headSeq(caseId, 'joint')).toBe(3);
      const stored = await store.listMessages(caseId, 'joint', { afterSeq: 0, limit: 10 });
      expect(stored.map((m) => m.clientId).sort()).toEqual(['burst-0001', 'burst-0002', 'burst-taken']);
    });

    it('9. usernames are unique', async () => {
      const staff = {
        kind: 'staff' as const,
        username: 'li.hua',
        displayName: 'Li',
        staffRole: 'platform' as const,
        passwordHash: 'x',
        mustChangePassword: false,
      };
      await store.createUser({ id: randomUUID(), ...staff });
      await expect(store.createUser({ id: randomUUID(), ...staff })).rejects.toThrow();
      expect(await store.countStaff()).toBe(1);
    });
  });
}

/**
 * The SQL stores store chat messages in batches (group commit): a message whose write fails for any
 * reason (here its audit entry cannot be built) is refused alone; the others of its batch are stored,
 * numbered without a gap, each with its audit entry. (The memory store, for unit tests, does not
 * promise this.)
 */
export function registerBatchAtomicity(name: string, factory: () => Promise<Store>): void {
  describe(`Chat batches: ${name}`, () => {
    it('a message that fails in a batch is refused alone; the others are stored without a gap', async () => {
      const store = await factory();
      try {
        const userId = await createGuest(store);
        const { id: caseId } = await store.createCase({
          id: randomUUID(),
          title: 'Batch',
          summary: '',
          category: 'other',
          amountInDisputeCents: 0,
        });
        const msg = (clientId: string): NewMessage => ({
          id: randomUUID(),
          caseId,
          channel: 'joint',
          clientId,
          senderId: userId,
          senderName: 'x',
          senderRole: 'customer',
          text: `text of ${clientId}`,
          createdAt: new Date().toISOString(),
        });
        const entry = (seq: number, prev: { seq: number; hash: string } | null) => ({
          caseId,
          seq: (prev?.seq ?? 0) + 1,
          at: new Date().toISOString(),
          actorId: userId,
          kind: 'chat.message',
          data: { seq },
          prevHash: prev?.hash ?? GENESIS_HASH,
          hash: `${seq}`.padStart(64, 'h'),
        });
        const settled = await Promise.allSettled([
          store.appendMessage(msg('batch-0001'), (m, prev) => entry(m.seq, prev)),
          store.appendMessage(msg('batch-0002'), () => {
            throw new Error('cannot build this entry');
          }),
          store.appendMessage(msg('batch-0003'), (m, prev) => entry(m.seq, prev)),
        ]);
        expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const stored = await store.listMessages(caseId, 'joint', { afterSeq: 0, limit: 10 });
        expect(stored.map((m) => [m.seq, m.clientId])).toEqual([
          [1, 'batch-0001'],
          [2, 'batch-0003'],
        ]);
        expect(await store.headSeq(caseId, 'joint')).toBe(2);
        const log = await store.listAudit(caseId, { limit: 10 });
        expect(log.map((e) => e.data.seq)).toEqual([1, 2]);
        expect(log[1]?.prevHash).toBe(log[0]?.hash);
      } finally {
        await store.close();
      }
    });
  });
}
