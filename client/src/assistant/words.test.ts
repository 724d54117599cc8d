import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '@accord/shared';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { centsToYuan, confidenceWords, factWords, percentWords, segments, yuanToCents } from './words';

const span = { start: 0, end: 1, text: 'x' };

describe('the assistant in plain words', () => {
  const zh = i18next.createInstance();
  const english = i18next.createInstance();
  beforeAll(async () => {
    await zh.init({
      lng: 'zh-CN',
      resources: { 'zh-CN': { translation: zhCN } },
      interpolation: { escapeValue: false },
    });
    await english.init({
      lng: 'en',
      resources: { en: { translation: en } },
      interpolation: { escapeValue: false },
      showSupportNotice: false,
    });
  });

  it('writes each kind of fact as a person reads it, in each language', () => {
    const facts: Fact[] = [
      { kind: 'amount', cents: 123_400, span },
      { kind: 'date', date: '2026-09-30', span },
      { kind: 'rate', period: 'annual', percent: 24, span },
      { kind: 'rate', period: 'daily', percent: 0.05, span },
      { kind: 'fee', fee: 'early_repayment', span },
      { kind: 'reference', of: 'contract', value: 'HT-2025-0042', span },
    ];
    expect(facts.map((f) => factWords(zh.t, f, 'zh-CN'))).toEqual([
      '人民币 1,234.00 元',
      '2026年9月30日',
      '年化 24%',
      '日息 0.05%',
      '提前还款违约金',
      '合同编号 HT-2025-0042',
    ]);
    expect(facts.map((f) => factWords(english.t, f, 'en'))).toEqual([
      'RMB 1,234.00',
      '30 September 2026',
      '24% a year',
      '0.05% a day',
      'early-repayment fee',
      'Contract number HT-2025-0042',
    ]);
  });

  it('says how sure the classifier is, never 100 % or 0 %', () => {
    expect(confidenceWords(zh.t, 0.9999)).toBe('把握较大（约 99%）');
    expect(confidenceWords(zh.t, 0.62)).toBe('有一定把握（约 62%）');
    expect(confidenceWords(english.t, 0.001)).toBe('unsure (about 1%)');
  });

  it('cuts the text at the spans, leaving an overlapping span unmarked', () => {
    const at = (start: number, end: number) => ({ span: { start, end } });
    expect(segments([at(2, 4), at(3, 6), at(7, 9)], 0, 10)).toEqual([
      { start: 0, end: 2, fact: null },
      { start: 2, end: 4, fact: 0 },
      { start: 4, end: 7, fact: null },
      { start: 7, end: 9, fact: 2 },
      { start: 9, end: 10, fact: null },
    ]);
    // A span of the other part of the complaint is not cut into this one.
    expect(segments([at(2, 4)], 5, 8)).toEqual([{ start: 5, end: 8, fact: null }]);
  });

  it('reads yuan typed by the mediator exactly, and writes cents back as yuan', () => {
    expect(yuanToCents('1,234.5')).toBe(123_450);
    expect(yuanToCents('900')).toBe(90_000);
    expect(yuanToCents('0.07')).toBe(7);
    expect(yuanToCents('1.234')).toBeNull();
    expect(yuanToCents('-5')).toBeNull();
    expect(centsToYuan(123_405)).toBe('1234.05');
    expect(percentWords(24)).toBe('24');
    expect(percentWords(0.0500001)).toBe('0.05');
  });
});
