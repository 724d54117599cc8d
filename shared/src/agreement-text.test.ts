import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  TERMS_CLAUSE_ID,
  agreementClauses,
  agreementFingerprint,
  canonicalAgreementText,
  hashedClauses,
  sha256Hex,
} from './agreement-text';
import { computePlan, termsPlan } from './repayment';
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

/** A document with these body paragraphs and terms (the terms written in the order given). */
function docWith(paragraphs: string[], terms: Record<string, unknown>): Y.Doc {
  const doc = new Y.Doc();
  doc.getXmlFragment('body').insert(
    0,
    paragraphs.map((text) => paragraph(text)),
  );
  const map = doc.getMap('terms');
  for (const [k, v] of Object.entries(terms)) map.set(k, v);
  return doc;
}

/** The lines of the canonical text from its plan section's heading to the end of that section. */
function planSection(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  expect(start, `no "${heading}" in the text`).toBeGreaterThan(-1);
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

/** A borrower who lost her job: 等额本息 at 7.2 %, two months' holiday, part of the interest and all fees waived. */
const HARDSHIP_TERMS = {
  amountInDisputeCents: 1_290_000,
  planKind: 'equal_instalment',
  planPrincipalCents: 1_200_000,
  planInterestCents: 60_000,
  planFeesCents: 30_000,
  planRateBp: 720,
  planHolidayMonths: 2,
  planStartDate: '2027-01-15',
  instalments: 6,
  firstDueDate: '2027-04-15',
  planWaiveInterestCents: 20_000,
  planWaiveFeesCents: 30_000,
};

describe('the repayment plan in the canonical text', () => {
  it('states a hardship plan in Chinese: what it restructures, the waivers, the holiday, the exact schedule and its cost', () => {
    const text = canonicalAgreementText(
      docWith(['因失业，双方同意分期还款。'], HARDSHIP_TERMS),
      'AC-2027-000018',
      'zh-CN',
    );
    // Worked by hand: the holiday adds 12,000.00 × 0.6 % = 72.00, then 12,072.00 × 0.6 % = 72.43 (half up);
    // the 400.00 of interest left after the waiver is 66.66 a month, the last taking 66.70; the level
    // payment on 12,144.43 over 6 months at 0.6 % is 2,066.79; the last instalment takes what remains.
    expect(planSection(text, '三、还款计划')).toEqual([
      '三、还款计划',
      '还款方式：等额本息',
      '剩余本金：人民币 12,000.00 元',
      '已产生未付利息：人民币 600.00 元（减免 人民币 200.00 元）',
      '已产生费用：人民币 300.00 元（减免 人民币 300.00 元）',
      '年利率（单利，按月计）：7.20%',
      '还款宽限期：2 个月（其间利息 144.43 元计入本金）',
      '计划起始日：2027年1月15日',
      '金额单位：人民币元。每月利息按剩余本金计算，四舍五入至分；已产生的利息和费用按期数均分，舍去分以下金额；尾差计入最后一期。',
      '期次 | 还款日 | 本金 | 利息 | 费用 | 应还金额 | 剩余本金',
      '第 1 期 | 2027年4月15日 | 1,993.92 | 139.53 | 0.00 | 2,133.45 | 10,150.51',
      '第 2 期 | 2027年5月15日 | 2,005.89 | 127.56 | 0.00 | 2,133.45 | 8,144.62',
      '第 3 期 | 2027年6月15日 | 2,017.92 | 115.53 | 0.00 | 2,133.45 | 6,126.70',
      '第 4 期 | 2027年7月15日 | 2,030.03 | 103.42 | 0.00 | 2,133.45 | 4,096.67',
      '第 5 期 | 2027年8月15日 | 2,042.21 | 91.24 | 0.00 | 2,133.45 | 2,054.46',
      '第 6 期 | 2027年9月15日 | 2,054.46 | 79.03 | 0.00 | 2,133.49 | 0.00',
      '合计 |  | 12,144.43 | 656.31 | 0.00 | 12,800.74 |',
      '综合年化成本（IRR 法）：名义年化 14.22%，实际年化 15.19%',
    ]);
    // The plan replaces the simple schedule: one schedule, after the terms, before the format line.
    expect(text.split('\n').filter((l) => l.startsWith('期次'))).toHaveLength(1);
    expect(text).toMatch(/综合年化成本[^\n]*\n\n文本格式：accord-agreement\/3\n$/);
  });

  it('states the same plan in English, with the same figures', () => {
    const zh = canonicalAgreementText(docWith([], HARDSHIP_TERMS), 'AC-2027-000018', 'zh-CN');
    const en = canonicalAgreementText(docWith([], HARDSHIP_TERMS), 'AC-2027-000018', 'en');
    const section = planSection(en, '3. Repayment plan');
    expect(section.slice(0, 10)).toEqual([
      '3. Repayment plan',
      'Plan: equal instalments (principal and interest)',
      'Principal outstanding: RMB 12,000.00',
      'Interest accrued and unpaid: RMB 600.00 (waived: RMB 200.00)',
      'Fees accrued: RMB 300.00 (waived: RMB 300.00)',
      'Annual rate (simple, monthly): 7.20%',
      'Payment holiday: 2 months (interest of 144.43 added to the principal)',
      'Plan starts: 15 January 2027',
      'Amounts in RMB. Monthly interest is charged on the principal remaining, rounded to the nearest cent; interest and fees already accrued are shared equally over the instalments, rounded down to the cent; the last instalment takes every remainder.',
      'Instalment | Due date | Principal | Interest | Fees | Payment | Principal remaining',
    ]);
    expect(section[10]).toBe('1 | 15 April 2027 | 1,993.92 | 139.53 | 0.00 | 2,133.45 | 10,150.51');
    expect(section.at(-2)).toBe('Total |  | 12,144.43 | 656.31 | 0.00 | 12,800.74 |');
    expect(section.at(-1)).toBe('Annualised cost (IRR method): 14.22% nominal, 15.19% effective');
    // The figures are the language's only difference: every amount column reads the same.
    const figures = (lines: string[]) =>
      lines.filter((l) => /^(第 )?\d+ |^合计|^Total/.test(l)).map((l) => l.split(' | ').slice(2));
    expect(figures(section)).toHaveLength(7);
    expect(figures(section)).toEqual(figures(planSection(zh, '三、还款计划')));
  });

  it('an interest-free plan has no rate line and costs nothing (never "-0.00%")', () => {
    const text = canonicalAgreementText(
      docWith([], {
        planKind: 'interest_free',
        planPrincipalCents: 100_001,
        // A rate typed before the kind was switched: an interest-free plan ignores it.
        planRateBp: 1500,
        planStartDate: '2027-01-31',
        instalments: 3,
        firstDueDate: '2027-02-28',
      }),
      'AC-2027-000019',
      'en',
    );
    expect(planSection(text, '3. Repayment plan')).toEqual([
      '3. Repayment plan',
      'Plan: interest-free instalments',
      'Principal outstanding: RMB 1,000.01',
      'Interest accrued and unpaid: RMB 0.00',
      'Fees accrued: RMB 0.00',
      'Plan starts: 31 January 2027',
      'Amounts in RMB. Monthly interest is charged on the principal remaining, rounded to the nearest cent; interest and fees already accrued are shared equally over the instalments, rounded down to the cent; the last instalment takes every remainder.',
      'Instalment | Due date | Principal | Interest | Fees | Payment | Principal remaining',
      '1 | 28 February 2027 | 333.33 | 0.00 | 0.00 | 333.33 | 666.68',
      '2 | 28 March 2027 | 333.33 | 0.00 | 0.00 | 333.33 | 333.35',
      '3 | 28 April 2027 | 333.35 | 0.00 | 0.00 | 333.35 | 0.00',
      'Total |  | 1,000.01 | 0.00 | 0.00 | 1,000.01 |',
      'Annualised cost (IRR method): 0.00% nominal, 0.00% effective',
    ]);
  });

  it('an incomplete plan says so, with no schedule, and the simple schedule does not stand in for it', () => {
    const terms = { planKind: 'equal_principal', planPrincipalCents: 1_200_000, amountAgreedCents: 1_200_000 };
    const withDates = { ...terms, instalments: 3, firstDueDate: '2027-02-15' };
    for (const [t, lang, heading, note] of [
      [terms, 'en', '3. Repayment plan', 'The repayment plan is incomplete and cannot be signed.'],
      [withDates, 'zh-CN', '三、还款计划', '还款计划尚未完整，不能据此签署。'],
    ] as const) {
      const text = canonicalAgreementText(docWith([], t), 'AC-2027-000020', lang);
      expect(planSection(text, heading)).toEqual([heading, note]);
      expect(text).not.toMatch(/\| /);
    }
  });

  it('flags a cost above each cap, on lines of their own', () => {
    const plan = (rateBp: number) => ({
      planKind: 'equal_principal',
      planPrincipalCents: 1_200_000,
      planRateBp: rateBp,
      planStartDate: '2027-01-15',
      instalments: 3,
      firstDueDate: '2027-02-15',
    });
    const tail = (rateBp: number, lang: 'zh-CN' | 'en') =>
      planSection(
        canonicalAgreementText(docWith([], plan(rateBp)), 'AC-2027-000021', lang),
        lang === 'en' ? '3. Repayment plan' : '三、还款计划',
      ).slice(-3);
    // At the cap exactly: not above it.
    expect(tail(2400, 'en')).toEqual([
      '3 | 15 April 2027 | 4,000.00 | 80.00 | 0.00 | 4,080.00 | 0.00',
      'Total |  | 12,000.00 | 480.00 | 0.00 | 12,480.00 |',
      'Annualised cost (IRR method): 24.00% nominal, 26.82% effective',
    ]);
    expect(tail(3000, 'en').slice(-2)).toEqual([
      'Annualised cost (IRR method): 30.00% nominal, 34.49% effective',
      '  above the 24% cap on the comprehensive financing cost',
    ]);
    expect(tail(4000, 'zh-CN')).toEqual([
      '综合年化成本（IRR 法）：名义年化 40.00%，实际年化 48.21%',
      '  超过 24% 的综合融资成本上限',
      '  超过 36% 的综合融资成本上限',
    ]);
  });

  it('the Total row is the sum of the rows, column by column', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const text = canonicalAgreementText(docWith([], HARDSHIP_TERMS), 'AC-2027-000018', lang);
      const rows = text
        .split('\n')
        .filter((l) => /^(第 \d+ 期|\d+|合计|Total) \| /.test(l))
        .map((l) => l.split('|').map((c) => c.trim()));
      const total = rows.pop() ?? [];
      const cents = (cell: string) => Math.round(Number(cell.replace(/,/g, '')) * 100);
      expect(rows).toHaveLength(6);
      for (const col of [2, 3, 4, 5]) {
        expect(rows.reduce((s, r) => s + cents(r[col] ?? 'NaN'), 0)).toBe(cents(total[col] ?? 'NaN'));
      }
      // Each row's payment is its principal, interest and fees.
      for (const r of rows) expect(cents(r[5] ?? '')).toBe(cents(r[2] ?? '') + cents(r[3] ?? '') + cents(r[4] ?? ''));
    }
  });

  it('is the same text whatever order the plan was typed in, and changes with any input', async () => {
    const forward = docWith(['同意'], HARDSHIP_TERMS);
    const reverse = docWith(['同意'], Object.fromEntries(Object.entries(HARDSHIP_TERMS).reverse()));
    const a = canonicalAgreementText(forward, 'AC-2027-000018', 'zh-CN');
    expect(canonicalAgreementText(reverse, 'AC-2027-000018', 'zh-CN')).toBe(a);
    expect(canonicalAgreementText(forward, 'AC-2027-000018', 'zh-CN')).toBe(a);
    for (const [key, value] of [
      ['planRateBp', 721],
      ['planHolidayMonths', 1],
      ['planWaiveFeesCents', 29_999],
      ['planKind', 'equal_principal'],
    ] as const) {
      const changed = docWith(['同意'], { ...HARDSHIP_TERMS, [key]: value });
      expect(await agreementFingerprint(canonicalAgreementText(changed, 'AC-2027-000018', 'zh-CN')), key).not.toBe(
        await agreementFingerprint(a),
      );
    }
  });
});

describe('the clauses of an agreement', () => {
  it('one clause per block that shows text, in order, then the terms clause last', () => {
    const doc = docWith(['甲方同意分期。', '   ', '乙方减免费用。'], { amountAgreedCents: 100_000 });
    const hidden = new Y.XmlElement('secret');
    hidden.insert(0, [paragraph('not shown')]);
    doc.getXmlFragment('body').insert(1, [new Y.XmlElement('paragraph'), hidden]);
    const clauses = agreementClauses(doc, 'zh-CN');
    expect(clauses.map((c) => [c.number, c.kind, c.text.split('\n')[0]])).toEqual([
      [1, 'text', '甲方同意分期。'],
      [2, 'text', '乙方减免费用。'],
      [3, 'terms', '二、协议条款'],
    ]);
    expect(clauses.at(-1)).toMatchObject({ id: TERMS_CLAUSE_ID, client: null });
    expect(clauses[0]?.id).toMatch(/^\d+\.\d+$/);
    expect(clauses[0]?.client).toBe(doc.clientID);
    // The terms clause is the terms section of the canonical text, plan included.
    const planned = docWith(['x'], HARDSHIP_TERMS);
    const terms = agreementClauses(planned, 'en').at(-1)?.text ?? '';
    expect(terms.startsWith('2. Settlement terms\n')).toBe(true);
    expect(terms.endsWith('Annualised cost (IRR method): 14.22% nominal, 15.19% effective')).toBe(true);
    expect(canonicalAgreementText(planned, 'AC-1', 'en')).toContain(terms);
  });

  it('keeps a clause’s id when text inside it is edited, on every replica; a new block is a new clause', async () => {
    const doc = docWith(['甲方同意分期。', '乙方减免费用。'], {});
    const before = await hashedClauses(doc, 'zh-CN');
    const first = doc.getXmlFragment('body').get(0) as Y.XmlElement;
    (first.get(0) as Y.XmlText).insert(2, '不');
    const after = await hashedClauses(doc, 'zh-CN');
    expect(after.map((c) => c.id)).toEqual(before.map((c) => c.id));
    expect(after[0]?.text).toBe('甲方不同意分期。');
    expect(after[0]?.hash).not.toBe(before[0]?.hash);
    expect(after[1]?.hash).toBe(before[1]?.hash);
    expect(after[2]?.hash).toBe(before[2]?.hash);

    // Another replica, written by another client, sees the same ids.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    expect((await hashedClauses(replica, 'zh-CN')).map((c) => [c.id, c.hash])).toEqual(
      after.map((c) => [c.id, c.hash]),
    );
    replica.getXmlFragment('body').insert(1, [paragraph('丙方见证。')]);
    const grown = agreementClauses(replica, 'zh-CN');
    expect(grown.map((c) => c.number)).toEqual([1, 2, 3, 4]);
    expect(grown[1]?.id).not.toBe(after[0]?.id);
    expect(grown[1]?.id).not.toBe(after[1]?.id);
    expect(grown[1]?.client).toBe(replica.clientID);
    expect([grown[0]?.id, grown[2]?.id, grown[3]?.id]).toEqual(after.map((c) => c.id));
  });

  it('hashes each clause’s text; the terms clause’s hash moves with the terms and the language', async () => {
    const doc = docWith(['甲方同意分期。'], { amountAgreedCents: 100_000 });
    const clauses = await hashedClauses(doc, 'zh-CN');
    for (const c of clauses) expect(c.hash).toBe(await sha256Hex(c.text));
    doc.getMap('terms').set('amountAgreedCents', 100_001);
    const moved = await hashedClauses(doc, 'zh-CN');
    expect(moved[0]?.hash).toBe(clauses[0]?.hash);
    expect(moved[1]?.hash).not.toBe(clauses[1]?.hash);
    expect((await hashedClauses(doc, 'en'))[1]?.hash).not.toBe(moved[1]?.hash);
  });

  it('an empty agreement has the terms clause alone', () => {
    expect(agreementClauses(new Y.Doc(), 'en').map((c) => [c.number, c.id])).toEqual([[1, TERMS_CLAUSE_ID]]);
  });

  it('the plan in the terms clause is the one computePlan gives', () => {
    const doc = docWith([], HARDSHIP_TERMS);
    const plan = termsPlan({ ...blankTerms, ...(HARDSHIP_TERMS as Partial<SettlementTerms>) });
    if (plan.state !== 'ready') throw new Error('the hardship plan is complete');
    const payments = computePlan(plan.input).rows.map((r) => formatCents(r.paymentCents));
    const text = agreementClauses(doc, 'en').at(-1)?.text ?? '';
    const rows = text.split('\n').filter((l) => /^\d+ \| /.test(l));
    expect(rows.map((l) => l.split(' | ')[5])).toEqual(payments);
  });
});
