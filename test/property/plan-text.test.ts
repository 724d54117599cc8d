import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  AgreementDoc,
  addMonths,
  canonicalAgreementText,
  computePlan,
  termsPlan,
  type CaseLanguage,
  type SettlementTerms,
} from '@accord/shared';
import { propertySettings } from './settings';

/**
 * The plan section of the canonical text (docs/PROTOCOL.md, "The repayment plan") on random plans:
 * its table, read back the way a person or a script would read the signed text, is the schedule the
 * calculator computed, and its Total row is the sum of its rows and the plan's totals.
 */
const { seed, numRuns } = propertySettings({ seed: 18, numRuns: 200 });

const terms = fc
  .record({
    planKind: fc.constantFrom('equal_instalment', 'equal_principal', 'interest_free'),
    planPrincipalCents: fc.integer({ min: 1, max: 500_000_000 }),
    planInterestCents: fc.integer({ min: 0, max: 5_000_000 }),
    planFeesCents: fc.integer({ min: 0, max: 5_000_000 }),
    planRateBp: fc.integer({ min: 0, max: 6000 }),
    instalments: fc.integer({ min: 1, max: 60 }),
    planHolidayMonths: fc.integer({ min: 0, max: 12 }),
    // Any day of the month: due dates keep it, or fall on a shorter month's last day.
    startOffsetDays: fc.integer({ min: 0, max: 27 }),
    waiveShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((p) => {
    const start = `2026-03-${String(p.startOffsetDays + 1).padStart(2, '0')}`;
    return {
      planKind: p.planKind,
      planPrincipalCents: p.planPrincipalCents,
      planInterestCents: p.planInterestCents,
      planFeesCents: p.planFeesCents,
      planRateBp: p.planRateBp,
      instalments: p.instalments,
      planHolidayMonths: p.planHolidayMonths,
      planStartDate: start,
      firstDueDate: addMonths(start, p.planHolidayMonths + 1),
      planWaiveInterestCents: Math.floor(p.planInterestCents * p.waiveShare),
      planWaiveFeesCents: Math.floor(p.planFeesCents * p.waiveShare),
    };
  });

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

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const pad = (n: number) => String(n).padStart(2, '0');

/** A date as the text writes it, back to ISO. */
function readDate(text: string): string {
  const zh = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text);
  if (zh) return `${zh[1]}-${pad(Number(zh[2]))}-${pad(Number(zh[3]))}`;
  const en = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(text);
  if (en) return `${en[3]}-${pad(MONTHS.indexOf(en[2] ?? '') + 1)}-${pad(Number(en[1]))}`;
  throw new Error(`not a date of the text: ${text}`);
}

/** An amount as the table writes it (`12,345.67`), back to cents, refusing anything else. */
function readCents(text: string): number {
  const m = /^(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`not an amount of the table: ${text}`);
  return Number((m[1] ?? '').replace(/,/g, '')) * 100 + Number(m[2]);
}

interface ReadRow {
  n: number;
  dueDate: string;
  principalCents: number;
  interestCents: number;
  feeCents: number;
  paymentCents: number;
  remainingCents: number;
}

/** The plan table of a canonical text: its rows and its Total row, as a reader would take them. */
function readTable(text: string, language: CaseLanguage) {
  const lines = text.split('\n');
  const head =
    language === 'zh-CN'
      ? '期次 | 还款日 | 本金 | 利息 | 费用 | 应还金额 | 剩余本金'
      : 'Instalment | Due date | Principal | Interest | Fees | Payment | Principal remaining';
  const start = lines.indexOf(head);
  if (start < 0) throw new Error('no plan table');
  const total = language === 'zh-CN' ? '合计' : 'Total';
  const rows: ReadRow[] = [];
  let i = start + 1;
  for (; i < lines.length && !(lines[i] ?? '').startsWith(`${total} |`); i++) {
    const cells = (lines[i] ?? '').split(' | ');
    expect(cells).toHaveLength(7);
    const label = cells[0] ?? '';
    const n = Number(language === 'zh-CN' ? /^第 (\d+) 期$/.exec(label)?.[1] : label);
    const [principal, interest, fee, payment, remaining] = cells.slice(2).map(readCents) as [
      number,
      number,
      number,
      number,
      number,
    ];
    rows.push({
      n,
      dueDate: readDate(cells[1] ?? ''),
      principalCents: principal,
      interestCents: interest,
      feeCents: fee,
      paymentCents: payment,
      remainingCents: remaining,
    });
  }
  // `合计 |  | p | i | f | payment |`: the date and remaining columns empty.
  const cells = (lines[i] ?? '').split('|').map((c) => c.trim());
  expect(cells).toHaveLength(7);
  expect([cells[1], cells[6]]).toEqual(['', '']);
  const [principal, interest, fee, payment] = cells.slice(2, 6).map(readCents) as [number, number, number, number];
  return { rows, totals: { principalCents: principal, interestCents: interest, feeCents: fee, paymentCents: payment } };
}

describe('the plan table of the canonical text, on random plans', () => {
  it('reads back as the computed schedule, and its Total row is the sum of its rows and the plan’s totals', () => {
    fc.assert(
      fc.property(terms, fc.constantFrom<CaseLanguage>('zh-CN', 'en'), (planTerms, language) => {
        const doc = new Y.Doc();
        const map = doc.getMap(AgreementDoc.terms);
        for (const [k, v] of Object.entries(planTerms)) map.set(k, v);
        const text = canonicalAgreementText(doc, 'AC-2026-000018', language);
        const plan = termsPlan({ ...blank, ...planTerms });
        if (plan.state !== 'ready') throw new Error(`a complete plan: ${JSON.stringify(plan)}`);
        const computed = computePlan(plan.input);

        const read = readTable(text, language);
        expect(read.rows).toEqual(computed.rows);
        expect(read.totals).toEqual(computed.totals);
        const sum = (k: keyof typeof read.totals) => read.rows.reduce((s, r) => s + r[k], 0);
        for (const k of ['principalCents', 'interestCents', 'feeCents', 'paymentCents'] as const) {
          expect(read.totals[k], k).toBe(sum(k));
        }
        // The financed principal is repaid exactly, and the payments are what is owed after the waivers.
        expect(read.totals.principalCents).toBe(computed.financedPrincipalCents);
        expect(read.totals.feeCents).toBe(planTerms.planFeesCents - planTerms.planWaiveFeesCents);
        // A cap line for each cap the cost exceeds, and none otherwise.
        const caps = text.split('\n').filter((l) => /^ {2}(超过|above the) \d+%/.test(l));
        expect(caps).toHaveLength(computed.exceedsCapsPct.length);
        expect(text).not.toContain('-0.00%');
      }),
      { seed, numRuns },
    );
  });
});
