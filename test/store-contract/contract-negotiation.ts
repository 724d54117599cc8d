import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ConsentRecord, RoundRecord } from '@accord/server';
import { type ContractContext } from './context';

const hash = (c: string) => c.repeat(64);

/** Clause consent, the agreement's Yjs authors and the negotiation rounds. */
export function contractNegotiation(t: ContractContext): void {
  const consent = (
    caseId: string,
    over: Partial<Omit<ConsentRecord, 'seq' | 'caseId'>> = {},
  ): Omit<ConsentRecord, 'seq'> => ({
    caseId,
    clauseId: '12.0',
    hash: hash('a'),
    userId: t.userId,
    role: 'customer',
    displayName: '王女士',
    state: 'agreed',
    reason: '',
    at: new Date().toISOString(),
    ...over,
  });
  const round = (caseId: string, note = ''): Omit<RoundRecord, 'n'> => ({
    caseId,
    closedAt: new Date().toISOString(),
    closedBy: { userId: t.userId, role: 'mediator', displayName: '张律师' },
    note,
    text: `accord-agreement/3\n第一条 ${note}`,
    fingerprint: hash('f'),
    terms: {
      amountInDisputeCents: 128_000,
      amountAgreedCents: 48_000,
      feesWaivedCents: null,
      instalments: 3,
      firstDueDate: '2027-01-15',
      monthlyAmountCents: 16_000,
      noPayment: false,
      conditions: '',
      planKind: 'equal_instalment',
      planRateBp: 720,
    },
    clauses: [
      { id: '12.0', number: 1, hash: hash('a'), text: '第一条', agreedBy: ['customer'], objectedBy: ['platform'] },
      { id: 'terms', number: 2, hash: hash('b'), text: '条款', agreedBy: [], objectedBy: [] },
    ],
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

  it('60. consent is numbered per case from 1, in order, and read back exactly as given', async () => {
    const { store, caseId } = t;
    const other = await otherCase();
    const first = await store.addConsent(consent(caseId));
    const objection = consent(caseId, {
      role: 'platform',
      state: 'objected',
      reason: '利率太高，请再议',
      hash: hash('b'),
    });
    const second = await store.addConsent(objection);
    const elsewhere = await store.addConsent(consent(other));
    expect([first.seq, second.seq, elsewhere.seq]).toEqual([1, 2, 1]);
    expect(await store.listConsent(caseId)).toEqual([
      { ...consent(caseId), at: first.at, seq: 1 },
      { ...objection, seq: 2 },
    ]);
    expect((await store.listConsent(other)).map((e) => e.caseId)).toEqual([other]);
  });

  it('61. concurrent consents never share a seq', async () => {
    const { store, caseId } = t;
    const given = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.addConsent(consent(caseId, { clauseId: `${i}.1` }))),
    );
    expect(given.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const stored = await store.listConsent(caseId);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (const e of given) expect(stored.find((s) => s.seq === e.seq)?.clauseId).toBe(e.clauseId);
  });

  it('62. a Yjs client id keeps its first author; authors are per case', async () => {
    const { store, caseId } = t;
    const other = await otherCase();
    const wang = { client: 3_000_000_001, userId: t.userId, role: 'customer', displayName: '王女士' };
    await store.bindDocAuthor(caseId, wang);
    await store.bindDocAuthor(caseId, { ...wang, userId: randomUUID(), role: 'platform', displayName: '李华' });
    await store.bindDocAuthor(caseId, { ...wang, client: 7 });
    await store.bindDocAuthor(other, { ...wang, client: 9 });
    expect(await store.listDocAuthors(caseId)).toEqual([{ ...wang, client: 7 }, wang]);
    expect((await store.listDocAuthors(other)).map((a) => a.client)).toEqual([9]);
  });

  it('63. rounds are numbered per case from 1, even when closed at once, and kept whole', async () => {
    const { store, caseId } = t;
    const closed = await Promise.all(['一', '二', '三'].map((note) => store.addRound(round(caseId, note))));
    expect(closed.map((r) => r.n).sort()).toEqual([1, 2, 3]);
    const stored = await store.listRounds(caseId);
    expect(stored.map((r) => r.n)).toEqual([1, 2, 3]);
    for (const r of closed)
      expect(stored.find((s) => s.n === r.n)).toEqual({ ...round(caseId, r.note), closedAt: r.closedAt, n: r.n });
    expect(await store.listRounds(await otherCase())).toEqual([]);
  });

  it('64. a purge deletes the case’s consent, authors and rounds, and nothing of another case', async () => {
    const { store, caseId } = t;
    const other = await otherCase();
    for (const id of [caseId, other]) {
      await store.addConsent(consent(id, { state: 'objected', reason: '不同意' }));
      await store.bindDocAuthor(id, { client: 1, userId: t.userId, role: 'customer', displayName: '王女士' });
      await store.addRound(round(id, 'note'));
    }
    await store.purgeCase(caseId, new Date().toISOString());
    expect(await store.listConsent(caseId)).toEqual([]);
    expect(await store.listDocAuthors(caseId)).toEqual([]);
    expect(await store.listRounds(caseId)).toEqual([]);
    expect(await store.listConsent(other)).toHaveLength(1);
    expect(await store.listDocAuthors(other)).toHaveLength(1);
    expect(await store.listRounds(other)).toHaveLength(1);
  });

  it('65. a freeze keeps its clause list; one made without a list reads back without one', async () => {
    const { store, caseId } = t;
    const base = {
      caseId,
      text: 'accord-agreement/3\n',
      fingerprint: hash('e'),
      frozenAt: new Date().toISOString(),
      frozenBy: t.userId,
      terms: round(caseId).terms,
      signers: [t.userId],
    };
    const clauses = [
      { id: '12.0', number: 1, hash: hash('a'), client: 12 },
      { id: 'terms', number: 2, hash: hash('b'), client: null },
    ];
    await store.createFreeze({ ...base, id: randomUUID(), clauses });
    expect((await store.currentFreeze(caseId))?.clauses).toEqual(clauses);
    await store.voidFreeze(caseId, new Date().toISOString());
    await store.createFreeze({ ...base, id: randomUUID() });
    expect((await store.currentFreeze(caseId))?.clauses ?? null).toBeNull();
  });
}
