import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createGuest, type ContractContext } from './context';

/** Chat: sequence numbers, idempotent retries, history, channels, bursts. */
export function contractChat(t: ContractContext): void {
  it('2. messages get gap-free sequence numbers per case, starting at 1', async () => {
    const { store, caseId, msg } = t;
    const seqs = [];
    for (let i = 0; i < 5; i++) seqs.push((await store.appendMessage(msg(`client-${i}xx`))).message.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(await store.headSeq(caseId, 'joint')).toBe(5);
    expect(await store.headSeq(randomUUID(), 'joint')).toBe(0);
  });

  it('3. a retried clientId is stored once and returns the first seq; other text is a CONFLICT', async () => {
    const { store, caseId, msg } = t;
    const a = await store.appendMessage(msg('retry-0001'));
    const b = await store.appendMessage(msg('retry-0001'));
    expect(b).toEqual({ message: a.message, duplicate: true });
    await expect(store.appendMessage(msg('retry-0001', 'other'))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store.headSeq(caseId, 'joint')).toBe(1);
  });

  it('4. the same clientId from two senders is two messages', async () => {
    const { store, msg } = t;
    const other = await createGuest(store);
    await store.appendMessage(msg('shared-id-1'));
    const b = await store.appendMessage({ ...msg('shared-id-1'), senderId: other });
    expect(b.duplicate).toBe(false);
    expect(b.message.seq).toBe(2);
  });

  it('5. history pages backwards and replays forwards, ascending', async () => {
    const { store, caseId, msg } = t;
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

  it('10. each channel has its own gap-free sequence; a caucus leaves no gap in the joint one', async () => {
    const { store, caseId, userId, msg } = t;
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

  it('14. messages sent at once are each stored once; one refused leaves the others stored', async () => {
    const { store, caseId, userId, msg } = t;
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

  it('21. a message keeps its evidence citations through retry, history and replay; one without has none', async () => {
    const { store, caseId, msg } = t;
    const cites = [
      { id: randomUUID(), name: '合同.pdf', type: 'application/pdf' },
      { id: randomUUID(), name: 'receipt.png', type: 'image/png' },
    ];
    const plain = await store.appendMessage(msg('cite-0000'));
    expect(plain.message.cites).toEqual([]);
    const a = await store.appendMessage({ ...msg('cite-0001'), cites });
    expect(a.message.cites).toEqual(cites);
    // A retry: the same message, citations and all; other citations under the same clientId: a CONFLICT.
    expect(await store.appendMessage({ ...msg('cite-0001'), cites })).toEqual({ message: a.message, duplicate: true });
    await expect(store.appendMessage({ ...msg('cite-0001'), cites: cites.slice(1) })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(store.appendMessage(msg('cite-0000'))).resolves.toMatchObject({ duplicate: true });
    // Sent at once (one group commit), each keeps its own.
    const [b, c] = await Promise.all([
      store.appendMessage({ ...msg('cite-0002'), cites: cites.slice(0, 1) }),
      store.appendMessage(msg('cite-0003')),
    ]);
    expect(b.message.cites).toEqual(cites.slice(0, 1));
    expect(c.message.cites).toEqual([]);
    const replayed = await store.listMessages(caseId, 'joint', { afterSeq: 0, limit: 10 });
    expect(replayed.map((m) => m.cites)).toEqual([[], cites, cites.slice(0, 1), []]);
    const page = await store.listMessages(caseId, 'joint', { limit: 10 });
    expect(page).toEqual(replayed);
  });
}
