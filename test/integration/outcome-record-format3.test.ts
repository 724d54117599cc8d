import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OutcomeRecord, verifyOutcome, type SealedOutcome } from '@accord/shared';
import { OutcomePdf } from '../../server/src/outcome/pdf';
import { recordFromPdf } from '../../server/src/outcome/pdf-record';
import { hardshipPlanRecord } from '../helpers/sealed-records';
import { makeTempDir } from '../helpers/server';

/**
 * The sealed record's negotiation content on paper (format 3): the repayment plan as a schedule table
 * after the signed text, each clause's consent history, the rounds and the hardship, in the case's
 * language; and records sealed before format 3 still verify and render as they did.
 */

const run = promisify(execFile);
const render = (sealed: SealedOutcome) => new OutcomePdf(() => 'https://accord.example').render(sealed);

/** The PDF's text as poppler lays it out (`pdftotext -layout`): table rows stay on one line. */
async function layoutText(pdf: Buffer): Promise<string> {
  const file = join(makeTempDir('accord-pdf-text-'), 'record.pdf');
  writeFileSync(file, pdf);
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout;
}

/** The lines after a heading up to the next blank-line-separated heading of the given list. */
function section(text: string, heading: string, next: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `no section "${heading}"`).toBeGreaterThan(-1);
  const end = text.indexOf(`\n${next}\n`, start + 1);
  expect(end, `no section "${next}" after "${heading}"`).toBeGreaterThan(start);
  return text.slice(start, end);
}

/** A table row of the PDF: its cells in order, separated by spaces of any width. */
const rowOf = (...cells: string[]) =>
  new RegExp(cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));

const FORMAT_2 = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/outcome/format-2.json'), 'utf8')) as {
  publicKey: string;
  sealed: SealedOutcome;
};

describe('a format 3 record on paper', () => {
  it('in Chinese: the schedule table with its totals and cost, consent clause by clause, rounds and hardship', async () => {
    const { sealed, publicKey } = await hardshipPlanRecord('zh-CN');
    expect(OutcomeRecord.parse(sealed.record).format).toBe('accord.outcome/3');
    const pdf = await render(sealed);
    const text = await layoutText(pdf);

    const table = section(text, '还款计划表', '签署');
    expect(table).toMatch(rowOf('还款方式', '等额本息'));
    expect(table).toMatch(rowOf('期次', '还款日', '本金', '利息', '费用', '应还金额', '剩余本金'));
    // Worked in shared/src/agreement-text.test.ts: the same figures as the signed text states.
    expect(table).toMatch(rowOf('第 1 期', '2027年4月15日', '1,993.92', '139.53', '0.00', '2,133.45', '10,150.51'));
    expect(table).toMatch(rowOf('第 6 期', '2027年9月15日', '2,054.46', '79.03', '0.00', '2,133.49', '0.00'));
    expect(table.match(/^第 \d 期/gm)).toHaveLength(6);
    expect(table).toMatch(rowOf('合计', '12,144.43', '656.31', '0.00', '12,800.74'));
    expect(table).toMatch(rowOf('综合年化成本（IRR 法）', '名义年化 14.22%，实际年化 15.19%'));
    // After the signed text, which states the same plan.
    expect(text.indexOf('还款计划表')).toBeGreaterThan(text.indexOf('文本格式：accord-agreement/3'));

    const consent = section(text, '逐条确认记录', '协商轮次');
    const clauses = consent.split(/\n(?=第 ?\d ?条\n)/).slice(1);
    expect(clauses).toHaveLength(3);
    expect(clauses[0]).toMatch(rowOf('提出人', '调解员 张**'));
    expect(clauses[0]).toMatch(rowOf('申请人 王**', '同意'));
    expect(clauses[0]).toContain('2027年1月15日 09:10:00');
    expect(clauses[1]).toMatch(rowOf('提出人', '申请人 王**'));
    expect(clauses[1]).toMatch(rowOf('平台方 李*', '异议：利息只能减免一半（针对修改前的文本）'));
    expect(clauses[1]).toContain('2027年1月15日 09:20:00');
    expect(clauses[2]).toMatch(rowOf('提出人', '协议条款（无单一提出人）'));
    // Only the consent given to an earlier text is marked so.
    expect(consent.match(/针对修改前的文本/g)).toHaveLength(1);
    expect(consent).toContain('北京时间（UTC+8）');

    const rounds = section(text, '协商轮次', '困难情况');
    expect(rounds).toMatch(rowOf('1', '2027年1月15日 09:21:00', '1'.repeat(64)));
    expect(rounds).toMatch(rowOf('2', '2027年1月15日 09:45:00', sealed.record.agreement?.fingerprint ?? 'none'));

    const hardship = section(text, '困难情况', '核验信息');
    expect(hardship).toMatch(rowOf('困难类型', '失业'));
    expect(hardship).toMatch(rowOf('申报时间', '2027年1月10日 10:30:00 北京时间（UTC+8）'));
    expect(hardship).toMatch(rowOf('解除劳动合同证明.pdf', 'f'.repeat(64)));
    expect(hardship).toMatch(rowOf('bank-statement.png', `${'0'.repeat(63)}1`));

    // Words only: no value of the record's enums, no ISO time.
    for (const raw of ['job_loss', 'equal_instalment', 'objected', 'agreed', 'customer', 'T01:', '.000Z']) {
      expect(text, raw).not.toContain(raw);
    }
    // The PDF still carries the record, which verifies.
    const read = await recordFromPdf(pdf);
    if (!read.ok) throw new Error(read.problem);
    expect(read.sealed).toEqual(sealed);
    expect(await verifyOutcome(read.sealed, publicKey)).toMatchObject({ ok: true, problems: [] });
    // One record, one document.
    expect((await render(sealed)).equals(pdf)).toBe(true);
  });

  it('in English, with the same figures', async () => {
    const { sealed } = await hardshipPlanRecord('en');
    const text = await layoutText(await render(sealed));
    const table = section(text, 'Repayment schedule', 'Signatures');
    expect(table).toMatch(rowOf('Plan', 'Equal instalments (principal and interest)'));
    expect(table).toMatch(rowOf('1', '15 April 2027', '1,993.92', '139.53', '0.00', '2,133.45', '10,150.51'));
    expect(table).toMatch(rowOf('6', '15 September 2027', '2,054.46', '79.03', '0.00', '2,133.49', '0.00'));
    expect(table).toMatch(rowOf('Total', '12,144.43', '656.31', '0.00', '12,800.74'));
    expect(table).toMatch(rowOf('Annualised cost (IRR)', '14.22% nominal, 15.19% effective'));

    const consent = section(text, 'Consent, clause by clause', 'Negotiation rounds');
    expect(consent).toMatch(/Clause 1\n/);
    expect(consent).toMatch(rowOf('Proposed by', 'Mediator 张**'));
    expect(consent).toMatch(rowOf('Platform 李*', 'objected: only half the interest (given to an earlier text)'));
    expect(consent).toMatch(rowOf('Proposed by', 'the settlement terms (no single proposer)'));
    expect(consent).toContain('15 January 2027 at 09:26:00');
    expect(section(text, 'Negotiation rounds', 'Hardship')).toMatch(rowOf('1', '15 January 2027 at 09:21:00'));
    expect(section(text, 'Hardship', 'Verification data')).toMatch(rowOf('Kind', 'Job loss'));
    expect(text).not.toMatch(/[还款计划表逐条确认]/);
  });

  it('a plan above a cost cap is flagged under the table', async () => {
    const { sealed } = await hardshipPlanRecord('en');
    const terms = { ...sealed.record.terms!, planRateBp: 4000 };
    // Rendering does not verify: the pages show what the record says.
    const text = await layoutText(await render({ ...sealed, record: { ...sealed.record, terms } }));
    const table = section(text, 'Repayment schedule', 'Signatures');
    expect(table).toContain('above the 24% cap on the comprehensive financing cost');
    expect(table).toContain('above the 36% cap on the comprehensive financing cost');
  });

  it('a record whose plan is incomplete, or without plan or negotiation fields, has none of these sections', async () => {
    const { sealed } = await hardshipPlanRecord('zh-CN');
    const { clauses: _c, rounds: _r, hardship: _h, ...bare } = sealed.record;
    const terms = { ...bare.terms!, planStartDate: null };
    const text = await layoutText(await render({ ...sealed, record: { ...bare, terms } }));
    for (const heading of ['还款计划表', '逐条确认记录', '协商轮次', '困难情况']) expect(text).not.toContain(heading);
  });
});

describe('a format 2 record (sealed before clause consent, rounds and hardship)', () => {
  it('still verifies against its key, and fails when altered', async () => {
    expect(FORMAT_2.sealed.record.format).toBe('accord.outcome/2');
    expect(FORMAT_2.sealed.record.agreement?.text).toContain('文本格式：accord-agreement/2');
    expect(await verifyOutcome(FORMAT_2.sealed, FORMAT_2.publicKey)).toMatchObject({ ok: true, codes: [] });
    const altered = structuredClone(FORMAT_2.sealed);
    altered.record.signatures.pop();
    expect((await verifyOutcome(altered, FORMAT_2.publicKey)).codes).toEqual(['altered']);
    // Adding format 3 fields to an old record is an alteration too.
    const grown = structuredClone(FORMAT_2.sealed);
    grown.record.rounds = [];
    expect((await verifyOutcome(grown, FORMAT_2.publicKey)).codes).toEqual(['altered']);
  });

  it('renders as before: its text, signatures and verification data, no new sections', async () => {
    const pdf = await render(FORMAT_2.sealed);
    const text = await layoutText(pdf);
    expect(text).toContain('平台退还服务费480元，王女士撤回投诉。');
    expect(text).toMatch(rowOf('申请人', '王**'));
    expect(text).toContain(FORMAT_2.sealed.record.agreement?.fingerprint ?? 'none');
    for (const heading of ['还款计划表', '逐条确认记录', '协商轮次', '困难情况']) expect(text).not.toContain(heading);
    const read = await recordFromPdf(pdf);
    if (!read.ok) throw new Error(read.problem);
    expect(await verifyOutcome(read.sealed, FORMAT_2.publicKey)).toMatchObject({ ok: true });
  });
});
