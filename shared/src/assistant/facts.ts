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

// What may follow 万 in a count that is not money: 5万人, 3万公里, 万分之五 (a rate), 2万字.
const NOT_MONEY_AFTER_WAN = '分|人|次|个|条|家|公里|米|字|步|年|天|倍|辆|套|平';
// Money words a bare figure follows: 还3000, 借了2000, 工资只有2800, 房租就要1200, 余额还有500, 服务费120.
const MONEY_BEFORE_ZH =
  '(?:还|借|欠|扣|付|交|花|赔|退|转|罚|费|利息|罚息|违约金|滞纳金|工资|房租|收入|余额|本金|月供|总额|金额|合计|共计|一共)' +
  '(?:了|款|给我|我)?(?:只有|就要|就是|还有|只剩|是|为|约|共|有)?\\s*';
// Units that make a figure after a money word something else: 还了3期, 借了20天, 转了2次, 收了1%.
const UNIT_AFTER_ZH = '[%％‰期个天日月年号次岁人家条笔周倍分秒时点楼米万千亿元块]|小时|分钟|公里|多|余|来';
const MONEY_BEFORE_EN =
  '\\b(?:(?:paid|pay|paying|repay|repaid|repaying|owe|owed|owing|borrowed|borrow|lent|lend|afford|manage|spare|earn|earned|charged|deducted|received|refunded|refund|transferred|costs?|costing|for)\\s+(?:me\\s+|back\\s+|only\\s+|just\\s+)?' +
  // my pay is now 2,600 / a balance of 900 / rent is 1,200
  '|(?:salary|wages?|pay|income|rent|balance|debt|principal|payment)\\s+(?:is|was|of)\\s+(?:now\\s+|only\\s+|just\\s+)?)';
// A plural noun after the figure makes it a count (owe 5 companies), whatever the noun.
const UNIT_AFTER_EN =
  '%|percent\\b|(?!(?:this|thus|plus|less|was|has|is|as|us)\\b)[a-z]+s\\b|(?:days?|months?|monthly|years?|weeks?|hours?|minutes?|times?|install?ments?|payments?|periods?|people|persons?|calls?|loans?|apps?|lenders?|am|pm)\\b|yuan\\b|rmb\\b|cny\\b';

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
  // figureOnly: the span is the figure alone, not the money word before it (the regex has the d flag).
  const patterns: { re: RegExp; read: (m: RegExpExecArray) => number | null; figureOnly?: boolean }[] = [
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
      // 一块 alone is mostly not money (一块去, 一块手表), and 块儿 never is.
      re: new RegExp(`(${CN_NUMERAL})(?:元|块钱|块(?!儿))`, 'g'),
      read: (m) => {
        const n = chineseNumber(m[1]!);
        return n === null || m[0] === '一块' ? null : n * 100;
      },
    },
    // 借了5万 / 余额3.6万: in a complaint about a loan a figure in 万 is money unless a unit follows.
    {
      re: new RegExp(`(${DIGITS})\\s*万(?!${NOT_MONEY_AFTER_WAN})`, 'g'),
      read: (m) => yuanToCents(m[1]!.replace(/[,，]/g, ''), 10_000),
    },
    // 一万五 / 两万三: the spoken short form of 一万五千(元), money or, with a unit after it, a count.
    {
      re: new RegExp(
        `([一二两三四五六七八九十]+)万([一二两三四五六七八九])(?![零〇一二两三四五六七八九十百千万亿元块]|${NOT_MONEY_AFTER_WAN})`,
        'g',
      ),
      read: (m) => {
        const wan = chineseNumber(m[1]!);
        const thousands = chineseNumber(m[2]!);
        return wan === null || thousands === null ? null : (wan * 10_000 + thousands * 1_000) * 100;
      },
    },
    // 每月还3000 / 工资只有2800 / paid 299 / afford 3,000 a month: a bare figure is money when a money
    // word comes just before it and no other unit after it.
    {
      re: new RegExp(`(?:${MONEY_BEFORE_ZH})(${DIGITS})(?!\\d|[.,，]\\d|\\s*(?:${UNIT_AFTER_ZH}))`, 'dg'),
      read: (m) => yuanToCents(m[1]!.replace(/[,，]/g, '')),
      figureOnly: true,
    },
    {
      re: new RegExp(`${MONEY_BEFORE_EN}(${DIGITS})(?!\\d|[.,]\\d|\\s*(?:${UNIT_AFTER_EN}))`, 'dgi'),
      read: (m) => yuanToCents(m[1]!.replace(/[,，]/g, '')),
      figureOnly: true,
    },
  ];
  for (const { re, read, figureOnly } of patterns) {
    for (const m of text.matchAll(re)) {
      const [start, end] = (figureOnly ? m.indices?.[1] : undefined) ?? [m.index, m.index + m[0].length];
      add(start, end, read(m));
    }
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
    // 二〇二六年三月十日: the year digit by digit, the month and day as numbers.
    {
      re: /([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*[日号]/g,
      read: (m) => {
        const year = Number([...m[1]!].map((c) => '〇一二三四五六七八九'.indexOf(c === '零' ? '〇' : c)).join(''));
        const month = chineseNumber(m[2]!);
        const day = chineseNumber(m[3]!);
        return month === null || day === null ? null : isoDate(year, month, day);
      },
    },
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
// A rate's figure in Chinese numerals: 八厘, 两分, 百分之二十四, 万分之五, 千分之一.
const CN_RATE_CHARS = '一二两三四五六七八九十';
const CN_RATE = `[${CN_RATE_CHARS}]+`;
const numberOf = (s: string): number | null => (/\d/.test(s) ? Number(s) : chineseNumber(s));

type Rate = Extract<Fact, { kind: 'rate' }>;

function rates(text: string): Rate[] {
  const out: Rate[] = [];
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
  // 年化 24% / 年利率 24% / 年化利率高达36% / 利率从8%调到了15% (a rate with no period is annual, as
  // the trade quotes it)
  for (const m of text.matchAll(
    new RegExp(`(?:年化|年利率|年息|(?<![月日])利率)[^0-9%\\n，。；！？,;!?]{0,8}?(${NUMBER})\\s*[%％]`, 'g'),
  )) {
    // 利率上浮50%, 利率下浮10%: a change relative to a rate, not a rate.
    // 利率上浮50%, 利率比LPR高出50%: a change or a difference, not a rate.
    if (!/[浮比倍]|高出|超出/.test(m[0])) add(m, 'annual', Number(m[1]));
  }
  // 年利率百分之二十四 / 年化百分之18
  for (const m of text.matchAll(
    new RegExp(
      `(?:年化|年利率|年息|(?<![月日])利率)[^0-9%\\n，。；！？,;!?]{0,8}?百分之\\s*(${NUMBER}|${CN_RATE})`,
      'g',
    ),
  )) {
    const n = numberOf(m[1]!);
    if (n !== null) add(m, 'annual', n);
  }
  // 月息 2% / 月利率1.5% / 月息2分 (2 %) / 月息8厘 (0.8 %) / 月息八厘 / 月息两分 / 月息1分5 and
  // 月息一分五厘 (1.5 %: the trade's 分 is a percent and the figure after it tenths)
  for (const m of text.matchAll(
    new RegExp(
      `(?:月息|月利率|月费率)[^0-9%\\n${CN_RATE_CHARS}]{0,6}?(${NUMBER}|${CN_RATE})\\s*(?:([%％])|分(?!之)(?:([0-9]|[一二三四五六七八九])厘?)?|(厘))`,
      'g',
    ),
  )) {
    const n = numberOf(m[1]!);
    const tenths = m[3] === undefined ? 0 : numberOf(m[3]);
    if (n === null || tenths === null) continue;
    add(m, 'monthly', m[4] ? n / 10 : m[2] ? n : n + tenths / 10);
  }
  // 日息 0.05% / 日息0.5‰
  for (const m of text.matchAll(
    new RegExp(`(?:日息|日利率|日费率)[^0-9%\\n万千]{0,6}?(${NUMBER})\\s*(?:[%％]|‰)`, 'g'),
  ))
    add(m, 'daily', m[0].includes('‰') ? Number(m[1]) / 10 : Number(m[1]));
  // 日利率万分之五 / 日息万分之5 / 日息千分之一
  for (const m of text.matchAll(
    new RegExp(`(?:日息|日利率|日费率)[^0-9%\\n，。；！？,;!?]{0,4}?([万千])分之\\s*(${NUMBER}|${CN_RATE})`, 'g'),
  )) {
    const n = numberOf(m[2]!);
    if (n !== null) add(m, 'daily', m[1] === '万' ? n / 100 : n / 10);
  }
  // English: 24% APR, 36% per annum, 2% a month, 0.05% per day
  for (const m of text.matchAll(
    new RegExp(
      `(${NUMBER})\\s*%\\s*(APR|per annum|p\\.a\\.|a year|per year|annual(?:ly|ised|ized)?|a month|per month|monthly|a day|per day|daily)`,
      'gi',
    ),
  )) {
    const w = m[2]!.toLowerCase();
    add(m, /month/.test(w) ? 'monthly' : /day|daily/.test(w) ? 'daily' : 'annual', Number(m[1]));
  }
  // an APR of 24%, the interest rate is 12%, a monthly rate of 2%, my interest rate went up from 9%:
  // the rate's words, then up to five words (no punctuation), then the figure.
  for (const m of text.matchAll(
    new RegExp(
      `\\b(?:(annual|monthly|daily)\\s+(?:interest\\s+)?rate|APR|interest rate)((?:\\s+[a-z']+){0,5}?)\\s+(${NUMBER})\\s*%`,
      'gi',
    ),
  )) {
    // "the interest rate and a fee of 5%": the figure belongs to something else.
    if (/\b(?:fee|charge|penalt|commission|deposit|discount|down payment)/i.test(m[2]!)) continue;
    const w = (m[1] ?? '').toLowerCase();
    add(m, w === 'monthly' ? 'monthly' : w === 'daily' ? 'daily' : 'annual', Number(m[3]));
  }
  // A rate's figure, then "to 16%" / "调到了15%" / "也报成了2%" / "or 20%": the next figure is a rate of
  // the same period.
  for (const first of dedupe(out)) {
    const rest = text.slice(first.span.end);
    const next = new RegExp(
      `^(\\s*(?:也|又|却|但|而)?)((?:(?:调|涨|升|降|提高|上调|下调|增加|变|报|写|算)(?:到|至|成)了?|到|至|或|and|or|to|up to|down to)\\s*(${NUMBER})\\s*[%％])`,
      'i',
    ).exec(rest);
    if (next) {
      const at = first.span.end + next[1]!.length;
      add(Object.assign([next[2]!], { index: at }) as RegExpMatchArray, first.period, Number(next[3]));
    }
  }
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

/**
 * One fact per stretch of text: where two readings overlap (`12% per annum` within `the interest rate
 * is 12% per annum`) the one found first is kept, so that one figure is never counted twice.
 */
function dedupe<T extends Fact>(facts: T[]): T[] {
  const kept: T[] = [];
  for (const f of facts) {
    if (kept.every((k) => f.span.end <= k.span.start || f.span.start >= k.span.end)) kept.push(f);
  }
  return kept;
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
