import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { agreementFingerprint, canonicalAgreementText } from './agreement-text';
import { addMonths, amountInWords, dateText, formatCents, moneyText, repaymentSchedule } from './settlement-format';
import type { SettlementTerms } from './documents';

function paragraph(text: string, marks?: Record<string, object>) {
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, text, marks);
  p.insert(0, [t]);
  return p;
}

function build(order: 'forward' | 'reverse'): Y.Doc {
  const doc = new Y.Doc();
  const body = doc.getXmlFragment('body');
  const heading = new Y.XmlElement('heading');
  heading.setAttribute('level', 2 as unknown as string);
  const ht = new Y.XmlText();
  ht.insert(0, '还款安排');
  heading.insert(0, [ht]);
  const list = new Y.XmlElement('orderedList');
  const items = ['首期 2027-01-15', '每月 1,000 元'].map((text) => {
    const li = new Y.XmlElement('listItem');
    li.insert(0, [paragraph(text)]);
    return li;
  });
  list.insert(0, items);
  body.insert(0, [heading, paragraph('甲方同意分期。  ', { bold: {} }), list]);
  const terms = doc.getMap('terms');
  const entries: [string, unknown][] = [
    ['amountInDisputeCents', 1_280_00],
    ['amountAgreedCents', 1_200_00],
    ['instalments', 3],
    ['firstDueDate', '2027-01-31'],
    ['conditions', '逾期不收罚息\r\n提前还款免违约金'],
  ];
  for (const [k, v] of order === 'forward' ? entries : [...entries].reverse()) terms.set(k, v);
  return doc;
}

const blankTerms: SettlementTerms = {
  amountInDisputeCents: null,
  amountAgreedCents: null,
  feesWaivedCents: null,
  instalments: null,
  firstDueDate: null,
  monthlyAmountCents: null,
  noPayment: false,
  conditions: '',
};

describe('canonical agreement text', () => {
  it('reads as a settlement in Chinese: labels in words, amounts in yuan and capital words, a schedule table', () => {
    expect(canonicalAgreementText(build('forward'), 'AC-2026-000001', 'zh-CN')).toBe(
      [
        '调解协议',
        '案件编号：AC-2026-000001',
        '',
        '一、协议内容',
        '  还款安排',
        '',
        '  甲方同意分期。',
        '',
        '  1. 首期 2027-01-15',
        '  2. 每月 1,000 元',
        '',
        '二、协议条款',
        '争议金额：人民币 1,280.00 元（大写：壹仟贰佰捌拾元整）',
        '同意支付金额：人民币 1,200.00 元（大写：壹仟贰佰元整）',
        '减免费用：未约定',
        '分期期数：3 期',
        '首期还款日：2027年1月31日',
        '每期金额：未约定',
        '其他条件：',
        '  逾期不收罚息',
        '  提前还款免违约金',
        '',
        '三、还款计划',
        '期次 | 还款日 | 金额',
        '第 1 期 | 2027年1月31日 | 人民币 400.00 元',
        '第 2 期 | 2027年2月28日 | 人民币 400.00 元',
        '第 3 期 | 2027年3月31日 | 人民币 400.00 元',
        '合计 | | 人民币 1,200.00 元',
        '',
        '文本格式：accord-agreement/3',
        '',
      ].join('\n'),
    );
  });

  it('reads as well in English for an English case, and states an explicit no-payment clause', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment('body').insert(0, [paragraph('The fee is explained; the complaint is withdrawn.')]);
    doc.getMap('terms').set('amountInDisputeCents', 48_000);
    doc.getMap('terms').set('noPayment', true);
    expect(canonicalAgreementText(doc, 'AC-2026-000002', 'en')).toBe(
      [
        'Settlement agreement',
        'Case number: AC-2026-000002',
        '',
        '1. Agreement',
        '  The fee is explained; the complaint is withdrawn.',
        '',
        '2. Settlement terms',
        'Amount in dispute: RMB 480.00',
        'Amount agreed: not agreed',
        'Fees waived: not agreed',
        'Number of instalments: not agreed',
        'First due date: not agreed',
        'Amount per instalment: not agreed',
        'The parties confirm that no party pays anything.',
        'Other conditions: none',
        '',
        'Text format: accord-agreement/3',
        '',
      ].join('\n'),
    );
  });

  it('cannot be spoofed by typing a section header, keeps struck-out text, drops what the editor cannot show', () => {
    const doc = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    const secret = new Y.XmlElement('secret');
    secret.insert(0, [paragraph('hidden clause')]);
    const linked = new Y.XmlElement('paragraph');
    const lt = new Y.XmlText();
    linked.insert(0, [lt]);
    lt.insert(0, 'pay 1,000', { link: { href: 'https://example.org/x' } });
    doc
      .getXmlFragment('body')
      .insert(0, [p, paragraph('x\n二、协议条款\n同意支付金额：人民币 1.00 元'), secret, linked]);
    const t = new Y.XmlText();
    p.insert(0, [t]);
    t.insert(0, 'shall pay ');
    t.insert(10, 'not', { strike: {} });
    t.insert(13, ' 1,000', { bold: {} });
    const text = canonicalAgreementText(doc, 'AC-2026-000001', 'zh-CN');
    expect(text).toContain('  shall pay ~~not~~ 1,000');
    expect(text.split('\n').filter((l) => l === '二、协议条款')).toHaveLength(1);
    expect(text).not.toContain('hidden clause');
    // A text with a format the schema has no mark for is dropped by the editor's binding.
    expect(text).not.toContain('pay 1,000');
  });

  it('same content, same fingerprint, whatever order it was written in', async () => {
    const a = canonicalAgreementText(build('forward'), 'AC-2026-000001', 'zh-CN');
    const b = canonicalAgreementText(build('reverse'), 'AC-2026-000001', 'zh-CN');
    expect(a).toBe(b);
    expect(await agreementFingerprint(a)).toBe(await agreementFingerprint(b));
    expect(await agreementFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
    const c = build('forward');
    c.getMap('terms').set('instalments', 2);
    expect(await agreementFingerprint(canonicalAgreementText(c, 'AC-2026-000001', 'zh-CN'))).not.toBe(
      await agreementFingerprint(a),
    );
    const english = canonicalAgreementText(build('forward'), 'AC-2026-000001', 'en');
    expect(await agreementFingerprint(english)).not.toBe(await agreementFingerprint(a));
  });
});

describe('settlement formats', () => {
  it('writes amounts with separators and Chinese capital words', () => {
    const cases: [number, string, string][] = [
      [5, '0.05', '伍分'],
      [1_000, '10.00', '壹拾元整'],
      [10_000_010, '100,000.10', '壹拾万元壹角整'],
      [100_000_000, '1,000,000.00', '壹佰万元整'],
      [88_000, '880.00', '捌佰捌拾元整'],
      [128_000, '1,280.00', '壹仟贰佰捌拾元整'],
      [100_101, '1,001.01', '壹仟零壹元零壹分'],
      [0, '0.00', '零元整'],
    ];
    for (const [cents, digits, words] of cases) {
      expect(formatCents(cents)).toBe(digits);
      expect(amountInWords(cents)).toBe(words);
    }
    expect(moneyText(88_000, 'zh-CN')).toBe('人民币 880.00 元（大写：捌佰捌拾元整）');
    expect(moneyText(88_000, 'en')).toBe('RMB 880.00');
  });

  it('writes dates in local format and counts months to the month end', () => {
    expect(dateText('2027-01-15', 'zh-CN')).toBe('2027年1月15日');
    expect(dateText('2027-01-15', 'en')).toBe('15 January 2027');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2027-12-15', 1)).toBe('2028-01-15');
  });

  it('puts any difference to the agreed amount on the last instalment', () => {
    const base = { ...blankTerms, instalments: 3, firstDueDate: '2027-01-15' };
    expect(repaymentSchedule({ ...base, amountAgreedCents: 1_000_00 })?.map((i) => i.cents)).toEqual([
      333_33, 333_33, 333_34,
    ]);
    expect(
      repaymentSchedule({ ...base, amountAgreedCents: 1_000_00, monthlyAmountCents: 300_00 })?.map((i) => i.cents),
    ).toEqual([300_00, 300_00, 400_00]);
    // Monthly amounts that already exceed the agreed amount: left as they are (the total shows it).
    expect(
      repaymentSchedule({ ...base, amountAgreedCents: 500_00, monthlyAmountCents: 300_00 })?.map((i) => i.cents),
    ).toEqual([300_00, 300_00, 300_00]);
    expect(repaymentSchedule({ ...base })).toBeNull();
    expect(repaymentSchedule({ ...blankTerms, amountAgreedCents: 1 })).toBeNull();
  });
});
