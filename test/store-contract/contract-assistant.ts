import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Fact } from '@accord/shared';
import type { SurveyResponseRecord } from '@accord/server';
import type { ContractContext } from './context';

/** The assistant's reading of a case with the mediator's corrections, proposal decisions, and anonymous surveys. */
export function contractAssistant(t: ContractContext): void {
  const at = '2026-12-04T10:00:00.000Z';
  const later = '2026-12-04T11:00:00.000Z';
  const fee: Fact = { kind: 'amount', cents: 30_000, span: { start: 3, end: 8, text: '300元' } };

  it('90. a classification is stored; a re-classification replaces the model fields and keeps corrections', async () => {
    const { store, caseId } = t;
    expect(await store.getAssistant(caseId)).toBeNull();
    expect(await store.putCorrections(caseId, { type: 'other', facts: null, by: t.userId, at })).toBeNull();
    const first = await store.putClassification({
      caseId,
      modelType: 'fees_charges',
      modelProbability: 0.91,
      modelVersion: 'm1',
      at,
    });
    expect(first).toEqual({
      caseId,
      modelType: 'fees_charges',
      modelProbability: 0.91,
      modelVersion: 'm1',
      correctedType: null,
      correctedFacts: null,
      correctedBy: null,
      classifiedAt: at,
      updatedAt: at,
    });
    const corrected = await store.putCorrections(caseId, {
      type: 'hardship_repayment',
      facts: [fee],
      by: t.userId,
      at: later,
    });
    expect(corrected).toMatchObject({ correctedType: 'hardship_repayment', correctedFacts: [fee], updatedAt: later });
    const again = await store.putClassification({
      caseId,
      modelType: 'interest_cost',
      modelProbability: 0.5,
      modelVersion: 'm2',
      at: later,
    });
    expect(again).toMatchObject({
      modelType: 'interest_cost',
      modelVersion: 'm2',
      correctedType: 'hardship_repayment',
      correctedFacts: [fee],
      correctedBy: t.userId,
    });
    expect(await store.getAssistant(caseId)).toEqual(again);
    expect(await store.listDisputeTypes()).toContainEqual({ caseId, type: 'hardship_repayment' });
    await store.putCorrections(caseId, { type: null, facts: null, by: t.userId, at: later });
    expect(await store.listDisputeTypes()).toContainEqual({ caseId, type: 'interest_cost' });
  });

  it('91. proposal decisions are numbered per case in order and kept whole', async () => {
    const { store, caseId } = t;
    expect(await store.listProposalUses(caseId)).toEqual([]);
    const base = { caseId, userId: t.userId, at, source: '{"template":"fees.refund"}' };
    const a = await store.addProposalUse({
      ...base,
      itemId: 'fees.refund',
      action: 'edited',
      clauseId: '12:3',
      text: '退还 300 元',
    });
    const b = await store.addProposalUse({
      ...base,
      itemId: 'fees.explain',
      action: 'dropped',
      clauseId: null,
      text: '',
    });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    const other = await store.createCase({
      id: randomUUID(),
      title: 'O',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    expect(
      (
        await store.addProposalUse({
          ...base,
          caseId: other.id,
          itemId: 'x',
          action: 'accepted',
          clauseId: '1:1',
          text: 'x',
        })
      ).seq,
    ).toBe(1);
    expect(await store.listProposalUses(caseId)).toEqual([a, b]);
  });

  it('92. a survey is answered once per person; responses carry no link to who gave them', async () => {
    const { store, caseId, userId } = t;
    const response = (over: Partial<SurveyResponseRecord> = {}): SurveyResponseRecord => ({
      id: randomUUID(),
      caseId,
      role: 'customer',
      satisfaction: 4,
      heard: true,
      fair: false,
      again: true,
      comment: '调解员很耐心',
      day: '2026-12-04',
      ...over,
    });
    expect(await store.hasAnsweredSurvey(caseId, userId)).toBe(false);
    const first = response();
    expect(await store.submitSurvey({ caseId, userId, at }, first)).toBe(true);
    expect(await store.hasAnsweredSurvey(caseId, userId)).toBe(true);
    expect(await store.submitSurvey({ caseId, userId, at: later }, response({ satisfaction: 1 }))).toBe(false);
    const other = await store.createCase({
      id: randomUUID(),
      title: 'O',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    const theirs = response({
      caseId: other.id,
      role: 'platform',
      heard: false,
      fair: true,
      again: false,
      comment: '',
    });
    expect(await store.submitSurvey({ caseId: other.id, userId, at }, theirs)).toBe(true);
    expect(await store.listSurveyResponses([caseId])).toEqual([first]);
    expect(await store.listSurveyResponses([caseId, other.id])).toHaveLength(2);
    expect(await store.listSurveyResponses(null)).toEqual(expect.arrayContaining([first, theirs]));
    expect(await store.listSurveyResponses([])).toEqual([]);
  });

  it('93. purging a case drops its corrected facts, proposal texts and survey comments; the figures stay', async () => {
    const { store, caseId, userId } = t;
    await store.putClassification({ caseId, modelType: 'fees_charges', modelProbability: 0.9, modelVersion: 'm1', at });
    await store.putCorrections(caseId, { type: 'other', facts: [fee], by: userId, at });
    await store.addProposalUse({
      caseId,
      userId,
      at,
      source: '{}',
      itemId: 'a',
      action: 'accepted',
      clauseId: '1:1',
      text: 'x',
    });
    const r: SurveyResponseRecord = {
      id: randomUUID(),
      caseId,
      role: 'customer',
      satisfaction: 5,
      heard: true,
      fair: true,
      again: true,
      comment: '我的电话 13800000000',
      day: '2026-12-04',
    };
    await store.submitSurvey({ caseId, userId, at }, r);
    await store.purgeCase(caseId, later);
    expect(await store.getAssistant(caseId)).toMatchObject({ correctedType: 'other', correctedFacts: null });
    expect(await store.listProposalUses(caseId)).toEqual([]);
    expect(await store.listSurveyResponses([caseId])).toEqual([{ ...r, comment: '' }]);
  });
}
