import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { termsPlan, type SettlementTerms } from '@accord/shared';
import { highestCap, percentText, planProblems } from './plan';
import {
  displayField,
  parseField,
  parseRatePercent,
  ratePercentText,
  readTerms,
  termValueText,
  todayIn,
} from './terms';

const base = (patch: Partial<SettlementTerms> = {}): SettlementTerms => ({ ...readTerms([]), ...patch });

describe('the plan rate: percent as typed, basis points as stored', () => {
  it.each([
    ['7.2', 720],
    ['7.20', 720],
    ['7.25', 725],
    ['12', 1200],
    [' 3.6 % ', 360],
    ['0', 0],
    ['0.01', 1],
    ['100', 10_000],
    ['', null],
  ])('reads %j as %j', (input, bp) => {
    expect(parseRatePercent(input)).toBe(bp);
  });

  it.each(['7.255', '-1', 'abc', '1e2', '7,2', '1000', '.5'])('refuses %j', (input) => {
    expect(parseRatePercent(input)).toBeUndefined();
  });

  it('refuses a rate above 100 % (the terms schema) and names the problem', () => {
    expect(parseField('planRateBp', '100.01')).toEqual({ ok: false, error: 'invalidRate' });
    expect(parseField('planRateBp', '7.2')).toEqual({ ok: true, value: 720 });
  });

  it('shows basis points as the shortest percent, and reads it back to the same value', () => {
    expect(ratePercentText(720)).toBe('7.2');
    expect(ratePercentText(1200)).toBe('12');
    expect(ratePercentText(725)).toBe('7.25');
    expect(ratePercentText(5)).toBe('0.05');
    for (let bp = 0; bp <= 10_000; bp += 7) expect(parseRatePercent(ratePercentText(bp))).toBe(bp);
    expect(displayField('planRateBp', 720)).toBe('7.2');
  });
});

describe('the plan inputs as typed', () => {
  it('reads amounts in yuan as cents, months and dates, and the kind as its value', () => {
    expect(parseField('planPrincipalCents', '10,000.50')).toEqual({ ok: true, value: 1_000_050 });
    expect(parseField('planWaiveFeesCents', '1.2.3')).toEqual({ ok: false, error: 'invalidMoney' });
    expect(parseField('planHolidayMonths', '3')).toEqual({ ok: true, value: 3 });
    expect(parseField('planHolidayMonths', '37')).toEqual({ ok: false, error: 'invalidHoliday' });
    expect(parseField('planHolidayMonths', '1.5')).toEqual({ ok: false, error: 'invalidHoliday' });
    expect(parseField('planHolidayMonths', '')).toEqual({ ok: true, value: null });
    expect(parseField('planStartDate', '2027-02-30')).toEqual({ ok: false, error: 'invalidDate' });
    expect(parseField('planStartDate', '2027-02-28')).toEqual({ ok: true, value: '2027-02-28' });
    expect(parseField('planKind', 'equal_principal')).toEqual({ ok: true, value: 'equal_principal' });
    expect(parseField('planKind', 'balloon')).toEqual({ ok: false, error: 'invalidKind' });
    expect(displayField('planPrincipalCents', 1_000_050)).toBe('10,000.50');
  });

  it('reads unset plan keys as null, never undefined (records sealed before plans lack them)', () => {
    const t = readTerms([['planKind', 'interest_free']]);
    expect(t.planKind).toBe('interest_free');
    expect(t.planPrincipalCents).toBeNull();
    expect(t.planStartDate).toBeNull();
  });

  it('words plan values for the history and the diffs (no basis points, no enum values)', () => {
    const t = ((key: string, opts?: Record<string, unknown>) =>
      `${key}${opts ? JSON.stringify(opts) : ''}`) as unknown as TFunction;
    expect(termValueText('planRateBp', 720, t, 'en')).toBe('7.2%');
    expect(termValueText('planPrincipalCents', 123_456, t, 'en')).toBe('¥1,234.56');
    expect(termValueText('planKind', 'equal_instalment', t, 'en')).toBe('plan.kinds.equal_instalment');
    expect(termValueText('planStartDate', '2027-03-01', t, 'zh-CN')).toBe('2027年3月1日');
    expect(termValueText('planStartDate', '2027-03-01', t, 'en')).toBe(
      termValueText('firstDueDate', '2027-03-01', t, 'en'),
    );
    expect(termValueText('planHolidayMonths', 2, t, 'en')).toBe('plan.monthsCount{"count":2}');
  });
});

describe('what an incomplete plan still needs', () => {
  it('names every missing input', () => {
    const plan = termsPlan(base({ planKind: 'equal_instalment' }));
    expect(planProblems(plan)).toEqual([
      { key: 'plan.problems.notSet', term: 'planPrincipalCents' },
      { key: 'plan.problems.notSet', term: 'instalments' },
      { key: 'plan.problems.notSet', term: 'firstDueDate' },
      { key: 'plan.problems.notSet', term: 'planStartDate' },
    ]);
  });

  it('names a waiver above what is owed and a first due date before the start', () => {
    const plan = termsPlan(
      base({
        planKind: 'equal_principal',
        planPrincipalCents: 100_000,
        planInterestCents: 1_000,
        planWaiveInterestCents: 2_000,
        instalments: 6,
        firstDueDate: '2027-01-01',
        planStartDate: '2027-02-01',
      }),
    );
    expect(planProblems(plan)).toEqual([
      { key: 'plan.problems.waiveTooMuch', term: 'planWaiveInterestCents' },
      { key: 'plan.problems.dueBeforeStart', term: 'firstDueDate' },
    ]);
  });

  it('has nothing to say of a plan that is ready, or of no plan', () => {
    expect(planProblems(termsPlan(base()))).toEqual([]);
    const ready = termsPlan(
      base({
        planKind: 'interest_free',
        planPrincipalCents: 120_000,
        instalments: 12,
        firstDueDate: '2027-02-15',
        planStartDate: '2027-01-15',
      }),
    );
    expect(ready.state).toBe('ready');
    expect(planProblems(ready)).toEqual([]);
  });
});

describe('cost and dates', () => {
  it('flags the highest cap exceeded, and writes percentages with two decimals', () => {
    expect(highestCap([])).toBeNull();
    expect(highestCap([24])).toBe(24);
    expect(highestCap([24, 36])).toBe(36);
    expect(percentText(7.4416)).toBe('7.44');
    expect(percentText(24)).toBe('24.00');
    // A plan that costs nothing: its IRR is a hair below zero, shown as 0.00, never -0.00.
    expect(percentText(-1e-9)).toBe('0.00');
  });

  it("takes today's date on the case's clock, not the device's", () => {
    const at = new Date('2027-01-31T17:30:00Z'); // 01:30 on 1 February in Beijing
    expect(todayIn('Asia/Shanghai', at)).toBe('2027-02-01');
    expect(todayIn('Europe/London', at)).toBe('2027-01-31');
    expect(todayIn('Not/AZone', at)).toBe('2027-02-01');
  });
});
