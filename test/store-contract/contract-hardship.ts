import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { HardshipRecord } from '@accord/server';
import { type ContractContext } from './context';

/** The customer's hardship declaration (one per case, replaced whole) and each lender's plan policy. */
export function contractHardship(t: ContractContext): void {
  const declaration = (over: Partial<HardshipRecord> = {}): HardshipRecord => ({
    caseId: t.caseId,
    kind: 'job_loss',
    since: '2026-09-30',
    description: '公司裁员，我于九月底失业。',
    evidenceIds: [randomUUID(), randomUUID()],
    declaredBy: t.userId,
    declaredAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    ...over,
  });

  it('70. a case has no declaration until one is put; the first is stored as given, in the order of its proofs', async () => {
    const { store } = t;
    expect(await store.getHardship(t.caseId)).toBeNull();
    const first = declaration();
    expect(await store.putHardship(first)).toEqual({ record: first, created: true });
    expect(await store.getHardship(t.caseId)).toEqual(first);
    expect(await store.getHardship(randomUUID())).toBeNull();
  });

  it('71. a later declaration replaces everything but when the first was made', async () => {
    const { store } = t;
    const first = declaration();
    await store.putHardship(first);
    const later = declaration({
      kind: 'illness',
      since: null,
      description: '确诊慢性病，需要长期治疗。',
      evidenceIds: [randomUUID()],
      declaredAt: '2026-12-05T10:00:00.000Z',
      updatedAt: '2026-12-05T10:00:00.000Z',
    });
    const expected = { ...later, declaredAt: first.declaredAt };
    expect(await store.putHardship(later)).toEqual({ record: expected, created: false });
    expect(await store.getHardship(t.caseId)).toEqual(expected);
  });

  it("72. one case's declaration is not another's; purging a case deletes its declaration only", async () => {
    const { store } = t;
    const other = await store.createCase({
      id: randomUUID(),
      title: 'Other',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    await store.putHardship(declaration());
    const theirs = declaration({ caseId: other.id, kind: 'disaster' });
    expect((await store.putHardship(theirs)).created).toBe(true);
    await store.purgeCase(t.caseId, new Date().toISOString());
    expect(await store.getHardship(t.caseId)).toBeNull();
    expect(await store.getHardship(other.id)).toEqual(theirs);
  });

  it('73. a lender has no plan policy until one is set; it is read back, replaced and cleared', async () => {
    const { store } = t;
    const lender = await store.createLender({ id: randomUUID(), name: '甲消费金融' });
    expect(lender.planPolicy).toBeNull();
    const policy = { maxInstalments: 24, maxWaiverCents: 50_000, maxHolidayMonths: 3 };
    expect(await store.setLenderPlanPolicy(lender.id, policy)).toMatchObject({ id: lender.id, planPolicy: policy });
    expect((await store.getLender(lender.id))?.planPolicy).toEqual(policy);
    expect((await store.listLenders()).find((l) => l.id === lender.id)?.planPolicy).toEqual(policy);
    // Renaming leaves the policy alone.
    expect((await store.renameLender(lender.id, '甲金融'))?.planPolicy).toEqual(policy);
    const tighter = { ...policy, maxInstalments: 12 };
    await store.setLenderPlanPolicy(lender.id, tighter);
    expect((await store.getLender(lender.id))?.planPolicy).toEqual(tighter);
    expect(await store.setLenderPlanPolicy(lender.id, null)).toMatchObject({ planPolicy: null });
    expect((await store.getLender(lender.id))?.planPolicy).toBeNull();
    expect(await store.setLenderPlanPolicy(randomUUID(), policy)).toBeNull();
  });
}
