import { describe, expect, it } from 'vitest';
import { displayField, formatMoney, instalmentMismatch, parseField, parseMoney, readTerms } from './terms';

describe('money as integer cents', () => {
  it.each([
    ['1280', 128_000],
    ['1,280.50', 128_050],
    ['¥1280.5', 128_050],
    ['￥ 1，280.05', 128_005],
    ['0.1', 10],
    ['0.29', 29],
    ['  ', null],
  ])('parses %j as %j', (input, cents) => {
    expect(parseMoney(input)).toBe(cents);
  });

  // Issue 8 item 11: the terms panel types yuan, so "4.50" is 450 cents; the rest is no amount.
  it('reads "4.50" yuan as 450 cents', () => {
    expect(parseField('amountAgreedCents', '4.50')).toEqual({ ok: true, value: 450 });
  });

  it.each(['-1', '1.234', 'abc', '1e5', '12.3.4', '99999999999999999', '1e30', '-0', 'NaN', 'Infinity', '0x10'])(
    'refuses %j',
    (input) => {
      expect(parseMoney(input)).toBeUndefined();
    },
  );

  it('never goes through floating point: 0.29 and 1.1 stay exact', () => {
    expect(parseMoney('0.29')).toBe(29);
    expect(parseMoney('1.10')).toBe(110);
    expect(formatMoney(29)).toBe('0.29');
    expect(formatMoney(123_456_789)).toBe('1,234,567.89');
  });
});

describe('terms validation as typed', () => {
  it('accepts valid values and names the problem for invalid ones', () => {
    expect(parseField('amountAgreedCents', '800')).toEqual({ ok: true, value: 80_000 });
    expect(parseField('amountAgreedCents', '8o0')).toEqual({ ok: false, error: 'invalidMoney' });
    expect(parseField('instalments', '12')).toEqual({ ok: true, value: 12 });
    expect(parseField('instalments', '0')).toEqual({ ok: false, error: 'invalidInstalments' });
    expect(parseField('instalments', '121')).toEqual({ ok: false, error: 'invalidInstalments' });
    expect(parseField('instalments', '2.5')).toEqual({ ok: false, error: 'invalidInstalments' });
    expect(parseField('firstDueDate', '2027-01-15')).toEqual({ ok: true, value: '2027-01-15' });
    expect(parseField('firstDueDate', '2027-13-40')).toEqual({ ok: false, error: 'invalidDate' });
    expect(parseField('conditions', 'x'.repeat(4001))).toEqual({ ok: false, error: 'tooLong' });
    expect(parseField('instalments', '')).toEqual({ ok: true, value: null });
  });

  it('reads a map with bad or missing values as empty fields', () => {
    const t = readTerms([
      ['amountAgreedCents', 80_000],
      ['instalments', 'twelve'],
      ['monthlyAmountCents', 12.5],
      ['noPayment', 'yes'],
    ]);
    expect(t).toMatchObject({
      amountAgreedCents: 80_000,
      instalments: null,
      monthlyAmountCents: null,
      conditions: '',
      noPayment: false,
    });
    expect(readTerms([['noPayment', true]]).noPayment).toBe(true);
    expect(displayField('amountAgreedCents', t.amountAgreedCents)).toBe('800.00');
  });

  it('flags instalments × monthly amount that differ from the amount agreed', () => {
    const base = readTerms([]);
    expect(
      instalmentMismatch({ ...base, amountAgreedCents: 120_000, instalments: 12, monthlyAmountCents: 10_000 }),
    ).toBeNull();
    expect(
      instalmentMismatch({ ...base, amountAgreedCents: 120_000, instalments: 12, monthlyAmountCents: 9_000 }),
    ).toBe(108_000);
  });
});
