import type { TFunction } from 'i18next';
import { PlanKind, SettlementTerms, formatCents } from '@accord/shared';

export type TermKey = keyof SettlementTerms;
export type MoneyKey =
  | 'amountInDisputeCents'
  | 'amountAgreedCents'
  | 'feesWaivedCents'
  | 'monthlyAmountCents'
  | 'planPrincipalCents'
  | 'planInterestCents'
  | 'planFeesCents'
  | 'planWaiveInterestCents'
  | 'planWaiveFeesCents';
export const MONEY_KEYS: readonly MoneyKey[] = [
  'amountInDisputeCents',
  'amountAgreedCents',
  'feesWaivedCents',
  'monthlyAmountCents',
  'planPrincipalCents',
  'planInterestCents',
  'planFeesCents',
  'planWaiveInterestCents',
  'planWaiveFeesCents',
];
const isMoneyKey = (key: TermKey): key is MoneyKey => (MONEY_KEYS as readonly string[]).includes(key);

/**
 * Parses an annual rate typed in percent ("7.2", "7.25 %", "12") into basis points (720, 725, 1 200)
 * by string arithmetic, as the terms store it. Null for an empty field, undefined for anything else
 * (more than two decimals: a basis point is the finest a rate is agreed in).
 */
export function parseRatePercent(input: string): number | null | undefined {
  const s = input.trim().replace(/\s*[%％]$/, '');
  if (s === '') return null;
  const m = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m?.[1]) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Basis points as the percent a person types: 720 → "7.2", 1200 → "12", 725 → "7.25". */
export function ratePercentText(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac === '' ? String(whole) : `${whole}.${frac}`;
}

import { parseMoney } from '../app/money';

export { parseMoney };

/** Integer cents → "1,280.50": the same digits the signed text uses (`formatCents` in shared). */
export const formatMoney = formatCents;

export type FieldResult = { ok: true; value: SettlementTerms[TermKey] } | { ok: false; error: TermError };
export type TermError =
  'invalidMoney' | 'invalidInstalments' | 'invalidDate' | 'tooLong' | 'invalidRate' | 'invalidHoliday' | 'invalidKind';

/** Validates what a user typed into one field, as the value to store in the terms map. */
export function parseField(key: TermKey, raw: string): FieldResult {
  const schema = SettlementTerms.shape[key];
  let value: unknown;
  let error: TermError;
  const whole = (text: string) =>
    text.trim() === '' ? null : /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : undefined;
  if (isMoneyKey(key)) {
    value = parseMoney(raw);
    error = 'invalidMoney';
  } else if (key === 'instalments') {
    value = whole(raw);
    error = 'invalidInstalments';
  } else if (key === 'planHolidayMonths') {
    value = whole(raw);
    error = 'invalidHoliday';
  } else if (key === 'planRateBp') {
    value = parseRatePercent(raw);
    error = 'invalidRate';
  } else if (key === 'firstDueDate' || key === 'planStartDate') {
    value = raw.trim() === '' ? null : raw.trim();
    error = 'invalidDate';
  } else if (key === 'planKind') {
    value = raw === '' ? null : raw;
    error = 'invalidKind';
  } else {
    value = raw;
    error = 'tooLong';
  }
  // The plan's keys are optional in the schema, so an unreadable input (undefined) must be refused here.
  if (value === undefined) return { ok: false, error };
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data ?? null } : { ok: false, error };
}

/** How a stored value is shown in its input. */
export function displayField(key: TermKey, value: SettlementTerms[TermKey]): string {
  if (value === null || value === undefined) return '';
  if (isMoneyKey(key) && typeof value === 'number') return formatMoney(value);
  if (key === 'planRateBp' && typeof value === 'number') return ratePercentText(value);
  return String(value);
}

/** Reads the terms map into a typed object; fields that fail validation read as empty. */
export function readTerms(entries: Iterable<[string, unknown]>): SettlementTerms {
  const raw = Object.fromEntries(entries);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SettlementTerms.shape) as TermKey[]) {
    const parsed = SettlementTerms.shape[key].safeParse(raw[key]);
    // The plan's keys are optional in the schema (records sealed before plans lack them): unset reads as null.
    out[key] = parsed.success ? (parsed.data ?? null) : key === 'conditions' ? '' : key === 'noPayment' ? false : null;
  }
  return out as SettlementTerms;
}

/** instalments × monthly amount, when it disagrees with the amount agreed (a hint, not an error). */
export function instalmentMismatch(t: SettlementTerms): number | null {
  if (t.instalments === null || t.monthlyAmountCents === null || t.amountAgreedCents === null) return null;
  const total = t.instalments * t.monthlyAmountCents;
  return total === t.amountAgreedCents ? null : total;
}

export const isTermKey = (k: unknown): k is TermKey => typeof k === 'string' && Object.hasOwn(SettlementTerms.shape, k);

/**
 * A stored term value as people read it in a sentence: amounts in yuan ("¥900.00", never cents),
 * dates written out in the page's language (Intl), yes/no, quoted text (shortened), "(empty)".
 */
export function termValueText(key: TermKey, value: unknown, t: TFunction, language: string): string {
  if (value === null || value === undefined || value === '') return t('terms.emptyValue');
  if (isMoneyKey(key) && typeof value === 'number') return `¥${formatCents(value)}`;
  if (key === 'planRateBp' && typeof value === 'number') return `${ratePercentText(value)}%`;
  if (key === 'planHolidayMonths' && typeof value === 'number') return t('plan.monthsCount', { count: value });
  if (key === 'planKind' && typeof value === 'string') {
    const kind = PlanKind.safeParse(value);
    if (kind.success) return t(`plan.kinds.${kind.data}`);
  }
  if ((key === 'firstDueDate' || key === 'planStartDate') && typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m) {
      const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(at);
    }
  }
  if (typeof value === 'boolean') return t(value ? 'terms.yes' : 'terms.no');
  if (typeof value === 'string' && key === 'conditions') {
    return t('terms.quoted', { text: value.length > 60 ? `${value.slice(0, 59)}…` : value });
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Today's date (YYYY-MM-DD) on the case's wall clock: a plan proposed late at night in Beijing starts that day. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const read = (zone: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  try {
    return read(timeZone);
  } catch {
    return read('Asia/Shanghai');
  }
}
