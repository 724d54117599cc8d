import type { TFunction } from 'i18next';
import { dateText, moneyShort, type CaseLanguage, type Fact } from '@accord/shared';

/** The UI's language as the shared formatters name it. */
export const uiLanguage = (lang: string): CaseLanguage => (lang.startsWith('zh') ? 'zh-CN' : 'en');

/** A percentage without trailing zeros (24, 0.05, 1.5): as the complaint would state it. */
export function percentWords(percent: number): string {
  return String(Number(percent.toFixed(4)));
}

/** A fact in plain words in the page's language: 人民币 1,234.00 元, 2026年9月30日, 年化 24%, 服务费… */
export function factWords(t: TFunction, fact: Fact, lang: CaseLanguage): string {
  switch (fact.kind) {
    case 'amount':
      return moneyShort(fact.cents, lang);
    case 'date':
      return dateText(fact.date, lang);
    case 'rate':
      return t(`assistant.rate.${fact.period}`, { percent: percentWords(fact.percent) });
    case 'fee':
      return t(`assistant.fees.${fact.fee}`);
    case 'reference':
      return t(`assistant.references.${fact.of}`, { value: fact.value });
  }
}

/** How sure the classifier is, in words, with its probability rounded to a whole percent. */
export function confidenceWords(t: TFunction, probability: number): string {
  // Never "100%" nor "0%": a model's probability is neither certainty nor impossibility.
  const percent = Math.min(99, Math.max(1, Math.round(probability * 100)));
  const level = probability >= 0.8 ? 'high' : probability >= 0.5 ? 'medium' : 'low';
  return t(`assistant.confidence.${level}`, { percent });
}

/** A piece of the complaint's text: plain, or the span of one fact (by its index in the list). */
export interface Segment {
  start: number;
  end: number;
  fact: number | null;
}

/**
 * The text between `from` and `to` cut at the facts' spans, in order; a span that overlaps one
 * already taken is left unmarked (its fact is still listed beside the text).
 */
export function segments(facts: readonly { span: { start: number; end: number } }[], from: number, to: number) {
  const spans = facts
    .map((f, i) => ({ start: f.span.start, end: f.span.end, fact: i }))
    .filter((s) => s.start >= from && s.end <= to && s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Segment[] = [];
  let at = from;
  for (const s of spans) {
    if (s.start < at) continue;
    if (s.start > at) out.push({ start: at, end: s.start, fact: null });
    out.push(s);
    at = s.end;
  }
  if (at < to) out.push({ start: at, end: to, fact: null });
  return out;
}

/** Yuan typed by the mediator ("1,234.5") in integer cents by string arithmetic; null when not an amount. */
export function yuanToCents(text: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.replace(/[,，\s]/g, ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Cents as the yuan a form field shows (no separators): 123400 → "1234.00". */
export function centsToYuan(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
