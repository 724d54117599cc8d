import { z } from 'zod';
import { addMonths } from './settlement-format';
import { PlanKind } from './plan-kind';
import type { SettlementTerms } from './documents';

/**
 * The repayment-plan calculator: a borrower's outstanding debt (principal, accrued interest, fees),
 * restructured into monthly instalments. Pure, in integer cents (fen), so that the schedule the parties
 * agree to is exactly the one signed.
 *
 * Kinds of plan:
 * - `equal_instalment` (等额本息): the principal with interest at the plan's rate, in equal payments;
 * - `equal_principal` (等额本金): the same share of principal each month, interest on what remains;
 * - `interest_free`: the principal in equal parts, no new interest (the rate is ignored).
 * Any kind may start after a payment holiday (`holidayMonths`: nothing due, interest at the plan's rate
 * accrues and is added to the principal, month by month, rounded to the cent), and may waive part of the
 * accrued interest and of the fees. What remains of the accrued interest and fees is spread over the
 * instalments without interest, in the `interest` and `fee` columns.
 *
 * Rounding rule: every instalment's share of a sum is that sum divided by the number of instalments,
 * rounded down to the cent, and monthly interest is rounded half up to the cent; the last instalment
 * absorbs every remainder, so the schedule sums exactly to the plan's total and ends at zero.
 */

const Cents = z.int().min(0).max(100_000_000_000);
/** A calendar date, YYYY-MM-DD. */
const DateOnly = z.iso.date();

export { PlanKind } from './plan-kind';

export const PlanInput = z
  .object({
    kind: PlanKind,
    /** Principal still owed. */
    principalCents: Cents,
    /** Interest accrued and unpaid so far (overdue interest), before any waiver. */
    interestCents: Cents,
    /** Fees and penalties owed so far, before any waiver. */
    feesCents: Cents,
    /** The plan's annual interest rate in basis points (1 200 = 12 %), nominal: a month is 1/12 of it. */
    annualRateBp: z.int().min(0).max(10_000),
    instalments: z.int().min(1).max(360),
    /** Months with nothing due before the first instalment. */
    holidayMonths: z.int().min(0).max(36),
    /** The first instalment's due date (after any holiday); later ones fall on the same day of each month. */
    firstDueDate: DateOnly,
    /** The date the plan starts (interest for the first month runs from it). */
    startDate: DateOnly,
    waiveInterestCents: Cents,
    waiveFeesCents: Cents,
  })
  .refine((p) => p.waiveInterestCents <= p.interestCents, {
    path: ['waiveInterestCents'],
    message: 'cannot waive more interest than is owed',
  })
  .refine((p) => p.waiveFeesCents <= p.feesCents, {
    path: ['waiveFeesCents'],
    message: 'cannot waive more fees than are owed',
  })
  .refine((p) => p.firstDueDate > p.startDate, { path: ['firstDueDate'], message: 'must be after the start date' });
export type PlanInput = z.infer<typeof PlanInput>;

export interface ScheduleRow {
  /** 1-based. */
  n: number;
  dueDate: string;
  principalCents: number;
  interestCents: number;
  feeCents: number;
  paymentCents: number;
  /** Principal still owed after this payment. */
  remainingCents: number;
}

/** The regulators' caps on the comprehensive annualised cost of consumer credit the plan is compared with. */
export const COST_CAPS_PCT = [24, 36] as const;

export interface Plan {
  input: PlanInput;
  rows: ScheduleRow[];
  /** Principal after the holiday's interest was added. */
  financedPrincipalCents: number;
  /** Interest accrued during the holiday (added to the principal). */
  holidayInterestCents: number;
  totals: { principalCents: number; interestCents: number; feeCents: number; paymentCents: number };
  /** What the waivers took off. */
  waivedCents: number;
  /**
   * The plan's annualised cost by the IRR method: the monthly rate at which the payments are worth the
   * principal owed today, times 12 (nominal, as Chinese lenders state it), and compounded. Null when
   * nothing is owed.
   */
  annualCost: { nominalPct: number; effectivePct: number } | null;
  /** The caps of COST_CAPS_PCT the nominal annual cost exceeds. */
  exceedsCapsPct: number[];
}

/** Rounds half up (for the non-negative amounts here). */
const roundCents = (x: number): number => Math.floor(x + 0.5);

/** `total` in `n` parts: each rounded down, the last taking the remainder. */
function shares(total: number, n: number): number[] {
  const each = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? total - each * (n - 1) : each));
}

/** The level payment that repays `principal` over `n` months at monthly rate `r` (the annuity formula). */
export function levelPayment(principal: number, r: number, n: number): number {
  if (r === 0) return principal / n;
  return (principal * r) / (1 - (1 + r) ** -n);
}

/**
 * The periodic rate at which the cash flows' present value is zero (flows[0] at time 0, one period
 * apart): Newton's method from 1 %, falling back to bisection on [-0.99, 10]. Null when the flows
 * do not change sign.
 */
export function irr(flows: readonly number[]): number | null {
  if (!flows.some((f) => f < 0) || !flows.some((f) => f > 0)) return null;
  const npv = (r: number) => flows.reduce((s, f, t) => s + f / (1 + r) ** t, 0);
  const dnpv = (r: number) => flows.reduce((s, f, t) => s - (t * f) / (1 + r) ** (t + 1), 0);
  let r = 0.01;
  for (let i = 0; i < 100; i++) {
    const v = npv(r);
    const d = dnpv(r);
    if (d === 0 || !Number.isFinite(d)) break;
    const next = r - v / d;
    if (!Number.isFinite(next) || next <= -1) break;
    if (Math.abs(next - r) < 1e-12) return next;
    r = next;
  }
  let lo = -0.99;
  let hi = 10;
  if (npv(lo) * npv(hi) > 0) return null;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (npv(lo) * npv(mid) <= 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** The schedule of a plan; `input` must satisfy `PlanInput` (parse it first). */
export function computePlan(input: PlanInput): Plan {
  const r = input.kind === 'interest_free' ? 0 : input.annualRateBp / 10_000 / 12;
  const n = input.instalments;
  // The holiday: interest on the principal is added to it month by month.
  let principal = input.principalCents;
  for (let i = 0; i < input.holidayMonths; i++) principal += roundCents(principal * r);
  const holidayInterest = principal - input.principalCents;
  const accrued = shares(input.interestCents - input.waiveInterestCents, n);
  const fees = shares(input.feesCents - input.waiveFeesCents, n);
  const equalPrincipal = shares(principal, n);
  const level = levelPayment(principal, r, n);

  const rows: ScheduleRow[] = [];
  let remaining = principal;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const interest = roundCents(remaining * r);
    let principalPart: number;
    if (last) principalPart = remaining;
    else if (input.kind === 'equal_instalment') principalPart = Math.min(remaining, roundCents(level) - interest);
    else principalPart = Math.min(remaining, equalPrincipal[i] ?? 0);
    principalPart = Math.max(0, principalPart);
    remaining -= principalPart;
    const interestCol = interest + (accrued[i] ?? 0);
    const feeCol = fees[i] ?? 0;
    rows.push({
      n: i + 1,
      dueDate: addMonths(input.firstDueDate, i),
      principalCents: principalPart,
      interestCents: interestCol,
      feeCents: feeCol,
      paymentCents: principalPart + interestCol + feeCol,
      remainingCents: remaining,
    });
  }
  const sum = (k: 'principalCents' | 'interestCents' | 'feeCents' | 'paymentCents') =>
    rows.reduce((s, row) => s + row[k], 0);
  const totals = {
    principalCents: sum('principalCents'),
    interestCents: sum('interestCents'),
    feeCents: sum('feeCents'),
    paymentCents: sum('paymentCents'),
  };
  const monthly = irr(costFlows(input, rows));
  const annualCost =
    monthly === null ? null : { nominalPct: monthly * 12 * 100, effectivePct: ((1 + monthly) ** 12 - 1) * 100 };
  return {
    input,
    rows,
    financedPrincipalCents: principal,
    holidayInterestCents: holidayInterest,
    totals,
    waivedCents: input.waiveInterestCents + input.waiveFeesCents,
    annualCost,
    exceedsCapsPct: annualCost ? COST_CAPS_PCT.filter((cap) => annualCost.nominalPct > cap) : [],
  };
}

/**
 * The borrower's cash flows for the cost: the principal owed today received at the start, each payment
 * paid in the month it falls due (whole months after the start; a holiday's months carry no payment).
 * Accrued interest and fees count as cost, as the comprehensive annualised cost counts every charge.
 */
function costFlows(input: PlanInput, rows: readonly ScheduleRow[]): number[] {
  const offset = Math.max(1, monthsBetween(input.startDate, input.firstDueDate));
  const flows = Array.from({ length: offset + rows.length }, () => 0);
  flows[0] = -input.principalCents;
  rows.forEach((row, i) => {
    flows[offset + i] = (flows[offset + i] ?? 0) + row.paymentCents;
  });
  return flows;
}

/** Whole months from `a` to `b` (by calendar month; a later day of the month counts as one more). */
function monthsBetween(a: string, b: string): number {
  const [ay, am, ad] = a.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = b.split('-').map(Number) as [number, number, number];
  return (by - ay) * 12 + (bm - am) + (bd > ad ? 1 : 0);
}

/** A lender's limits on what its representative may agree to; a plan beyond them is shown as such. */
export const LenderPlanPolicy = z.object({
  maxInstalments: z.int().min(1).max(360),
  /** The largest waiver of interest and fees together. */
  maxWaiverCents: Cents,
  /** The longest payment holiday. */
  maxHolidayMonths: z.int().min(0).max(36),
});
export type LenderPlanPolicy = z.infer<typeof LenderPlanPolicy>;

/** `GET /api/cases/:caseId/plan-policy`: the limits of the case's lender (null: none set), for the room. */
export const PlanPolicyView = z.object({ lenderName: z.string().nullable(), policy: LenderPlanPolicy.nullable() });
export type PlanPolicyView = z.infer<typeof PlanPolicyView>;

export type PolicyBreach =
  | { rule: 'maxInstalments'; limit: number; actual: number }
  | { rule: 'maxWaiverCents'; limit: number; actual: number }
  | { rule: 'maxHolidayMonths'; limit: number; actual: number };

/** Every limit of the lender's policy the plan goes beyond (nothing is clipped: the parties see it). */
export function policyBreaches(input: PlanInput, policy: LenderPlanPolicy): PolicyBreach[] {
  const out: PolicyBreach[] = [];
  if (input.instalments > policy.maxInstalments) {
    out.push({ rule: 'maxInstalments', limit: policy.maxInstalments, actual: input.instalments });
  }
  const waived = input.waiveInterestCents + input.waiveFeesCents;
  if (waived > policy.maxWaiverCents)
    out.push({ rule: 'maxWaiverCents', limit: policy.maxWaiverCents, actual: waived });
  if (input.holidayMonths > policy.maxHolidayMonths) {
    out.push({ rule: 'maxHolidayMonths', limit: policy.maxHolidayMonths, actual: input.holidayMonths });
  }
  return out;
}

/** The plan the settlement terms propose: none, one that cannot be computed yet (and why), or its input. */
export type TermsPlan =
  | { state: 'none' }
  | { state: 'incomplete'; problems: { field: string; message: string }[] }
  | { state: 'ready'; input: PlanInput };

/**
 * Reads the plan out of the settlement terms. Unset optional inputs (accrued interest, fees, rate,
 * holiday, waivers) count as zero; the principal, the number of instalments, the first due date and
 * the start date are needed. Every problem is named (the parties see them beside the plan).
 */
export function termsPlan(terms: SettlementTerms): TermsPlan {
  if (!terms.planKind) return { state: 'none' };
  const problems: { field: string; message: string }[] = [];
  const need = <T>(field: string, value: T | null | undefined): T | null => {
    if (value === null || value === undefined) problems.push({ field, message: 'not set' });
    return value ?? null;
  };
  const principalCents = need('planPrincipalCents', terms.planPrincipalCents);
  const instalments = need('instalments', terms.instalments);
  const firstDueDate = need('firstDueDate', terms.firstDueDate);
  const startDate = need('planStartDate', terms.planStartDate);
  if (problems.length > 0) return { state: 'incomplete', problems };
  const parsed = PlanInput.safeParse({
    kind: terms.planKind,
    principalCents,
    interestCents: terms.planInterestCents ?? 0,
    feesCents: terms.planFeesCents ?? 0,
    annualRateBp: terms.planKind === 'interest_free' ? 0 : (terms.planRateBp ?? 0),
    instalments,
    holidayMonths: terms.planHolidayMonths ?? 0,
    firstDueDate,
    startDate,
    waiveInterestCents: terms.planWaiveInterestCents ?? 0,
    waiveFeesCents: terms.planWaiveFeesCents ?? 0,
  });
  if (!parsed.success) {
    const field = (path: PropertyKey[]): string => {
      const key = String(path[0] ?? '');
      const termKey: Record<string, string> = {
        instalments: 'instalments',
        firstDueDate: 'firstDueDate',
        startDate: 'planStartDate',
        principalCents: 'planPrincipalCents',
        interestCents: 'planInterestCents',
        feesCents: 'planFeesCents',
        waiveInterestCents: 'planWaiveInterestCents',
        waiveFeesCents: 'planWaiveFeesCents',
        holidayMonths: 'planHolidayMonths',
        annualRateBp: 'planRateBp',
      };
      return termKey[key] ?? key;
    };
    return {
      state: 'incomplete',
      problems: parsed.error.issues.map((i) => ({ field: field(i.path), message: i.message })),
    };
  }
  return { state: 'ready', input: parsed.data };
}
