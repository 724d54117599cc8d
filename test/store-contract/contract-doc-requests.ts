import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { DocumentAnswer, NewDocumentRequest } from '@accord/server';
import { type ContractContext } from './context';

/** Document requests: idempotent by id, answered once (atomically), open ones soonest due first, purged of text. */
export function contractDocRequests(t: ContractContext): void {
  const request = (over: Partial<NewDocumentRequest> = {}): NewDocumentRequest => ({
    id: randomUUID(),
    caseId: t.caseId,
    kind: 'loan_contract',
    note: '2024年签订的借款合同全文',
    requestedBy: t.userId,
    requestedAt: '2026-12-01T09:00:00.000Z',
    dueAt: '2026-12-08T15:59:59.999Z',
    ...over,
  });
  const open = {
    status: 'open',
    answeredAt: null,
    answeredById: null,
    answeredByRole: null,
    answeredByName: null,
    reason: null,
  } as const;
  const answer = (over: Partial<DocumentAnswer> = {}): DocumentAnswer => ({
    status: 'provided',
    at: '2026-12-02T10:00:00.000Z',
    byId: randomUUID(),
    byRole: 'lender',
    byName: '李经理',
    reason: null,
    ...over,
  });
  const otherCase = async () =>
    (
      await t.store.createCase({
        id: randomUUID(),
        title: 'Other',
        summary: '',
        category: 'other',
        amountInDisputeCents: 0,
      })
    ).id;

  it('120. a request is stored open, once per id (even sent twice at once); listed oldest first per case', async () => {
    const { store } = t;
    expect(await store.listDocumentRequests(t.caseId)).toEqual([]);
    const later = request({ requestedAt: '2026-12-01T10:00:00.000Z', kind: 'fee_list' });
    const first = request();
    expect(await store.addDocumentRequest(later)).toEqual({ record: { ...later, ...open }, created: true });
    const both = await Promise.all([
      store.addDocumentRequest(first),
      store.addDocumentRequest({ ...first, note: 'x' }),
    ]);
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    for (const r of both) expect(r.record).toEqual({ ...first, ...open });
    expect(await store.listDocumentRequests(t.caseId)).toEqual([
      { ...first, ...open },
      { ...later, ...open },
    ]);
    expect(await store.getDocumentRequest(first.id)).toEqual({ ...first, ...open });
    expect(await store.getDocumentRequest(randomUUID())).toBeNull();
    expect(await store.listDocumentRequests(randomUUID())).toEqual([]);
  });

  it('121. only an open request is answered: a second answer (even at once) is a CONFLICT; the first stands', async () => {
    const { store } = t;
    const r = request();
    await store.addDocumentRequest(r);
    const provided = answer();
    const declined = answer({ status: 'declined', reason: '该合同已于2020年销毁，无法提供。', byRole: 'centre' });
    const results = await Promise.allSettled([
      store.answerDocumentRequest(r.id, provided),
      store.answerDocumentRequest(r.id, declined),
    ]);
    const won = results.filter((x) => x.status === 'fulfilled');
    const lost = results.filter((x) => x.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    const stored = await store.getDocumentRequest(r.id);
    expect(stored).toEqual((won[0] as PromiseFulfilledResult<unknown>).value);
    expect(stored?.status).not.toBe('open');
    await expect(store.answerDocumentRequest(randomUUID(), provided)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const d = request();
    await store.addDocumentRequest(d);
    expect(await store.answerDocumentRequest(d.id, declined)).toEqual({
      ...d,
      status: 'declined',
      answeredAt: declined.at,
      answeredById: declined.byId,
      answeredByRole: 'centre',
      answeredByName: declined.byName,
      reason: declined.reason,
    });
  });

  it('122. open requests of every case are listed soonest due first; answered ones leave the list', async () => {
    const { store } = t;
    const other = await otherCase();
    const late = request({ dueAt: '2026-12-20T15:59:59.999Z' });
    const soon = request({ caseId: other, dueAt: '2026-12-03T15:59:59.999Z' });
    const mid = request({ dueAt: '2026-12-10T15:59:59.999Z' });
    for (const r of [late, soon, mid]) await store.addDocumentRequest(r);
    expect((await store.listOpenDocumentRequests()).map((r) => r.id)).toEqual([soon.id, mid.id, late.id]);
    await store.answerDocumentRequest(mid.id, answer());
    expect((await store.listOpenDocumentRequests()).map((r) => r.id)).toEqual([soon.id, late.id]);
  });

  it("123. purging a case drops its requests' notes and reasons, keeps the requests; another case is untouched", async () => {
    const { store } = t;
    const other = await otherCase();
    const mine = request();
    const theirs = request({ caseId: other });
    await store.addDocumentRequest(mine);
    await store.addDocumentRequest(theirs);
    await store.answerDocumentRequest(mine.id, answer({ status: 'declined', reason: '超出保存期限，无法提供。' }));
    await store.purgeCase(t.caseId, new Date().toISOString());
    const [purged] = await store.listDocumentRequests(t.caseId);
    expect(purged).toMatchObject({ id: mine.id, note: '', reason: null, status: 'declined' });
    expect(await store.listDocumentRequests(other)).toEqual([{ ...theirs, ...open }]);
  });
}
