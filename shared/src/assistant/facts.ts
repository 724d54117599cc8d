import nzh from 'nzh/cn';

/**
 * Facts read from a complaint's free text (Chinese or English), each with the span of text it came
 * from, so that the mediator sees where every figure was found and can correct it. Pure and
 * deterministic: the server, the command line (`accord assist`) and the browser read a complaint alike.
 *
 * What is read:
 * - amounts: digits with separators and decimals, 万/千 multipliers, Chinese numerals (一万二千元) and
 *   capital amount words (壹万贰仟元整, 叁佰元伍角), marked by 元/块/人民币/¥/RMB/CNY/yuan;
 * - dates: 2026年9月30日, 2026-09-30, 2026/9/30, 30 September 2026, September 30, 2026;
 * - rates: annual (年化, 年利率, APR, per annum), monthly (月息, 月利率, per month; 分 and 厘 as the
 *   trade states them) and daily (日息, 日利率, 万分之, per day), as a percentage of their period;
 * - fee kinds: early repayment, service, guarantee, membership, insurance, late penalty;
 * - loan and contract numbers.
 * Spans are UTF-16 offsets into the text as given: `text.slice(start, end)` is what was read.
 */

export interface Span {
  start: number;
  end: number;
  text: string;
}

export const FEE_KINDS = [
  'early_repayment',
  'service',
  'guarantee',
  'membership',
  'insurance',
  'late_penalty',
] as const;
export type FeeKind = (typeof FEE_KINDS)[number];

export type RatePeriod = 'annual' | 'monthly' | 'daily';

export type Fact =
  | { kind: 'amount'; cents: number; span: Span }
  | { kind: 'date'; date: string; span: Span }
  | { kind: 'rate'; period: RatePeriod; percent: number; span: Span }
  | { kind: 'fee'; fee: FeeKind; span: Span }
  | { kind: 'reference'; of: 'loan' | 'contract'; value: string; span: Span };

const span = (text: string, start: number, end: number): Span => ({ start, end, text: text.slice(start, end) });

// ---- amounts

const DIGITS = String.raw`\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
// A numeral starts with a digit word: 万元 alone is no amount.
const CN_NUMERAL = '[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*';
const CN_CAPITAL = '[壹贰叁肆伍陆柒捌玖拾][零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*';

/**
 * A decimal string of yuan (no separators) times a power-of-ten multiplier, in cents, by moving the
 * decimal point in the string (never through a floating-point product); null when not a safe amount.
 */
function yuanToCents(yuan: string, multiplier = 1): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(yuan);
  if (!m) return null;
  const shift = 2 + Math.round(Math.log10(multiplier));
  const whole = m[1]!;
  const point = whole.length + shift;
  // Digits below the cent (rare in complaints) are dropped.
  const cents = Number(`${whole}${m[2] ?? ''}`.padEnd(point, '0').slice(0, point));
  return Number.isSafeInteger(cents) ? cents : null;
}

const MULTIPLIER: Record<string, number> = { 万: 10_000, 千: 1_000, k: 1_000, K: 1_000 };

/** Chinese numerals (一万二千, 两千五百) as a number; null when nzh cannot read them. */
function chineseNumber(s: string): number | null {
  const n = Number(nzh.decodeS(s.replace(/两/g, '二').replace(/〇/g, '零')));
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Capital amount words (壹万贰仟元整, 叁佰元伍角陆分) in cents. */
function capitalAmount(s: string): number | null {
  const m =
    /^([零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*)[元圆](?:([零壹贰叁肆伍陆柒捌玖])角)?(?:([零壹贰叁肆伍陆柒捌玖])分)?整?$/.exec(
      s,
    );
  if (!m) return null;
  const digit = (c: string | undefined) => (c ? '零壹贰叁肆伍陆柒捌玖'.indexOf(c) : 0);
  const yuan = m[1] ? Number(nzh.decodeB(m[1])) : 0;
  const cents = yuan * 100 + digit(m[2]) * 10 + digit(m[3]);
  return Number.isSafeInteger(cents) && cents > 0 ? cents : null;
}

function amounts(text: string): Fact[] {
  const out: Fact[] = [];
  const taken: [number, number][] = [];
  const free = (start: number, end: number) => taken.every(([s, e]) => end <= s || start >= e);
  const add = (start: number, end: number, cents: number | null) => {
    if (cents === null || cents <= 0 || !free(start, end)) return;
    taken.push([start, end]);
    out.push({ kind: 'amount', cents, span: span(text, start, end) });
  };
  const patterns: { re: RegExp; read: (m: RegExpExecArray) => number | null }[] = [
    // 大写: 壹万贰仟元整, 人民币叁佰元伍角
    {
      re: new RegExp(
        `(?:人民币)?(${CN_CAPITAL}[元圆](?:[零壹贰叁肆伍陆柒捌玖]角)?(?:[零壹贰叁肆伍陆柒捌玖]分)?整?)`,
        'g',
      ),
      read: (m) => capitalAmount(m[1]!),
    },
    // ¥1,280.50 / RMB 1280 / CNY 3.5万 / 人民币 12,000 元
    {
      re: new RegExp(
        `(?:[¥￥]|\\b(?:RMB|CNY)\\b|人民币)\\s*(${DIGITS})(?:\\s*([万千kK]))?(?:\\s*(?:元|块|yuan\\b|RMB\\b|CNY\\b))?`,
        'g',
      ),
      read: (m) => yuanToCents(m[1]!.replace(/[,，]/g, ''), MULTIPLIER[m[2] ?? ''] ?? 1),
    },
    // 12,000元 / 3.5万元 / 480块 / 1,200 yuan / 1,200 RMB
    {
      re: new RegExp(`(${DIGITS})\\s*([万千])?\\s*(?:元|块钱|块|\\s?(?:yuan|RMB|CNY)\\b)`, 'g'),
      read: (m) => yuanToCents(m[1]!.replace(/[,，]/g, ''), MULTIPLIER[m[2] ?? ''] ?? 1),
    },
    // 一万二千元 / 两千五百块
    {
      re: new RegExp(`(${CN_NUMERAL})(?:元|块钱|块)`, 'g'),
      read: (m) => {
        const n = chineseNumber(m[1]!);
        return n === null ? null : n * 100;
      },
    },
  ];
  for (const { re, read } of patterns) {
    for (const m of text.matchAll(re)) add(m.index, m.index + m[0].length, read(m));
  }
  return out;
}

// ---- dates

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_NAMES = MONTHS.map((m) => `${m[0]!.toUpperCase()}${m.slice(1)}|${m.slice(0, 3)}\\.?`).join('|');

function isoDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1) return null;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > last || y < 1900 || y > 2200) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const monthOf = (name: string) =>
  MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().replace('.', '').slice(0, 3))) + 1;

function dates(text: string): Fact[] {
  const out: Fact[] = [];
  const patterns: { re: RegExp; read: (m: RegExpExecArray) => string | null }[] = [
    { re: /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g, read: (m) => isoDate(+m[1]!, +m[2]!, +m[3]!) },
    { re: /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/g, read: (m) => isoDate(+m[1]!, +m[2]!, +m[3]!) },
    {
      re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTH_NAMES})\\s*,?\\s+(\\d{4})\\b`, 'gi'),
      read: (m) => isoDate(+m[3]!, monthOf(m[2]!), +m[1]!),
    },
    {
      re: new RegExp(`\\b(${MONTH_NAMES})\\s+(\\d{1,2})(?:st|nd|rd|th)?\\s*,?\\s+(\\d{4})\\b`, 'gi'),
      read: (m) => isoDate(+m[3]!, monthOf(m[1]!), +m[2]!),
    },
  ];
  for (const { re, read } of patterns) {
    for (const m of text.matchAll(re)) {
      const date = read(m);
      if (date) out.push({ kind: 'date', date, span: span(text, m.index, m.index + m[0].length) });
    }
  }
  return out;
}

// ---- rates

const NUMBER = String.raw`\d+(?:\.\d+)?`;

function rates(text: string): Fact[] {
  const out: Fact[] = [];
  const add = (m: RegExpMatchArray, period: RatePeriod, percent: number) => {
    if (Number.isFinite(percent) && percent > 0 && percent < 1000) {
      out.push({
        kind: 'rate',
        period,
        percent: Math.round(percent * 1e6) / 1e6,
        span: span(text, m.index!, m.index! + m[0].length),
      });
    }
  };
  // 年化 24% / 年利率 24% / 年化利率高达36%
  for (const m of text.matchAll(new RegExp(`(?:年化|年利率|年息)[^0-9%\\n]{0,8}?(${NUMBER})\\s*[%％]`, 'g')))
    add(m, 'annual', Number(m[1]));
  // 月息 2% / 月利率1.5% / 月息2分 (2 %) / 月息8厘 (0.8 %)
  for (const m of text.matchAll(new RegExp(`(?:月息|月利率|月费率)[^0-9%\\n]{0,6}?(${NUMBER})\\s*([%％]|分|厘)`, 'g')))
    add(m, 'monthly', m[2] === '分' ? Number(m[1]) : m[2] === '厘' ? Number(m[1]) / 10 : Number(m[1]));
  // 日息 0.05% / 日利率万分之五 / 日息万分之5
  for (const m of text.matchAll(new RegExp(`(?:日息|日利率|日费率)[^0-9%\\n万]{0,6}?(${NUMBER})\\s*(?:[%％]|‰)`, 'g')))
    add(m, 'daily', m[0].includes('‰') ? Number(m[1]) / 10 : Number(m[1]));
  for (const m of text.matchAll(/(?:日息|日利率|日费率)\s*万分之\s*([0-9]+(?:\.\d+)?|[一二两三四五六七八九十]+)/g)) {
    const n = /\d/.test(m[1]!) ? Number(m[1]) : chineseNumber(m[1]!);
    if (n !== null) add(m, 'daily', n / 100);
  }
  // English: 24% APR, an APR of 24%, 36% per annum, 2% a month, 0.05% per day
  for (const m of text.matchAll(
    new RegExp(
      `(${NUMBER})\\s*%\\s*(APR|per annum|p\\.a\\.|a year|per year|annual(?:ly|ised|ized)?|a month|per month|monthly|a day|per day|daily)`,
      'gi',
    ),
  )) {
    const w = m[2]!.toLowerCase();
    add(m, /month/.test(w) ? 'monthly' : /day|daily/.test(w) ? 'daily' : 'annual', Number(m[1]));
  }
  for (const m of text.matchAll(
    new RegExp(
      `\\b(?:APR|annual (?:interest )?rate|interest rate)\\s+(?:(?:was|is|of|at|about|around|nearly|over)\\s+)*(${NUMBER})\\s*%`,
      'gi',
    ),
  ))
    add(m, 'annual', Number(m[1]));
  return dedupe(out);
}

// ---- fees

const FEE_WORDS: Record<FeeKind, readonly string[]> = {
  early_repayment: [
    '提前还款手续费',
    '提前还款违约金',
    '提前还款费',
    '提前结清手续费',
    '提前结清费',
    'early repayment fee',
    'early repayment charge',
    'prepayment fee',
    'prepayment penalty',
    'early settlement fee',
  ],
  service: [
    '平台服务费',
    '服务费',
    '技术服务费',
    '咨询费',
    '管理费',
    '手续费',
    'service fee',
    'service charge',
    'platform fee',
    'handling fee',
    'management fee',
  ],
  guarantee: ['担保费', '保证费', '增信费', 'guarantee fee', 'guaranty fee', 'credit enhancement fee'],
  membership: [
    '会员费',
    '会员服务费',
    '权益费',
    'VIP费',
    'membership fee',
    'membership',
    'VIP fee',
    'subscription fee',
  ],
  insurance: ['保险费', '保费', '信用保险', 'insurance premium', 'insurance fee', 'insurance'],
  late_penalty: [
    '逾期罚息',
    '罚息',
    '滞纳金',
    '逾期费',
    '违约金',
    'late fee',
    'late payment fee',
    'late charge',
    'penalty interest',
    'default interest',
    'overdue fee',
    'penalty',
  ],
};

function fees(text: string): Fact[] {
  const lower = text.toLowerCase();
  const out: Fact[] = [];
  const taken: [number, number][] = [];
  // Longest words first, so that 提前还款手续费 is an early-repayment fee, not a service fee (手续费).
  const words = FEE_KINDS.flatMap((fee) => FEE_WORDS[fee].map((w) => ({ fee, w: w.toLowerCase() }))).sort(
    (a, b) => b.w.length - a.w.length,
  );
  for (const { fee, w } of words) {
    for (let at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + w.length)) {
      const end = at + w.length;
      const ascii = /^[a-z]/.test(w);
      // An English word stands alone (not "insurances" or "disservice fee"-like runs inside other words).
      // A plural ("late fees") is the same fee.
      const after = lower[end] === 's' && !/[a-z]/.test(lower[end + 1] ?? '') ? end + 1 : end;
      if (ascii && (/[a-z]/.test(lower[at - 1] ?? '') || /[a-z]/.test(lower[after] ?? ''))) continue;
      if (taken.some(([s, e]) => at < e && end > s)) continue;
      taken.push([at, end]);
      out.push({ kind: 'fee', fee, span: span(text, at, end) });
    }
  }
  return out;
}

// ---- references

function references(text: string): Fact[] {
  const out: Fact[] = [];
  const re =
    /(借款合同|贷款合同|借款|贷款|合同|订单|loan\s+(?:contract|agreement)|loan|contract|agreement)\s*(?:编号|号码|号|no\.?|number|#|ref\.?)\s*(?:为|是|[:：])?\s*([A-Za-z0-9][A-Za-z0-9\-_/]{3,39})/gi;
  for (const m of text.matchAll(re)) {
    const word = m[1]!.toLowerCase();
    const of = /合同|contract|agreement/.test(word) ? 'contract' : 'loan';
    const valueStart = m.index + m[0].length - m[2]!.length;
    out.push({ kind: 'reference', of, value: m[2]!, span: span(text, m.index, valueStart + m[2]!.length) });
  }
  return out;
}

function dedupe<T extends Fact>(facts: T[]): T[] {
  const seen = new Set<string>();
  return facts.filter((f) => {
    const key = `${f.span.start}:${f.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every fact of the text, in the order they appear (ties: amounts, dates, rates, fees, references). */
export function extractFacts(text: string): Fact[] {
  const normalised = text.normalize('NFC');
  const order: Record<Fact['kind'], number> = { amount: 0, date: 1, rate: 2, fee: 3, reference: 4 };
  // A date's or a rate's digits are not an amount: amounts overlapping them are dropped.
  const ds = dates(normalised);
  const rs = rates(normalised);
  const refs = references(normalised);
  const blocked = [...ds, ...rs, ...refs].map((f) => f.span);
  const as = amounts(normalised).filter((a) => blocked.every((b) => a.span.end <= b.start || a.span.start >= b.end));
  return [...as, ...ds, ...rs, ...fees(normalised), ...refs].sort(
    (a, b) => a.span.start - b.span.start || order[a.kind] - order[b.kind],
  );
}
