import nzh from 'nzh/cn';
import type { SettlementTerms } from './documents';
import type { CaseLanguage } from './ids';

/**
 * How amounts, dates and the repayment schedule of a settlement read, in the case's language: the
 * same on the server (the signed text, the PDF) and in the browser (terms panel, record page).
 * Hand-formatted rather than through Intl, whose output depends on the ICU data of each runtime: the
 * signed text must come out byte for byte the same everywhere.
 */

/** Integer cents as `1,280.00` (thousands separated by commas, two decimals). */
export function formatCents(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.trunc(cents));
  const yuan = Math.floor(abs / 100).toString();
  const fen = (abs % 100).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fen}`;
}

/**
 * A percentage as a settlement states it: two decimals by `toFixed` (the same in every engine); a cost
 * that rounds to nothing is 0.00, not -0.00 (an IRR a hair below zero).
 */
export function percentText(x: number): string {
  const text = x.toFixed(2);
  return text === '-0.00' ? '0.00' : text;
}

/** Integer cents in Chinese capital amount words (大写), e.g. 88000 → `捌佰捌拾元整`, 5 → `伍分`. */
export function amountInWords(cents: number): string {
  const abs = Math.abs(Math.trunc(cents));
  const decimal = `${Math.floor(abs / 100)}.${(abs % 100).toString().padStart(2, '0')}`;
  return `${cents < 0 ? '负' : ''}${nzh.toMoney(decimal, { outSymbol: false, forceZheng: true })}`;
}

/** An amount as a settlement states it: `人民币 880.00 元（大写：捌佰捌拾元整）`, or `RMB 880.00`. */
export function moneyText(cents: number, language: CaseLanguage): string {
  return language === 'zh-CN'
    ? `人民币 ${formatCents(cents)} 元（大写：${amountInWords(cents)}）`
    : `RMB ${formatCents(cents)}`;
}

/** An amount without the words: `人民币 880.00 元`, or `RMB 880.00` (tables, screens). */
export function moneyShort(cents: number, language: CaseLanguage): string {
  return language === 'zh-CN' ? `人民币 ${formatCents(cents)} 元` : `RMB ${formatCents(cents)}`;
}

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

/** An ISO date (`2027-01-15`) as `2027年1月15日`, or `15 January 2027`. */
export function dateText(isoDate: string, language: CaseLanguage): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return language === 'zh-CN' ? `${y}年${m}月${d}日` : `${d} ${MONTHS[m - 1]} ${y}`;
}

/** The date `months` months after an ISO date, on the same day of the month or the month's last day. */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (n: number) => n.toString().padStart(2, '0');
  return `${year.toString().padStart(4, '0')}-${pad(month)}-${pad(Math.min(d, last))}`;
}

export interface Instalment {
  /** 1-based. */
  number: number;
  /** ISO date. */
  dueDate: string;
  cents: number;
}

/**
 * The repayment schedule the terms describe, or null when they describe none (no instalment count,
 * no first due date, or neither an amount per instalment nor an agreed amount).
 *
 * Instalments fall due monthly from `firstDueDate` (on the same day of the month, or the last day of
 * a shorter month). Each is `monthlyAmountCents`; without it, the agreed amount divided by the count,
 * rounded down to the cent. When `amountAgreedCents` is set, the last instalment is whatever makes
 * the schedule add up to it, provided that is more than zero (otherwise every instalment stays as it
 * is and the total shows the difference).
 */
export function repaymentSchedule(terms: SettlementTerms): Instalment[] | null {
  const { instalments: n, firstDueDate, monthlyAmountCents, amountAgreedCents } = terms;
  if (n === null || firstDueDate === null) return null;
  const each = monthlyAmountCents ?? (amountAgreedCents === null ? null : Math.floor(amountAgreedCents / n));
  if (each === null) return null;
  const out: Instalment[] = [];
  for (let i = 0; i < n; i++) out.push({ number: i + 1, dueDate: addMonths(firstDueDate, i), cents: each });
  if (amountAgreedCents !== null) {
    const last = amountAgreedCents - each * (n - 1);
    if (last > 0) out[n - 1]!.cents = last;
  }
  return out;
}
