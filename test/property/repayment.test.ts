import fc from 'fast-check';
import { ipmt, irr as referenceIrr, pmt } from 'financial';
import { describe, expect, it } from 'vitest';
import { PlanInput, addMonths, computePlan, irr } from '@accord/shared';
import { propertySettings } from './settings';

/**
 * The repayment-plan calculator (shared/src/repayment.ts) against an independent implementation of
 * PMT, IPMT and IRR (`financial`, a port of numpy-financial), and its invariants on random plans.
 */
const { seed, numRuns } = propertySettings({ seed: 3_12, numRuns: 400 });
const opts = { seed, numRuns };

const plan = fc
  .record({
    kind: fc.constantFrom('equal_instalment', 'equal_principal', 'interest_free'),
    principalCents: fc.integer({ min: 1, max: 500_000_000 }),
    interestCents: fc.integer({ min: 0, max: 5_000_000 }),
    feesCents: fc.integer({ min: 0, max: 5_000_000 }),
    annualRateBp: fc.integer({ min: 0, max: 6000 }),
    instalments: fc.integer({ min: 1, max: 120 }),
    holidayMonths: fc.integer({ min: 0, max: 12 }),
    waiveShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((p) =>
    PlanInput.parse({
      kind: p.kind,
      principalCents: p.principalCents,
      interestCents: p.interestCents,
      feesCents: p.feesCents,
      annualRateBp: p.annualRateBp,
      instalments: p.instalments,
      holidayMonths: p.holidayMonths,
      startDate: '2026-03-31',
      firstDueDate: addMonths('2026-03-31', p.holidayMonths + 1),
      waiveInterestCents: Math.floor(p.interestCents * p.waiveShare),
      waiveFeesCents: Math.floor(p.feesCents * p.waiveShare),
    }),
  );

describe('repayment plans, on random inputs', () => {
  it('the schedule sums to its totals, repays the principal exactly and ends at zero, never negative', () => {
    fc.assert(
      fc.property(plan, (input) => {
        const p = computePlan(input);
        const rows = p.rows;
        expect(rows).toHaveLength(input.instalments);
        expect(rows.at(-1)?.remainingCents).toBe(0);
        expect(p.totals.principalCents).toBe(p.financedPrincipalCents);
        expect(p.totals.paymentCents).toBe(p.totals.principalCents + p.totals.interestCents + p.totals.feeCents);
        expect(p.totals.feeCents).toBe(input.feesCents - input.waiveFeesCents);
        for (const r of rows) {
          for (const v of [r.principalCents, r.interestCents, r.feeCents, r.remainingCents]) {
            expect(Number.isInteger(v) && v >= 0).toBe(true);
          }
          expect(r.paymentCents).toBe(r.principalCents + r.interestCents + r.feeCents);
        }
        expect(new Set(rows.map((r) => r.dueDate)).size).toBe(rows.length);
      }),
      opts,
    );
  });

  it('等额本息 matches PMT and IPMT of numpy-financial to the cent, the last instalment aside', () => {
    // A principal of at least 1,000.00: below a few cents a month, rounding the level payment repays it early.
    const simple = plan.filter(
      (i) => i.kind === 'equal_instalment' && i.annualRateBp > 0 && i.instalments > 1 && i.principalCents >= 100_000,
    );
    fc.assert(
      fc.property(simple, (input) => {
        const p = computePlan({
          ...input,
          holidayMonths: 0,
          interestCents: 0,
          feesCents: 0,
          waiveInterestCents: 0,
          waiveFeesCents: 0,
        });
        const r = input.annualRateBp / 10_000 / 12;
        const n = input.instalments;
        const P = input.principalCents;
        const level = Math.round(-pmt(r, n, P));
        for (const row of p.rows.slice(0, -1)) expect(Math.abs(row.paymentCents - level)).toBeLessThanOrEqual(1);
        // Interest drifts from the exact annuity by at most the rounding carried so far: a cent a month.
        p.rows.forEach((row, i) => {
          expect(Math.abs(row.interestCents - -ipmt(r, i + 1, n, P))).toBeLessThanOrEqual(i + 1);
        });
      }),
      opts,
    );
  });

  it('the IRR of a plan’s cash flows reproduces its rate, and agrees with numpy-financial’s IRR', () => {
    const simple = plan.filter(
      (i) => i.kind !== 'interest_free' && i.annualRateBp >= 100 && i.principalCents >= 100_000,
    );
    fc.assert(
      fc.property(simple, (input) => {
        const bare = { ...input, interestCents: 0, feesCents: 0, waiveInterestCents: 0, waiveFeesCents: 0 };
        const p = computePlan(bare);
        const monthly = input.annualRateBp / 10_000 / 12;
        expect(p.annualCost).not.toBeNull();
        // Cents of rounding on the payments move the rate by far less than a hundredth of a point.
        expect(Math.abs((p.annualCost?.nominalPct ?? 0) - monthly * 12 * 100)).toBeLessThan(0.01);
        const flows = [
          -input.principalCents,
          ...Array.from({ length: input.holidayMonths }, () => 0),
          ...p.rows.map((r) => r.paymentCents),
        ];
        const ours = irr(flows);
        expect(ours).not.toBeNull();
        // numpy-financial's Newton iteration, started near the answer (from its default guess it can fail to converge on long series).
        expect(Math.abs((ours ?? 0) - referenceIrr(flows, 0.005, 1e-12, 1000))).toBeLessThan(1e-7);
      }),
      { ...opts, numRuns: Math.min(numRuns, 200) },
    );
  });
});
