import { describe, expect, it } from 'vitest';
import { extractFacts, type Fact } from './facts';

const of = <K extends Fact['kind']>(text: string, kind: K) =>
  extractFacts(text).filter((f): f is Extract<Fact, { kind: K }> => f.kind === kind);
const cents = (text: string) => of(text, 'amount').map((f) => [f.cents, f.span.text]);

describe('amounts, with the text they came from', () => {
  it('reads digits with separators, decimals, 万 and 千, by string arithmetic (no float error)', () => {
    expect(cents('借款12,000元，服务费1,280.50元')).toEqual([
      [1_200_000, '12,000元'],
      [128_050, '1,280.50元'],
    ]);
    expect(cents('共3.5万元，另0.1万元')).toEqual([
      [3_500_000, '3.5万元'],
      [100_000, '0.1万元'],
    ]);
    // 0.29 × 100 is 28.999… in floating point; the string is moved, not multiplied.
    expect(cents('手续费0.29元')).toEqual([[29, '0.29元']]);
    expect(cents('罚了480块')).toEqual([[48_000, '480块']]);
  });

  it('reads currency marks before the figure: ¥, ￥, RMB, CNY, 人民币', () => {
    expect(cents('被扣¥300和￥1,000.5')).toEqual([
      [30_000, '¥300'],
      [100_050, '￥1,000.5'],
    ]);
    expect(cents('I borrowed RMB 12,000 and paid CNY 3.5万 back')).toEqual([
      [1_200_000, 'RMB 12,000'],
      [3_500_000, 'CNY 3.5万'],
    ]);
    expect(cents('担保费人民币600元')).toEqual([[60_000, '人民币600元']]);
    expect(cents('a service fee of 1,800 yuan')).toEqual([[180_000, '1,800 yuan']]);
  });

  it('reads Chinese numerals and capital amount words', () => {
    expect(cents('会员费两千五百元')).toEqual([[250_000, '两千五百元']]);
    expect(cents('共一万二千元')).toEqual([[1_200_000, '一万二千元']]);
    expect(cents('退还叁佰元整')).toEqual([[30_000, '叁佰元整']]);
    expect(cents('人民币壹万贰仟元整')).toEqual([[1_200_000, '人民币壹万贰仟元整']]);
    expect(cents('叁佰元伍角陆分')).toEqual([[30_056, '叁佰元伍角陆分']]);
  });

  it('reads a figure in 万 without 元 as money, but not a count in 万 or a rate of 万分之', () => {
    expect(cents('被骗借了5万，余额还有3.6万')).toEqual([
      [5_000_000, '5万'],
      [3_600_000, '3.6万'],
    ]);
    expect(cents('5万人看过，跑了3万公里，日息万分之五')).toEqual([]);
  });

  it('reads a bare figure after a money word, the figure alone as its span', () => {
    expect(cents('原来每月还3000现在还不起')).toEqual([[300_000, '3000']]);
    expect(cents('借款本金20000，利息3000，服务费120')).toEqual([
      [2_000_000, '20000'],
      [300_000, '3000'],
      [12_000, '120'],
    ]);
    expect(cents('工资只有2800，房租就要1200')).toEqual([
      [280_000, '2800'],
      [120_000, '1200'],
    ]);
    expect(cents('I paid 299 for it and can only pay 1,000 a month, or afford 3,000, then.')).toEqual([
      [29_900, '299'],
      [100_000, '1,000'],
      [300_000, '3,000'],
    ]);
  });

  it('reads the spoken short form 一万五 (15,000) as money, but not with a unit after it', () => {
    expect(cents('利滚利变成了一万五，另一笔两万三')).toEqual([
      [1_500_000, '一万五'],
      [2_300_000, '两万三'],
    ]);
    expect(cents('一万五千人，三万五个字，十万火急')).toEqual([]);
  });

  it('reads a wage, a balance or what one can manage as money in English', () => {
    expect(cents('I can manage 900 a month; my pay is now 2,600 and the balance of 4,000 is overdue.')).toEqual([
      [90_000, '900'],
      [260_000, '2,600'],
      [400_000, '4,000'],
    ]);
  });

  it('takes no count, duration or percentage after a money word for money', () => {
    expect(cents('分成36期，已经还了3期，借了20天，转了2次，收了1%，还款日是15号')).toEqual([]);
    expect(cents('I paid 2 times, borrowed for 3 months, paid 5% and owe 12 payments')).toEqual([]);
    expect(cents('I owe 5 companies and paid 300 this month')).toEqual([[30_000, '300']]);
  });

  it('takes 一块 (together, a piece) and 块儿 for no money, but 一块钱 and 三块 for some', () => {
    expect(cents('我和他一块去的，买了一块手表，分成三块儿')).toEqual([]);
    expect(cents('只差一块钱，罚了三块')).toEqual([
      [100, '一块钱'],
      [300, '三块'],
    ]);
  });

  it('does not take a date, a rate or a contract number for an amount', () => {
    expect(of('2026年9月30日起年化24%，合同编号HT-2025-0042', 'amount')).toEqual([]);
  });
});

describe('dates', () => {
  it('reads Chinese, ISO and English dates; an impossible date is none', () => {
    const read = (t: string) => of(t, 'date').map((f) => [f.date, f.span.text]);
    expect(read('2026年9月30日失业，2026-10-08 和 2026/1/5')).toEqual([
      ['2026-09-30', '2026年9月30日'],
      ['2026-10-08', '2026-10-08'],
      ['2026-01-05', '2026/1/5'],
    ]);
    expect(read('On 15 March 2025, then January 5, 2026 and 3rd Feb. 2026')).toEqual([
      ['2025-03-15', '15 March 2025'],
      ['2026-01-05', 'January 5, 2026'],
      ['2026-02-03', '3rd Feb. 2026'],
    ]);
    expect(read('2026年2月30日 and 2026-13-01')).toEqual([]);
  });

  it('reads dates written in Chinese numerals', () => {
    const read = (t: string) => of(t, 'date').map((f) => [f.date, f.span.text]);
    expect(read('二〇二六年三月十日借款，二零二五年十二月三十一日到期')).toEqual([
      ['2026-03-10', '二〇二六年三月十日'],
      ['2025-12-31', '二零二五年十二月三十一日'],
    ]);
    expect(read('二〇二六年二月三十日')).toEqual([]);
  });
});

describe('rates, as a percentage of their period', () => {
  const read = (t: string) => of(t, 'rate').map((f) => [f.period, f.percent, f.span.text]);
  it('reads 年化, 月息 (also in 分 and 厘) and 日息 (also 万分之 and ‰)', () => {
    expect(read('年化利率24%，月息2分，月息8厘，月利率1.5%')).toEqual([
      ['annual', 24, '年化利率24%'],
      ['monthly', 2, '月息2分'],
      ['monthly', 0.8, '月息8厘'],
      ['monthly', 1.5, '月利率1.5%'],
    ]);
    expect(read('日息万分之五，日利率0.05%，日息0.5‰')).toEqual([
      ['daily', 0.05, '日息万分之五'],
      ['daily', 0.05, '日利率0.05%'],
      ['daily', 0.05, '日息0.5‰'],
    ]);
  });
  it('reads 月息1分5 and 月息一分五厘 as 1.5 % a month', () => {
    expect(read('月息1分5，月息一分五厘，月息2分，月息2分钱')).toEqual([
      ['monthly', 1.5, '月息1分5'],
      ['monthly', 1.5, '月息一分五厘'],
      ['monthly', 2, '月息2分'],
      ['monthly', 2, '月息2分'],
    ]);
  });

  it('reads rates in Chinese numerals: 月息八厘, 月息两分, 日息千分之一, 年利率百分之二十四', () => {
    expect(read('月息八厘，月息两分，日息千分之一，年利率百分之二十四')).toEqual([
      ['monthly', 0.8, '月息八厘'],
      ['monthly', 2, '月息两分'],
      ['daily', 0.1, '日息千分之一'],
      ['annual', 24, '年利率百分之二十四'],
    ]);
  });

  it('reads a rate with no period as annual, and a second figure it changed to in the same period', () => {
    expect(read('月利率1.5%也报成了2%')).toEqual([
      ['monthly', 1.5, '月利率1.5%'],
      ['monthly', 2, '报成了2%'],
    ]);
    expect(read('利率从8%调到了15%')).toEqual([
      ['annual', 8, '利率从8%'],
      ['annual', 15, '调到了15%'],
    ]);
    expect(read('My interest rate went up from 9% to 16% without notice.')).toEqual([
      ['annual', 9, 'interest rate went up from 9%'],
      ['annual', 16, 'to 16%'],
    ]);
  });

  it('takes no markup on a rate and no fee percentage for a rate', () => {
    expect(read('罚息按合同利率上浮50%，另收3%的违约金，手续费1.5%')).toEqual([]);
    expect(read('贷款利率比同期LPR高出50%')).toEqual([]);
    expect(read('the interest rate and a fee of 5%')).toEqual([]);
  });

  it('reads "a monthly rate of 2%" and counts a figure read two ways once', () => {
    expect(read('a monthly rate of 2%, a daily rate of 0.05%; the APR on my loan is over 35%')).toEqual([
      ['monthly', 2, 'monthly rate of 2%'],
      ['daily', 0.05, 'daily rate of 0.05%'],
      ['annual', 35, 'APR on my loan is over 35%'],
    ]);
    expect(read('The interest rate is 12% per annum.')).toEqual([['annual', 12, '12% per annum']]);
  });

  it('reads APR, per annum, a month and per day in English', () => {
    expect(read('The APR was 35.9%, i.e. 2% a month or 0.05% per day; 36% per annum.')).toEqual([
      ['annual', 35.9, 'APR was 35.9%'],
      ['monthly', 2, '2% a month'],
      ['daily', 0.05, '0.05% per day'],
      ['annual', 36, '36% per annum'],
    ]);
  });
});

describe('fee kinds and references', () => {
  it('names each fee by the longest word that fits', () => {
    const read = (t: string) => of(t, 'fee').map((f) => [f.fee, f.span.text]);
    expect(read('提前还款手续费、平台服务费、担保费、会员费、保险费和逾期罚息')).toEqual([
      ['early_repayment', '提前还款手续费'],
      ['service', '平台服务费'],
      ['guarantee', '担保费'],
      ['membership', '会员费'],
      ['insurance', '保险费'],
      ['late_penalty', '逾期罚息'],
    ]);
    expect(read('An early repayment fee, late fees, a membership fee; not a disservice.')).toEqual([
      ['early_repayment', 'early repayment fee'],
      ['late_penalty', 'late fee'],
      ['membership', 'membership fee'],
    ]);
  });

  it('reads loan and contract numbers', () => {
    const read = (t: string) => of(t, 'reference').map((f) => [f.of, f.value]);
    expect(read('借款合同编号：HT-2025-0042，借款编号为 JK20250312001')).toEqual([
      ['contract', 'HT-2025-0042'],
      ['loan', 'JK20250312001'],
    ]);
    expect(read('loan contract No. LC-88231 and loan #A7788')).toEqual([
      ['contract', 'LC-88231'],
      ['loan', 'A7788'],
    ]);
  });
});

describe('a whole complaint', () => {
  const complaint =
    '我于2025年3月12日在某平台借款12,000元（借款合同编号：HT-2025-0042），年化利率24%，另被收取平台服务费1,800元、' +
    '会员费两千五百元和担保费人民币600元。提前还款时又被收提前还款手续费叁佰元整。9月30日失业后逾期，产生罚息。';

  it('every fact spans exactly the text it was read from, in order', () => {
    const facts = extractFacts(complaint);
    expect(facts.length).toBeGreaterThanOrEqual(12);
    for (const f of facts) expect(complaint.slice(f.span.start, f.span.end)).toBe(f.span.text);
    const starts = facts.map((f) => f.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(facts.filter((f) => f.kind === 'amount').map((f) => (f as { cents: number }).cents)).toEqual([
      1_200_000, 180_000, 250_000, 60_000, 30_000,
    ]);
  });

  it('is deterministic', () => {
    expect(extractFacts(complaint)).toEqual(extractFacts(complaint));
  });
});
