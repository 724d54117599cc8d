import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  computePlan,
  extractFacts,
  moneyText,
  propose,
  Proposal,
  termsPlan,
  type SettlementTerms,
} from '@accord/shared';
import { parseCorpus } from '../../shared/src/assistant/classify';
import { runCli } from '../helpers/process';
import { makeTempDir } from '../helpers/server';

interface AssistOutput {
  facts: { kind: string; cents?: number; span: { start: number; end: number; text: string } }[];
  type: { id: string; probability: number; ranking: { type: string; probability: number }[] };
  proposal: unknown;
}

const TERMS_UNSET: SettlementTerms = {
  amountInDisputeCents: null,
  amountAgreedCents: null,
  feesWaivedCents: null,
  instalments: null,
  firstDueDate: null,
  monthlyAmountCents: null,
  noPayment: false,
  conditions: '',
};

describe('accord assist', () => {
  it('prints the facts with their spans, the dispute type and the first proposal, as JSON', async () => {
    const dir = makeTempDir('accord-cli-');
    const complaint =
      '我于2025年3月12日借款12,000元（借款合同编号：HT-2025-0042），今年9月失业，没有收入，' +
      '每月还款2,133元实在还不上，想申请延期或者分期，减免罚息。';
    const file = join(dir, 'complaint.txt');
    writeFileSync(file, complaint);
    const out = JSON.parse(await runCli(['assist', file], dir)) as AssistOutput;
    for (const f of out.facts) expect(complaint.slice(f.span.start, f.span.end)).toBe(f.span.text);
    expect(out.facts.filter((f) => f.kind === 'amount').map((f) => f.cents)).toEqual([1_200_000, 213_300]);
    expect(out.facts.map((f) => f.kind)).toEqual(expect.arrayContaining(['date', 'reference', 'fee']));
    expect(out.type.id).toBe('hardship_repayment');
    expect(out.type.ranking).toHaveLength(8);
    expect(out.type.ranking.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 9);

    // The proposal, in the complaint's language (mostly Han characters: Chinese), on the largest amount.
    const proposal = Proposal.parse(out.proposal);
    expect(proposal.language).toBe('zh-CN');
    expect(proposal.type).toBe('hardship_repayment');
    const plan = proposal.items.find((i) => i.id === 'hardship.plan');
    const read = termsPlan({ ...TERMS_UNSET, ...plan?.terms });
    expect(read.state).toBe('ready');
    if (read.state !== 'ready') return;
    expect(read.input.principalCents).toBe(1_200_000);
    const first = computePlan(read.input).rows[0]!.paymentCents;
    expect(plan?.text).toContain(moneyText(first, 'zh-CN'));
    expect(plan?.text).toContain('借款合同（编号：HT-2025-0042）');
    expect(proposal.rules.length).toBeGreaterThan(0);
    expect(proposal.disclaimer).toContain('不构成法律意见');
  });

  it('writes the proposal in --lang; an English complaint defaults to English', async () => {
    const dir = makeTempDir('accord-cli-');
    const file = join(dir, 'complaint.txt');
    writeFileSync(
      file,
      'The lender deducted a service fee of 1,200 yuan and a guarantee fee of 300 yuan from my loan without telling me. Please refund these fees.',
    );
    const en = JSON.parse(await runCli(['assist', file], dir)) as AssistOutput;
    const proposal = Proposal.parse(en.proposal);
    expect(proposal.language).toBe('en');
    expect(proposal.type).toBe('fees_charges');
    expect(proposal.items.find((i) => i.id === 'fees.refund')?.amounts[0]?.cents).toBe(1_500_00);

    const zh = Proposal.parse(
      (JSON.parse(await runCli(['assist', file, '--lang', 'zh-CN'], dir)) as AssistOutput).proposal,
    );
    expect(zh.language).toBe('zh-CN');
    expect(zh.items.find((i) => i.id === 'fees.refund')?.text).toContain('人民币 1,500.00 元（大写：壹仟伍佰元整）');
  });

  it('refuses a bad language, an unknown flag and a missing file, exiting non-zero', async () => {
    const dir = makeTempDir('accord-cli-');
    const file = join(dir, 'complaint.txt');
    writeFileSync(file, '服务费太高');
    await expect(runCli(['assist', file, '--lang', 'fr'], dir)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--lang must be zh-CN or en'),
    });
    await expect(runCli(['assist', file, '--langue', 'en'], dir)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("Unknown option '--langue'"),
    });
    await expect(runCli(['assist', join(dir, 'missing.txt')], dir)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('cannot read'),
    });
  });
});

describe('propose() over the complaints corpus', () => {
  it('gives a valid proposal for every complaint, in both languages, with and without a declared hardship', () => {
    const corpus = parseCorpus(
      readFileSync(new URL('../../shared/corpus/complaints/corpus.jsonl', import.meta.url), 'utf8'),
    );
    expect(corpus.length).toBeGreaterThanOrEqual(120);
    const leaks = /undefined|NaN|Infinity|\{|\}/;
    for (const e of corpus) {
      const facts = extractFacts(e.text);
      for (const language of ['zh-CN', 'en'] as const) {
        for (const hardship of [null, { kind: 'illness' as const, since: null }]) {
          const p = propose({
            language,
            type: e.type,
            facts,
            amountInDisputeCents: 0,
            hardship,
            planPolicy: null,
            today: '2026-12-04',
          });
          expect(Proposal.safeParse(p).success, e.id).toBe(true);
          for (const i of p.items) expect(i.text, `${e.id} ${i.id}`).not.toMatch(leaks);
        }
      }
    }
  });
});
