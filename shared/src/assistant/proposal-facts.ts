import type { HardshipKind } from '../hardship';
import type { CaseLanguage } from '../ids';
import { percentText } from '../settlement-format';
import type { Fact, FeeKind, Span } from './facts';
import type { ProposalInput } from './proposal-types';

/**
 * How the first proposal reads the facts of a complaint: which amount belongs to which fee, the
 * likeliest principal, the highest rate as an annual one, the contract's number; and the words it
 * names them with in each case language.
 */
export type AmountFact = Extract<Fact, { kind: 'amount' }>;
export type FeeFact = Extract<Fact, { kind: 'fee' }>;
export type RateFact = Extract<Fact, { kind: 'rate' }>;

/** The comprehensive annualised cost cap the proposal compares with, in percent. */
export const COST_CAP_PCT = 24;

export const FEE_NAMES: Record<CaseLanguage, Record<FeeKind, string>> = {
  'zh-CN': {
    early_repayment: '提前还款手续费',
    service: '服务费',
    guarantee: '担保费',
    membership: '会员费',
    insurance: '保险费',
    late_penalty: '逾期罚息及违约金',
  },
  en: {
    early_repayment: 'early repayment fee',
    service: 'service fee',
    guarantee: 'guarantee fee',
    membership: 'membership fee',
    insurance: 'insurance premium',
    late_penalty: 'late penalty',
  },
};

export const PRODUCT_NAMES: Record<CaseLanguage, Partial<Record<FeeKind, string>>> = {
  'zh-CN': { insurance: '保险产品', membership: '会员服务' },
  en: { insurance: 'insurance', membership: 'membership' },
};

export const HARDSHIP_REASONS: Record<CaseLanguage, Record<HardshipKind | 'none', string>> = {
  'zh-CN': {
    job_loss: '失业导致收入中断',
    illness: '患病导致收入减少',
    accident: '遭遇意外事故',
    disaster: '遭受自然灾害',
    other: '经济困难',
    none: '收入减少等经济困难',
  },
  en: {
    job_loss: 'the loss of their job',
    illness: 'illness',
    accident: 'an accident',
    disaster: 'a disaster',
    other: 'financial hardship',
    none: 'financial hardship',
  },
};

export const RATE_PERIOD_FACTOR: Record<RateFact['period'], number> = { annual: 1, monthly: 12, daily: 365 };

// ---- reading the facts

/** Names in a list as the language joins them: 服务费、担保费 / service fee and guarantee fee. */
export function listText(names: readonly string[], language: CaseLanguage): string {
  const unique = [...new Set(names)];
  if (language === 'zh-CN') return unique.join('、');
  if (unique.length <= 1) return unique.join('');
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/** The contract as the clauses name it, with its number when the complaint gives one. */
export function contractText(facts: readonly Fact[], language: CaseLanguage): string {
  const refs = facts.filter((f): f is Extract<Fact, { kind: 'reference' }> => f.kind === 'reference');
  const ref = refs.find((r) => r.of === 'contract') ?? refs[0];
  if (language === 'zh-CN') {
    if (!ref) return '借款合同';
    return ref.of === 'contract' ? `借款合同（编号：${ref.value}）` : `借款合同（借款编号：${ref.value}）`;
  }
  if (!ref) return 'the loan agreement';
  return ref.of === 'contract' ? `loan agreement no. ${ref.value}` : `the loan agreement for loan no. ${ref.value}`;
}

export interface FeeWithAmount {
  fee: FeeFact;
  amount: AmountFact | null;
}

/**
 * Each fee named in the complaint with the amount stated for it, if any. Only the spans are known
 * (not the text between them), so an amount belongs to a fee when it sits right against it: just
 * before it (1,200元服务费) or within a few characters after it (服务费1,200元, a service fee of 1,200
 * yuan). Closest pairs first; each amount and each fee pairs at most once.
 */
export function feesWithAmounts(facts: readonly Fact[]): FeeWithAmount[] {
  const fees = facts.filter((f): f is FeeFact => f.kind === 'fee');
  const amounts = facts.filter((f): f is AmountFact => f.kind === 'amount');
  const pairs: { fee: number; amount: number; gap: number; after: boolean }[] = [];
  fees.forEach((f, i) => {
    amounts.forEach((a, j) => {
      const after = a.span.start >= f.span.end;
      const gap = after ? a.span.start - f.span.end : f.span.start - a.span.end;
      if (gap < 0) return;
      if ((after && gap <= 6) || (!after && gap === 0)) pairs.push({ fee: i, amount: j, gap, after });
    });
  });
  pairs.sort((x, y) => x.gap - y.gap || Number(y.after) - Number(x.after) || x.fee - y.fee || x.amount - y.amount);
  const feeTaken = new Map<number, number>();
  const amountTaken = new Set<number>();
  for (const p of pairs) {
    if (feeTaken.has(p.fee) || amountTaken.has(p.amount)) continue;
    feeTaken.set(p.fee, p.amount);
    amountTaken.add(p.amount);
  }
  const paired = fees.map((fee, i) => {
    const j = feeTaken.get(i);
    return { fee, amount: j === undefined ? null : (amounts[j] ?? null) };
  });
  // A complaint often states the total of the fees it names as well (违约金和服务费共计1,280元; a fee word
  // sits right before it): an amount equal to the sum of at least two other fees' amounts is that total,
  // not one more fee, and counting it would double the refund.
  const stated = paired.flatMap((p) => (p.amount ? [p.amount.cents] : []));
  const all = stated.reduce((s, c) => s + c, 0);
  return paired.map((p) =>
    p.amount && stated.length >= 3 && p.amount.cents * 2 === all ? { fee: p.fee, amount: null } : p,
  );
}

/** The largest amount in the complaint (the first of equals): the likeliest principal. */
export function largestAmount(facts: readonly Fact[]): AmountFact | null {
  let best: AmountFact | null = null;
  for (const f of facts) if (f.kind === 'amount' && f.cents > 0 && (best === null || f.cents > best.cents)) best = f;
  return best;
}

export interface Basis {
  cents: number;
  /** The amount fact it is (or equals); null when only the form states it. */
  fact: AmountFact | null;
  /** Where it was taken from: the complaint's largest amount, or the amount in dispute on the form. */
  source: 'largest' | 'form';
}

/**
 * The amount a clause works on. `largest`: the complaint's largest amount (the likeliest principal),
 * else the form's amount in dispute. `form`: the amount in dispute the customer gave on the form when
 * there is one (for a repayment plan or a contested loan, what the customer says is at stake; the text's
 * largest figure may be a monthly payment), else the complaint's largest amount.
 */
export function principalOf(input: ProposalInput, prefer: 'largest' | 'form' = 'largest'): Basis | null {
  const largest = largestAmount(input.facts);
  const formCents = input.amountInDisputeCents;
  const fromForm = (): Basis => ({
    cents: formCents,
    fact: input.facts.find((f): f is AmountFact => f.kind === 'amount' && f.cents === formCents) ?? null,
    source: 'form',
  });
  if (prefer === 'form' && formCents > 0) return fromForm();
  if (largest) return { cents: largest.cents, fact: largest, source: 'largest' };
  return formCents > 0 ? fromForm() : null;
}

export const spansOf = (...facts: (Fact | null | undefined)[]): Span[] =>
  facts.filter((f): f is Fact => f !== null && f !== undefined).map((f) => ({ ...f.span }));

export function principalBasisWords(b: Basis, language: CaseLanguage): string {
  const quoted = b.fact ? (language === 'zh-CN' ? `（“${b.fact.span.text}”）` : ` (“${b.fact.span.text}”)`) : '';
  if (language === 'zh-CN') {
    return b.source === 'form' ? `投诉表中填写的争议金额${quoted}` : `投诉中出现的最大金额${quoted}`;
  }
  return b.source === 'form'
    ? `the amount in dispute given on the form${quoted}`
    : `the largest amount in the complaint${quoted}`;
}

/** The highest rate of the complaint, as an annual percentage (monthly × 12, daily × 365). */
export function highestAnnualRate(facts: readonly Fact[]): { pct: number; fact: RateFact } | null {
  let best: { pct: number; fact: RateFact } | null = null;
  for (const f of facts) {
    if (f.kind !== 'rate') continue;
    const pct = f.percent * RATE_PERIOD_FACTOR[f.period];
    if (best === null || pct > best.pct) best = { pct, fact: f };
  }
  return best;
}

export function rateText(rate: { pct: number; fact: RateFact }, language: CaseLanguage): string {
  const pct = percentText(rate.pct);
  const quoted = rate.fact.span.text;
  if (language === 'zh-CN') {
    const how = { annual: '', monthly: '，按月利率×12折算', daily: '，按日利率×365折算' }[rate.fact.period];
    return `${pct}%（依据投诉中的“${quoted}”${how}）`;
  }
  const how = { annual: '', monthly: ', the monthly rate × 12', daily: ', the daily rate × 365' }[rate.fact.period];
  return `${pct} % (from “${quoted}” in the complaint${how})`;
}

/**
 * The language a complaint is written in, for a proposal without a case (`accord assist`): Chinese when
 * Han characters are at least as many as Latin letters (a Chinese complaint quotes loan numbers and
 * "APR"; an English one may quote a Chinese fee name), else English.
 */
export function complaintLanguage(text: string): CaseLanguage {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return han > 0 && han >= latin ? 'zh-CN' : 'en';
}

/** The sum of the amounts paired with fees; null when none is, or the sum is past what cents can hold. */
export function sumCents(pairs: readonly { amount: AmountFact }[]): number | null {
  if (pairs.length === 0) return null;
  const sum = pairs.reduce((s, p) => s + p.amount.cents, 0);
  return Number.isSafeInteger(sum) ? sum : null;
}

/**
 * The complaint's only amount, when no fee word claims it: in a complaint about a charge or a bundled
 * product, that is the charge (扣了580元年费, "a 600 yuan consulting fee": fee names the extractor does not
 * know). Null when the complaint has several amounts, which could be the loan, what was received, …
 */
export function soleUnpairedAmount(facts: readonly Fact[], pairs: readonly FeeWithAmount[]): AmountFact | null {
  const amounts = facts.filter((f): f is AmountFact => f.kind === 'amount' && f.cents > 0);
  const only = amounts.length === 1 ? amounts[0]! : null;
  return only && !pairs.some((p) => p.amount === only) ? only : null;
}
