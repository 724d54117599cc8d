import { describe, expect, it } from 'vitest';
import type { SettlementTerms } from '../documents';
import type { CaseLanguage } from '../ids';
import { computePlan, policyBreaches, termsPlan, type LenderPlanPolicy } from '../repayment';
import { moneyText } from '../settlement-format';
import { extractFacts, type Fact } from './facts';
import { propose } from './proposal';
import { complaintLanguage } from './proposal-facts';
import { RULE_IDS, RULES } from './proposal-rules';
import { TEMPLATES } from './proposal-templates';
import { Proposal, type ProposalInput } from './proposal-types';
import { DisputeType } from './types';

const LANGUAGES: CaseLanguage[] = ['zh-CN', 'en'];

const RICH_ZH =
  '我于2025年3月12日借款12,000元（借款合同编号：HT-2025-0042），平台扣了1,200元服务费，担保费300元，' +
  '年化利率36%，逾期罚息450元。还买了一份保险费600元的保险，催收天天打电话给我同事，征信上也有逾期记录。';
const RICH_EN =
  'I borrowed RMB 12,000 (loan no. LN-88231) at 36% APR. They took a service fee of 1,200 yuan and a late fee of 450 yuan.';

function input(over: Partial<ProposalInput> & Pick<ProposalInput, 'type'>): ProposalInput {
  return {
    language: 'zh-CN',
    facts: [],
    amountInDisputeCents: 0,
    hardship: null,
    planPolicy: null,
    today: '2026-12-04',
    ...over,
  };
}

/** Terms as the agreement holds them: every key set (null when unset), then the item's partial terms. */
function fullTerms(partial: Partial<SettlementTerms>): SettlementTerms {
  return {
    amountInDisputeCents: null,
    amountAgreedCents: null,
    feesWaivedCents: null,
    instalments: null,
    firstDueDate: null,
    monthlyAmountCents: null,
    noPayment: false,
    conditions: '',
    ...partial,
  };
}

const LEAKS = /undefined|NaN|Infinity|null|\{|\}|\[object/;

describe('propose(): every type, both languages', () => {
  const cases = DisputeType.options.flatMap((type) =>
    LANGUAGES.flatMap((language) =>
      [
        { name: 'rich zh facts', facts: extractFacts(RICH_ZH), amount: 0 },
        { name: 'rich en facts', facts: extractFacts(RICH_EN), amount: 0 },
        { name: 'no facts', facts: [], amount: 0 },
        { name: 'no facts, an amount on the form', facts: [], amount: 880_00 },
      ].flatMap((f) =>
        [null, { kind: 'job_loss' as const, since: '2026-09-01' }].map((hardship) => ({
          label: `${type} ${language} ${f.name}${hardship ? ' + hardship' : ''}`,
          input: input({ type, language, facts: f.facts, amountInDisputeCents: f.amount, hardship }),
        })),
      ),
    ),
  );

  it.each(cases)('$label: valid, 2+ clauses, no leaks, every rule resolves', ({ input: i }) => {
    const p = propose(i);
    expect(Proposal.parse(p)).toEqual(p);
    expect(p.language).toBe(i.language);
    expect(p.type).toBe(i.type);
    expect(p.items.length).toBeGreaterThanOrEqual(2);
    expect(p.disclaimer.length).toBeGreaterThan(20);
    const ruleIds = new Set(p.rules.map((r) => r.id));
    for (const item of p.items) {
      for (const s of [item.heading, item.text, ...item.amounts.flatMap((a) => [a.label, a.basis])]) {
        expect(s, `${item.id}: ${s}`).not.toMatch(LEAKS);
        expect(s.trim()).not.toBe('');
      }
      expect(item.ruleIds.length).toBeGreaterThan(0);
      for (const id of item.ruleIds) expect(ruleIds, `${item.id} cites ${id}`).toContain(id);
      for (const a of item.amounts) {
        expect(Number.isSafeInteger(a.cents)).toBe(true);
        for (const span of a.from)
          expect(i.facts.some((f) => f.span.start === span.start && f.span.end === span.end)).toBe(true);
      }
      // English clauses quote a Chinese complaint's words, and only inside quotation marks.
      if (i.language === 'en') expect(item.text.replace(/“[^”]*”/g, '')).not.toMatch(/[\u4e00-\u9fff]/);
    }
    // Only the rules the clauses cite, each once.
    expect(p.rules.map((r) => r.id).sort()).toEqual([...new Set(p.items.flatMap((x) => x.ruleIds))].sort());
  });

  it('zh-CN amounts are in figures and in words; a value the facts lack is a visible blank', () => {
    const p = propose(input({ type: 'fees_charges', facts: extractFacts('扣了880元服务费') }));
    expect(p.items.find((x) => x.id === 'fees.refund')?.text).toContain('人民币 880.00 元（大写：捌佰捌拾元整）');
    const blank = propose(input({ type: 'fees_charges', facts: extractFacts('服务费太高了') }));
    expect(blank.items.find((x) => x.id === 'fees.refund')?.text).toContain('〔金额〕');
    const en = propose(input({ type: 'bundled_products', language: 'en', facts: [] }));
    expect(en.items[0]?.text).toContain('[product]');
  });

  it('a hardship declaration adds the plan to another type; hardship_repayment is the plan', () => {
    const facts = extractFacts(RICH_ZH);
    const plain = propose(input({ type: 'collection_conduct', facts }));
    expect(plain.items.some((x) => x.id.startsWith('hardship.'))).toBe(false);
    const declared = propose(input({ type: 'collection_conduct', facts, hardship: { kind: 'illness', since: null } }));
    expect(declared.items.map((x) => x.id)).toContain('hardship.plan');
    expect(declared.items.find((x) => x.id === 'hardship.plan')?.text).toContain('患病');
    expect(propose(input({ type: 'hardship_repayment', facts })).items.map((x) => x.id)).toEqual([
      'hardship.plan',
      'hardship.waiver',
      'hardship.default',
    ]);
  });

  it('stays valid at the edges of what a corrected fact may hold', () => {
    const span = (start: number) => ({ start, end: start + 1, text: 'x' });
    const facts: Fact[] = [
      { kind: 'amount', cents: Number.MAX_SAFE_INTEGER, span: span(0) },
      { kind: 'fee', fee: 'service', span: span(1) },
      { kind: 'amount', cents: Number.MAX_SAFE_INTEGER, span: span(2) },
      { kind: 'fee', fee: 'late_penalty', span: span(3) },
      { kind: 'amount', cents: 0, span: span(4) },
      { kind: 'rate', period: 'daily', percent: 10_000, span: span(5) },
    ];
    for (const type of DisputeType.options) {
      for (const language of LANGUAGES) {
        const p = propose(input({ type, language, facts, hardship: { kind: 'other', since: null } }));
        expect(Proposal.safeParse(p).success, `${type} ${language}`).toBe(true);
        for (const i of p.items) expect(i.text).not.toMatch(LEAKS);
      }
    }
  });

  it('refuses a malformed day rather than writing NaN into a clause', () => {
    expect(() => propose(input({ type: 'hardship_repayment', today: '2026-13-01' }))).toThrow(/YYYY-MM-DD/);
    expect(() => propose(input({ type: 'other', today: '' }))).toThrow(/YYYY-MM-DD/);
    expect(() => propose(input({ type: 'other', today: '2026-02-30' }))).toThrow(/YYYY-MM-DD/);
  });

  it('is deterministic', () => {
    const i = input({
      type: 'hardship_repayment',
      facts: extractFacts(RICH_ZH),
      hardship: { kind: 'job_loss', since: null },
    });
    expect(JSON.stringify(propose(i))).toBe(JSON.stringify(propose(structuredClone(i))));
  });
});

describe('computed amounts', () => {
  it("a fee complaint's refund is the sum of its fee amounts (late penalty waived apart), with their spans", () => {
    const text = '借款10,000元，到手只有8,000元，扣了1,200元服务费，担保费300元，逾期罚息450元，请全部退还。';
    const facts = extractFacts(text);
    const p = propose(input({ type: 'fees_charges', facts }));
    const refund = p.items.find((x) => x.id === 'fees.refund');
    expect(refund?.amounts[0]?.cents).toBe(1_200_00 + 300_00);
    expect(refund?.terms).toEqual({ amountAgreedCents: 1_500_00 });
    expect(refund?.amounts[0]?.from.map((s) => s.text)).toEqual(['服务费', '1,200元', '担保费', '300元']);
    for (const s of refund?.amounts[0]?.from ?? []) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(refund?.text).toContain(moneyText(1_500_00, 'zh-CN'));
    const waive = p.items.find((x) => x.id === 'fees.waive_penalty');
    expect(waive?.amounts[0]?.cents).toBe(450_00);
    expect(waive?.terms).toEqual({ feesWaivedCents: 450_00 });

    const en = propose(
      input({
        type: 'fees_charges',
        language: 'en',
        facts: extractFacts('They charged a service fee of 1,200 yuan and a guarantee fee of RMB 300 on my loan.'),
      }),
    );
    expect(en.items.find((x) => x.id === 'fees.refund')?.amounts[0]?.cents).toBe(1_500_00);
  });

  it('a total the complaint states beside its fees is not one more fee: the refund is not doubled', () => {
    // The demo case's words: two fees named with their amounts, then both again with their total.
    const text =
      '平台收取提前还款违约金人民币800元，并在每期还款中收取“综合服务费”合计人民币480元。要求退还违约金和服务费共计人民币1,280元。';
    const p = propose(input({ type: 'fees_charges', facts: extractFacts(text) }));
    expect(p.items.find((x) => x.id === 'fees.refund')?.amounts[0]?.cents).toBe(1_280_00);
  });

  it('a hardship plan: its terms pass termsPlan, stay inside the policy, and the clause quotes the first instalment', () => {
    const facts = extractFacts('借款12,000元，年化18%，逾期罚息450元，失业了还不上。');
    const policy: LenderPlanPolicy = { maxInstalments: 6, maxWaiverCents: 200_00, maxHolidayMonths: 0 };
    for (const language of LANGUAGES) {
      for (const planPolicy of [null, policy]) {
        const p = propose(
          input({
            type: 'hardship_repayment',
            language,
            facts,
            planPolicy,
            hardship: { kind: 'job_loss', since: null },
          }),
        );
        const planItem = p.items.find((x) => x.id === 'hardship.plan');
        const read = termsPlan(fullTerms(planItem?.terms ?? {}));
        expect(read.state).toBe('ready');
        if (read.state !== 'ready') return;
        expect(read.input.principalCents).toBe(12_000_00);
        // 18 % from the complaint, lowered when the penalty left after a capped waiver would push the cost over 24 %.
        expect(read.input.annualRateBp).toBeLessThanOrEqual(1800);
        if (!planPolicy) expect(read.input.annualRateBp).toBe(1800);
        expect(read.input.feesCents).toBe(450_00);
        if (planPolicy) {
          expect(policyBreaches(read.input, planPolicy)).toEqual([]);
          expect(read.input.instalments).toBe(6);
          expect(read.input.holidayMonths).toBe(0);
          expect(read.input.waiveFeesCents).toBe(200_00);
          // What the policy does not let the lender waive is spread over the instalments, and the clause says so.
          expect(planItem?.text).toContain(moneyText(450_00 - 200_00, language));
        } else {
          expect(read.input.instalments).toBe(12);
          expect(read.input.holidayMonths).toBe(1);
          expect(read.input.waiveFeesCents).toBe(450_00);
        }
        const plan = computePlan(read.input);
        const first = plan.rows[0]!.paymentCents;
        expect(planItem?.text).toContain(moneyText(first, language));
        expect(planItem?.text).toContain(moneyText(plan.totals.paymentCents, language));
        expect(planItem?.amounts.find((a) => a.cents === first)).toBeDefined();
        expect(plan.exceedsCapsPct).toEqual([]);
        const waiver = p.items.find((x) => x.id === 'hardship.waiver');
        expect(waiver?.amounts[0]?.cents).toBe(read.input.waiveFeesCents);
      }
    }
  });

  it('a plan with no amount in the complaint takes the form’s amount in dispute, else leaves a blank', () => {
    const p = propose(input({ type: 'hardship_repayment', amountInDisputeCents: 6_000_00 }));
    const read = termsPlan(fullTerms(p.items[0]?.terms ?? {}));
    expect(read.state === 'ready' && read.input.principalCents).toBe(6_000_00);
    expect(p.items[0]?.amounts[0]?.from).toEqual([]);
    const blank = propose(input({ type: 'hardship_repayment' }));
    expect(blank.items[0]?.text).toContain('〔金额〕');
    expect(termsPlan(fullTerms(blank.items[0]?.terms ?? {})).state).toBe('incomplete');
  });

  it('a plan is on the form’s amount in dispute when there is one (the text’s figure may be a monthly payment)', () => {
    const facts = extractFacts('我现在每月只能还500元，欠款还有8,000元，能不能协商一个还款计划？');
    const onForm = propose(input({ type: 'hardship_repayment', facts, amountInDisputeCents: 6_000_00 }));
    expect(onForm.items[0]?.amounts[0]).toMatchObject({ cents: 6_000_00, from: [] });
    const equal = propose(input({ type: 'hardship_repayment', facts, amountInDisputeCents: 8_000_00 }));
    expect(equal.items[0]?.amounts[0]?.from.map((s) => s.text)).toEqual(['8,000元']);
    const none = propose(input({ type: 'hardship_repayment', facts }));
    expect(none.items[0]?.amounts[0]?.cents).toBe(8_000_00);
  });

  it('the only amount of a fee or bundled-product complaint is taken as the charge, said so in its basis', () => {
    const fee = propose(
      input({ type: 'fees_charges', facts: extractFacts('还款时系统多扣了一笔“审核费”300元，我要求退回。') }),
    );
    const refund = fee.items.find((x) => x.id === 'fees.refund')?.amounts[0];
    expect(refund).toMatchObject({ cents: 300_00, from: [{ text: '300元' }] });
    expect(refund?.basis).toContain('唯一');
    const bundled = propose(
      input({
        type: 'bundled_products',
        language: 'en',
        facts: extractFacts('They added a 600 yuan policy to my loan.'),
      }),
    );
    expect(bundled.items[0]?.amounts[0]?.cents).toBe(600_00);
    expect(bundled.items[0]?.text).toContain('RMB 600.00');
    // Two amounts: which one is the charge is not guessed.
    const two = propose(input({ type: 'fees_charges', facts: extractFacts('借款5000元，到手4500元，扣了费用') }));
    expect(two.items.find((x) => x.id === 'fees.refund')?.amounts).toEqual([]);
  });

  it('an interest case above 24 % gets the cost rule and the excess for a year; rates are normalised to annual', () => {
    for (const [text, pct] of [
      ['借款20,000元，年化36%', 36],
      ['借款20,000元，月息3%', 36],
      ['借款20,000元，日息0.1%', 36.5],
    ] as const) {
      const p = propose(input({ type: 'interest_cost', facts: extractFacts(text) }));
      expect(p.rules.map((r) => r.id)).toContain('cost.comprehensive');
      const recompute = p.items.find((x) => x.id === 'interest.recompute');
      const excess = recompute?.amounts.find((a) => a.label.includes('超出'));
      expect(excess?.cents).toBe(Math.round((20_000_00 * (pct - 24)) / 100));
      expect(excess?.from.map((s) => s.text)).toHaveLength(2);
    }
    const within = propose(input({ type: 'interest_cost', language: 'en', facts: extractFacts('I pay 18% APR') }));
    expect(within.items.find((x) => x.id === 'interest.recompute')?.text).toContain('within the 24 %');
  });
});

describe('templates and rules', () => {
  it('every rule a template cites exists, with a source; no article is given without a title', () => {
    for (const t of Object.values(TEMPLATES)) for (const id of t.ruleIds) expect(RULE_IDS).toContain(id);
    for (const id of RULE_IDS) {
      const r = RULES[id];
      expect(r.title['zh-CN'].length).toBeGreaterThan(0);
      expect(r.issuer.en.length).toBeGreaterThan(0);
      expect(r.summary['zh-CN']).not.toMatch(/\{|\}/);
    }
  });
});

describe('complaintLanguage', () => {
  it('is Chinese when Han characters are at least as many as Latin letters', () => {
    expect(complaintLanguage('我的借款合同编号HT-2025-0042，APR是36%')).toBe('zh-CN');
    expect(complaintLanguage('The contract calls it a 服务费 but nobody told me about it.')).toBe('en');
    expect(complaintLanguage('12345')).toBe('en');
  });
});
