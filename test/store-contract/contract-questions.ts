import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { NewQuestionPost } from '@accord/server';
import { type ContractContext } from './context';

/** The pre-session question thread: posts numbered per case, idempotent by id, purged with the case. */
export function contractQuestions(t: ContractContext): void {
  const question = (over: Partial<NewQuestionPost> = {}): NewQuestionPost => ({
    id: randomUUID(),
    caseId: t.caseId,
    kind: 'question',
    replyTo: null,
    authorId: t.userId,
    authorRole: 'customer',
    authorName: '',
    body: '合同第七条的提前还款手续费是怎么计算的？',
    at: '2026-12-01T09:00:00.000Z',
    ...over,
  });
  const answerTo = (questionId: string, over: Partial<NewQuestionPost> = {}): NewQuestionPost =>
    question({
      kind: 'answer',
      replyTo: questionId,
      authorId: randomUUID(),
      authorRole: 'lender',
      authorName: '李经理',
      body: '按剩余本金的3%计收。',
      at: '2026-12-01T10:00:00.000Z',
      ...over,
    });

  it('95. a case has no posts until one is added; posts are numbered from 1 per case and listed in order', async () => {
    const { store } = t;
    expect(await store.listQuestionPosts(t.caseId)).toEqual([]);
    const q = question();
    expect(await store.addQuestionPost(q)).toEqual({ record: { ...q, seq: 1 }, created: true });
    const a = answerTo(q.id);
    expect(await store.addQuestionPost(a)).toEqual({ record: { ...a, seq: 2 }, created: true });
    expect(await store.listQuestionPosts(t.caseId)).toEqual([
      { ...q, seq: 1 },
      { ...a, seq: 2 },
    ]);
    expect(await store.listQuestionPosts(randomUUID())).toEqual([]);
  });

  it('96. a post sent again with the same id is stored once; the stored one is returned', async () => {
    const { store } = t;
    const q = question();
    await store.addQuestionPost(q);
    const again = await store.addQuestionPost({ ...q, body: '另一段文字', at: '2026-12-02T09:00:00.000Z' });
    expect(again).toEqual({ record: { ...q, seq: 1 }, created: false });
    const both = await Promise.all([question(), question()].map((p) => store.addQuestionPost(p)));
    expect(both.map((r) => r.record.seq).sort()).toEqual([2, 3]);
    expect(await store.listQuestionPosts(t.caseId)).toHaveLength(3);
  });

  it('97. open questions are counted per case until answered', async () => {
    const { store } = t;
    const other = await store.createCase({
      id: randomUUID(),
      title: 'Other',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    const q1 = question();
    const q2 = question();
    await store.addQuestionPost(q1);
    await store.addQuestionPost(q2);
    await store.addQuestionPost(question({ caseId: other.id }));
    const counts = async () => (await store.openQuestionCounts()).sort((a, b) => a.caseId.localeCompare(b.caseId));
    const expected = [
      { caseId: t.caseId, open: 2 },
      { caseId: other.id, open: 1 },
    ].sort((a, b) => a.caseId.localeCompare(b.caseId));
    expect(await counts()).toEqual(expected);
    await store.addQuestionPost(answerTo(q1.id));
    await store.addQuestionPost(answerTo(q1.id, { body: '补充：最低收取50元。' }));
    await store.addQuestionPost(answerTo(q2.id));
    expect(await store.openQuestionCounts()).toEqual([{ caseId: other.id, open: 1 }]);
  });

  it('98. purging a case deletes its thread only; numbering of another case is its own', async () => {
    const { store } = t;
    const other = await store.createCase({
      id: randomUUID(),
      title: 'Other',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    await store.addQuestionPost(question());
    const theirs = question({ caseId: other.id });
    expect((await store.addQuestionPost(theirs)).record.seq).toBe(1);
    await store.purgeCase(t.caseId, new Date().toISOString());
    expect(await store.listQuestionPosts(t.caseId)).toEqual([]);
    expect(await store.listQuestionPosts(other.id)).toEqual([{ ...theirs, seq: 1 }]);
    expect(await store.openQuestionCounts()).toEqual([{ caseId: other.id, open: 1 }]);
  });
}
