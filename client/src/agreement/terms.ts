import type { TFunction } from 'i18next';
import { SettlementTerms, formatCents } from '@accord/shared';

export type TermKey = keyof SettlementTerms;
export type MoneyKey = 'amountInDisputeCents' | 'amountAgreedCents' | 'feesWaivedCents' | 'monthlyAmountCents';
export const MONEY_KEYS: readonly MoneyKey[] = [
  'amountInDisputeCents',
  'amountAgreedCents',
  'feesWaivedCents',
  'monthlyAmountCents',
];

/**
 * Parses an amount typed in yuan ("1,280.50", "¥1280", "1280.5") into integer
 * cents by string arithmetic, never through a floating-point number.
 * Returns null for an empty field and undefined for anything invalid.
 */
export function parseMoney(input: string): number | null | undefined {
  const s = input
    .trim()
    .replace(/^[¥￥]\s*/, '')
    .replace(/[,，\s]/g, '');
  if (s === '') return null;
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m?.[1]) return undefined;
  const cents = BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return cents <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cents) : undefined;
}

/** Integer cents → "1,280.50": the same digits the signed text uses (`formatCents` in shared). */
export const formatMoney = formatCents;

export type FieldResult = { ok: true; value: SettlementTerms[TermKey] } | { ok: false; error: TermError };
export type TermError = 'invalidMoney' | 'invalidInstalments' | 'invalidDate' | 'tooLong';

/** Validates what a user typed into one field, as the value to store in the terms map. */
export function parseField(key: TermKey, raw: string): FieldResult {
  const schema = SettlementTerms.shape[key];
  let value: unknown;
  let error: TermError;
  if ((MONEY_KEYS as readonly string[]).includes(key)) {
    value = parseMoney(raw);
    error = 'invalidMoney';
  } else if (key === 'instalments') {
    value = raw.trim() === '' ? null : /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
    error = 'invalidInstalments';
  } else if (key === 'firstDueDate') {
    value = raw.trim() === '' ? null : raw.trim();
    error = 'invalidDate';
  } else {
    value = raw;
    error = 'tooLong';
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error };
}

/** How a stored value is shown in its input. */
export function displayField(key: TermKey, value: SettlementTerms[TermKey]): string {
  if (value === null || value === undefined) return '';
  if ((MONEY_KEYS as readonly string[]).includes(key) && typeof value === 'number') return formatMoney(value);
  return String(value);
}

/** Reads the terms map into a typed object; fields that fail validation read as empty. */
export function readTerms(entries: Iterable<[string, unknown]>): SettlementTerms {
  const raw = Object.fromEntries(entries);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SettlementTerms.shape) as TermKey[]) {
    const parsed = SettlementTerms.shape[key].safeParse(raw[key]);
    out[key] = parsed.success ? parsed.data : key === 'conditions' ? '' : key === 'noPayment' ? false : null;
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
  if ((MONEY_KEYS as readonly string[]).includes(key) && typeof value === 'number') return `¥${formatCents(value)}`;
  if (key === 'firstDueDate' && typeof value === 'string') {
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
