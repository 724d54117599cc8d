import { describe, expect, it } from 'vitest';
import { PlanInput, computePlan, irr, policyBreaches, termsPlan } from './repayment';
import type { SettlementTerms } from './documents';
import { addMonths } from './settlement-format';

const base = (over: Partial<PlanInput> = {}): PlanInput =>
  PlanInput.parse({
    kind: 'equal_instalment',
    principalCents: 1_000_000,
    interestCents: 0,
    feesCents: 0,
    annualRateBp: 1200,
    instalments: 12,
    holidayMonths: 0,
    startDate: '2026-01-15',
    firstDueDate: '2026-02-15',
    waiveInterestCents: 0,
    waiveFeesCents: 0,
    ...over,
  });

describe('repayment plans: worked examples', () => {
  it('等额本息: 10,000.00 over 12 months at 12 % a year pays 888.49 a month, the last absorbing the rest', () => {
    const plan = computePlan(base());
    expect(plan.rows[0]).toMatchObject({ interestCents: 10_000, principalCents: 78_849, paymentCents: 88_849 });
    for (const row of plan.rows.slice(0, -1)) expect(row.paymentCents).toBe(88_849);
    expect(plan.rows.at(-1)?.remainingCents).toBe(0);
    // 12 × 888.49 = 10,661.88, less the last instalment's rounding.
    expect(Math.abs(plan.totals.paymentCents - 1_066_188)).toBeLessThan(12);
    expect(plan.totals.principalCents).toBe(1_000_000);
    expect(plan.annualCost?.nominalPct).toBeCloseTo(12, 1);
    expect(plan.exceedsCapsPct).toEqual([]);
  });

  it('等额本金: 12,000.00 over 12 months at 12 % pays 1,000.00 of principal and 780.00 of interest in all', () => {
    const plan = computePlan(base({ kind: 'equal_principal', principalCents: 1_200_000 }));
    expect(plan.rows.map((r) => r.principalCents)).toEqual(Array(12).fill(100_000));
    expect(plan.rows.map((r) => r.interestCents)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((k) => k * 1000));
    expect(plan.totals.interestCents).toBe(78_000);
  });

  it('interest-free: the principal in equal parts, the last taking the odd cents; cost zero', () => {
    const plan = computePlan(base({ kind: 'interest_free', principalCents: 100_001, instalments: 3 }));
    expect(plan.rows.map((r) => r.paymentCents)).toEqual([33_333, 33_333, 33_335]);
    expect(plan.totals.interestCents).toBe(0);
    expect(plan.annualCost?.nominalPct).toBeCloseTo(0, 6);
  });

  it('waivers, accrued interest and fees spread without interest; the cost counts them', () => {
    const plan = computePlan(
      base({
        kind: 'interest_free',
        principalCents: 600_000,
        interestCents: 50_000,
        feesCents: 30_000,
        waiveInterestCents: 20_000,
        waiveFeesCents: 30_000,
        instalments: 6,
      }),
    );
    expect(plan.waivedCents).toBe(50_000);
    expect(plan.rows.map((r) => r.interestCents)).toEqual(Array(6).fill(5_000));
    expect(plan.totals.feeCents).toBe(0);
    expect(plan.totals.paymentCents).toBe(630_000);
    expect(plan.annualCost?.nominalPct).toBeGreaterThan(0);
  });

  it('a payment holiday adds its months’ interest to the principal', () => {
    const plan = computePlan(base({ holidayMonths: 2, firstDueDate: '2026-04-15' }));
    // 10,000.00 × 1.01 = 10,100.00; × 1.01 = 10,201.00.
    expect(plan.holidayInterestCents).toBe(20_100);
    expect(plan.financedPrincipalCents).toBe(1_020_100);
    expect(plan.rows[0]?.dueDate).toBe('2026-04-15');
    expect(plan.annualCost?.nominalPct).toBeCloseTo(12, 1);
  });

  it('a cost above 24 % and 36 % is flagged', () => {
    expect(computePlan(base({ annualRateBp: 3000 })).exceedsCapsPct).toEqual([24]);
    expect(computePlan(base({ annualRateBp: 4000 })).exceedsCapsPct).toEqual([24, 36]);
  });

  it('due dates keep the day of the month, or the month’s last day', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
  });

  it('refuses waivers above what is owed and a first due date before the start', () => {
    expect(PlanInput.safeParse({ ...base(), waiveFeesCents: 1 }).success).toBe(false);
    expect(PlanInput.safeParse({ ...base(), firstDueDate: '2026-01-01' }).success).toBe(false);
    expect(PlanInput.safeParse({ ...base(), principalCents: -1 }).success).toBe(false);
    expect(PlanInput.safeParse({ ...base(), instalments: 0 }).success).toBe(false);
  });

  it('a plan beyond the lender’s limits is reported, not clipped', () => {
    const input = base({ instalments: 36, interestCents: 90_000, waiveInterestCents: 90_000, holidayMonths: 3 });
    expect(policyBreaches(input, { maxInstalments: 24, maxWaiverCents: 50_000, maxHolidayMonths: 3 })).toEqual([
      { rule: 'maxInstalments', limit: 24, actual: 36 },
      { rule: 'maxWaiverCents', limit: 50_000, actual: 90_000 },
    ]);
    expect(computePlan(input).rows).toHaveLength(36);
  });

  it('irr: none without a change of sign', () => {
    expect(irr([100, 100])).toBeNull();
    expect(irr([-100, 110])).toBeCloseTo(0.1, 10);
  });
});

describe('the plan the settlement terms propose', () => {
  const blank: SettlementTerms = {
    amountInDisputeCents: null,
    amountAgreedCents: null,
    feesWaivedCents: null,
    instalments: null,
    firstDueDate: null,
    monthlyAmountCents: null,
    noPayment: false,
    conditions: '',
  };
  const proposed: SettlementTerms = {
    ...blank,
    planKind: 'equal_instalment',
    planPrincipalCents: 1_000_000,
    instalments: 12,
    firstDueDate: '2026-02-15',
    planStartDate: '2026-01-15',
  };
  const fields = (terms: SettlementTerms) => {
    const plan = termsPlan(terms);
    return plan.state === 'incomplete' ? plan.problems.map((p) => p.field) : plan.state;
  };

  it('none without a kind, even with plan inputs set (terms sealed before plans had none of these keys)', () => {
    expect(termsPlan(blank)).toEqual({ state: 'none' });
    expect(termsPlan({ ...proposed, planKind: null })).toEqual({ state: 'none' });
    expect(termsPlan({ ...proposed, planKind: undefined })).toEqual({ state: 'none' });
  });

  it('incomplete, naming every missing input by its terms key', () => {
    expect(fields({ ...blank, planKind: 'interest_free' })).toEqual([
      'planPrincipalCents',
      'instalments',
      'firstDueDate',
      'planStartDate',
    ]);
    expect(fields({ ...proposed, planStartDate: null })).toEqual(['planStartDate']);
    const plan = termsPlan({ ...proposed, instalments: null });
    expect(plan).toEqual({ state: 'incomplete', problems: [{ field: 'instalments', message: 'not set' }] });
  });

  it('ready, with unset optional inputs as zero: the calculator’s input', () => {
    expect(termsPlan(proposed)).toEqual({ state: 'ready', input: base({ annualRateBp: 0 }) });
    const full = termsPlan({
      ...proposed,
      planInterestCents: 50_000,
      planFeesCents: 30_000,
      planRateBp: 600,
      planHolidayMonths: 2,
      firstDueDate: '2026-04-15',
      planWaiveInterestCents: 10_000,
      planWaiveFeesCents: 30_000,
    });
    expect(full).toEqual({
      state: 'ready',
      input: base({
        interestCents: 50_000,
        feesCents: 30_000,
        annualRateBp: 600,
        holidayMonths: 2,
        firstDueDate: '2026-04-15',
        waiveInterestCents: 10_000,
        waiveFeesCents: 30_000,
      }),
    });
    // An interest-free plan charges no rate, whatever rate is still typed in.
    const free = termsPlan({ ...proposed, planKind: 'interest_free', planRateBp: 900 });
    expect(free.state === 'ready' && free.input.annualRateBp).toBe(0);
  });

  it('a waiver larger than what is owed, or a first due date before the start, is named', () => {
    const waiver = termsPlan({ ...proposed, planInterestCents: 10_000, planWaiveInterestCents: 10_001 });
    expect(waiver).toEqual({
      state: 'incomplete',
      problems: [{ field: 'planWaiveInterestCents', message: 'cannot waive more interest than is owed' }],
    });
    // Fees waived with no fees owed at all (unset counts as zero).
    expect(fields({ ...proposed, planWaiveFeesCents: 1 })).toEqual(['planWaiveFeesCents']);
    expect(fields({ ...proposed, firstDueDate: '2026-01-15' })).toEqual(['firstDueDate']);
    expect(fields({ ...proposed, planWaiveFeesCents: 1, firstDueDate: '2026-01-01' })).toEqual([
      'planWaiveFeesCents',
      'firstDueDate',
    ]);
  });

  it('more instalments than the calculator takes is named too, not clipped', () => {
    expect(fields({ ...proposed, instalments: 361 })).toEqual(['instalments']);
  });
});
