import * as Y from 'yjs';
import { AgreementDoc, SettlementTerms } from './documents';
import { isAgreementMark } from './agreement-schema';
import type { CaseLanguage } from './ids';
import { dateText, formatCents, moneyShort, moneyText, percentText, repaymentSchedule } from './settlement-format';
import { computePlan, termsPlan, type Plan } from './repayment';
import type { PlanKind } from './plan-kind';
import { sha256Hex } from './hash';
import { TERMS_CLAUSE_ID } from './clause-id';

export { sha256Hex, TERMS_CLAUSE_ID };

/**
 * The canonical text of an agreement: what is frozen, shown, signed and sealed. It reads as a
 * settlement in the case's language (labels in words, amounts in yuan with their Chinese capital
 * words, dates written out, the repayment schedule as a table) and is deterministic from the
 * document's content and the case's number and language alone (the same on server and browser).
 *
 * The body is rendered from what the editor shows (see `shared/src/agreement-schema.ts`): the
 * schema's elements only, each as the editor's Yjs binding would build it (an element or a text it
 * cannot build, it drops, and so does this). Inline formatting is dropped except strike-through,
 * which changes what a text says. Text is Unicode NFC with "\n" line ends and no trailing spaces.
 * docs/PROTOCOL.md ("Canonical agreement text") gives the layout and the structural markers.
 */
export const CANONICAL_VERSION = 'accord-agreement/3';

const TERM_ORDER: readonly (keyof SettlementTerms)[] = [
  'amountInDisputeCents',
  'amountAgreedCents',
  'feesWaivedCents',
  'instalments',
  'firstDueDate',
  'monthlyAmountCents',
  'noPayment',
  'conditions',
  'planKind',
  'planPrincipalCents',
  'planInterestCents',
  'planFeesCents',
  'planRateBp',
  'planHolidayMonths',
  'planStartDate',
  'planWaiveInterestCents',
  'planWaiveFeesCents',
];

/** The words of the canonical text in each language. */
const WORDS = {
  'zh-CN': {
    title: '调解协议',
    caseNumber: '案件编号：',
    body: '一、协议内容',
    emptyBody: '（无）',
    terms: '二、协议条款',
    schedule: '三、还款计划',
    amountInDisputeCents: '争议金额：',
    amountAgreedCents: '同意支付金额：',
    feesWaivedCents: '减免费用：',
    instalments: '分期期数：',
    instalmentCount: (n: number) => `${n} 期`,
    firstDueDate: '首期还款日：',
    monthlyAmountCents: '每期金额：',
    noPayment: '各方确认：任何一方均无需支付任何款项。',
    conditions: '其他条件：',
    none: '无',
    unset: '未约定',
    tableHead: '期次 | 还款日 | 金额',
    row: (n: number) => `第 ${n} 期`,
    total: '合计',
    format: '文本格式：',
    plan: '三、还款计划',
    planKind: '还款方式：',
    kinds: { equal_instalment: '等额本息', equal_principal: '等额本金', interest_free: '免息分期' } as Record<
      PlanKind,
      string
    >,
    principal: '剩余本金：',
    accrued: '已产生未付利息：',
    fees: '已产生费用：',
    waived: '（减免 ',
    waivedEnd: '）',
    rate: '年利率（单利，按月计）：',
    holiday: '还款宽限期：',
    holidayMonths: (n: number, cents: string) => `${n} 个月（其间利息 ${cents} 元计入本金）`,
    start: '计划起始日：',
    // The rounding rule of `computePlan` as the signed text states it (every kind of plan).
    unitNote:
      '金额单位：人民币元。每月利息按剩余本金计算，四舍五入至分；已产生的利息和费用按期数均分，舍去分以下金额；尾差计入最后一期。',
    planHead: '期次 | 还款日 | 本金 | 利息 | 费用 | 应还金额 | 剩余本金',
    cost: '综合年化成本（IRR 法）：',
    costValue: (nominal: string, effective: string) => `名义年化 ${nominal}%，实际年化 ${effective}%`,
    costNone: '无',
    overCap: (cap: number) => `超过 ${cap}% 的综合融资成本上限`,
    planIncomplete: '还款计划尚未完整，不能据此签署。',
    cites: (name: string) => `（见证据：${name}）`,
  },
  en: {
    title: 'Settlement agreement',
    caseNumber: 'Case number: ',
    body: '1. Agreement',
    emptyBody: '(none)',
    terms: '2. Settlement terms',
    schedule: '3. Repayment schedule',
    amountInDisputeCents: 'Amount in dispute: ',
    amountAgreedCents: 'Amount agreed: ',
    feesWaivedCents: 'Fees waived: ',
    instalments: 'Number of instalments: ',
    instalmentCount: (n: number) => `${n}`,
    firstDueDate: 'First due date: ',
    monthlyAmountCents: 'Amount per instalment: ',
    noPayment: 'The parties confirm that no party pays anything.',
    conditions: 'Other conditions: ',
    none: 'none',
    unset: 'not agreed',
    tableHead: 'Instalment | Due date | Amount',
    row: (n: number) => `${n}`,
    total: 'Total',
    format: 'Text format: ',
    plan: '3. Repayment plan',
    planKind: 'Plan: ',
    kinds: {
      equal_instalment: 'equal instalments (principal and interest)',
      equal_principal: 'equal principal',
      interest_free: 'interest-free instalments',
    } as Record<PlanKind, string>,
    principal: 'Principal outstanding: ',
    accrued: 'Interest accrued and unpaid: ',
    fees: 'Fees accrued: ',
    waived: ' (waived: ',
    waivedEnd: ')',
    rate: 'Annual rate (simple, monthly): ',
    holiday: 'Payment holiday: ',
    holidayMonths: (n: number, cents: string) =>
      `${n} month${n === 1 ? '' : 's'} (interest of ${cents} added to the principal)`,
    start: 'Plan starts: ',
    unitNote:
      'Amounts in RMB. Monthly interest is charged on the principal remaining, rounded to the nearest cent; interest and fees already accrued are shared equally over the instalments, rounded down to the cent; the last instalment takes every remainder.',
    planHead: 'Instalment | Due date | Principal | Interest | Fees | Payment | Principal remaining',
    cost: 'Annualised cost (IRR method): ',
    costValue: (nominal: string, effective: string) => `${nominal}% nominal, ${effective}% effective`,
    costNone: 'none',
    overCap: (cap: number) => `above the ${cap}% cap on the comprehensive financing cost`,
    planIncomplete: 'The repayment plan is incomplete and cannot be signed.',
    cites: (name: string) => `(see evidence: ${name})`,
  },
} as const;

type Child = Y.XmlElement | Y.XmlText;
const childrenOf = (node: Y.XmlElement | Y.XmlFragment) => node.toArray() as Child[];

/**
 * The text of a Y.XmlText as the editor shows it, or null where the editor would drop it (an embed
 * or a format that is no mark of the schema: its Yjs binding cannot build the text, and deletes it).
 */
function textOf(node: Y.XmlText): string | null {
  const parts: string[] = [];
  for (const d of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof d.insert !== 'string') return null;
    const marks = Object.keys(d.attributes ?? {});
    if (!marks.every(isAgreementMark)) return null;
    parts.push(marks.includes('strike') ? `~~${d.insert}~~` : d.insert);
  }
  return parts.join('');
}

/**
 * Inline content of a textblock: its texts, `hardBreak` as a line break, an `evidenceRef` as the
 * words citing the item in the case's language; anything else dropped.
 */
function inline(node: Y.XmlElement, language: CaseLanguage): string {
  return childrenOf(node)
    .map((c) => {
      if (c instanceof Y.XmlText) return textOf(c) ?? '';
      if (c.nodeName === 'hardBreak') return '\n';
      if (c.nodeName === 'evidenceRef') return evidenceRefText(c, language);
      return '';
    })
    .join('');
}

/** A citation as the canonical text reads it; one without a name (the editor cannot build it) is dropped. */
function evidenceRefText(node: Y.XmlElement, language: CaseLanguage): string {
  const name = node.getAttribute('name') as unknown;
  if (typeof name !== 'string' || name.trim() === '') return '';
  // On one line: a name cannot break the layout of the text.
  return WORDS[language].cites(name.replace(/\s+/gu, ' ').trim());
}

function indent(text: string, prefix: string, first = prefix): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first : prefix) + line)
    .join('\n');
}

/** A block of the body; text outside a textblock and elements outside the schema are not shown. */
function block(node: Child, language: CaseLanguage): string {
  if (node instanceof Y.XmlText) return '';
  switch (node.nodeName) {
    case 'paragraph':
    case 'heading':
      return inline(node, language);
    case 'bulletList':
      return childrenOf(node)
        .map((item) => indent(block(item, language), '  ', '• '))
        .join('\n');
    case 'orderedList': {
      const start = Number(node.getAttribute('start') ?? 1);
      return childrenOf(node)
        .map((item, i) => {
          const marker = `${Number.isSafeInteger(start) ? start + i : i + 1}. `;
          return indent(block(item, language), ' '.repeat(marker.length), marker);
        })
        .join('\n');
    }
    case 'listItem':
      return childrenOf(node)
        .map((child) => block(child, language))
        .filter((b) => b.length > 0)
        .join('\n');
    default:
      return '';
  }
}

function normalise(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/u, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** Reads the terms map as typed terms; values that fail their schema read as empty. */
export function readTermsMap(map: Y.Map<unknown>): SettlementTerms {
  const out: Record<string, unknown> = {};
  for (const key of TERM_ORDER) {
    const parsed = SettlementTerms.shape[key].safeParse(map.get(key));
    out[key] = parsed.success ? (parsed.data ?? null) : key === 'conditions' ? '' : key === 'noPayment' ? false : null;
  }
  return out as SettlementTerms;
}

/** The body as canonical lines: blocks separated by an empty line, every line indented by two spaces. */
export function canonicalBody(fragment: Y.XmlFragment, language: CaseLanguage = 'zh-CN'): string {
  const text = childrenOf(fragment)
    .map((child) => block(child, language))
    .filter((b) => b.length > 0)
    .join('\n\n');
  return normalise(text)
    .split('\n')
    .map((l) => (l.length > 0 ? `  ${l}` : l))
    .join('\n');
}

/** The terms section's lines (and the schedule's, when the terms describe one). */
function termLines(terms: SettlementTerms, language: CaseLanguage): string[] {
  const w = WORDS[language];
  const money = (cents: number | null) => (cents === null ? w.unset : moneyText(cents, language));
  const lines = [
    w.terms,
    w.amountInDisputeCents + money(terms.amountInDisputeCents),
    w.amountAgreedCents + money(terms.amountAgreedCents),
    w.feesWaivedCents + money(terms.feesWaivedCents),
    w.instalments + (terms.instalments === null ? w.unset : w.instalmentCount(terms.instalments)),
    w.firstDueDate + (terms.firstDueDate === null ? w.unset : dateText(terms.firstDueDate, language)),
    w.monthlyAmountCents + money(terms.monthlyAmountCents),
  ];
  if (terms.noPayment) lines.push(w.noPayment);
  const conditions = normalise(terms.conditions);
  // Indented like the body, so no condition can pass for a line of the terms.
  lines.push(conditions === '' ? w.conditions + w.none : `${w.conditions.trimEnd()}\n${indent(conditions, '  ')}`);
  const plan = termsPlan(terms);
  if (plan.state === 'ready') {
    lines.push('', ...planLines(computePlan(plan.input), language));
    return lines;
  }
  if (plan.state === 'incomplete') {
    lines.push('', w.plan, w.planIncomplete);
    return lines;
  }
  const schedule = repaymentSchedule(terms);
  if (schedule) {
    lines.push('', w.schedule, w.tableHead);
    for (const i of schedule) {
      lines.push(`${w.row(i.number)} | ${dateText(i.dueDate, language)} | ${moneyShort(i.cents, language)}`);
    }
    const total = schedule.reduce((sum, i) => sum + i.cents, 0);
    lines.push(`${w.total} | | ${moneyShort(total, language)}`);
  }
  return lines;
}

/** The repayment plan's section: what it restructures, on what terms, the exact schedule and its cost. */
export function planLines(plan: Plan, language: CaseLanguage): string[] {
  const w = WORDS[language];
  const i = plan.input;
  const waived = (cents: number) => (cents > 0 ? `${w.waived}${moneyShort(cents, language)}${w.waivedEnd}` : '');
  const lines = [
    w.plan,
    w.planKind + w.kinds[i.kind],
    w.principal + moneyShort(i.principalCents, language),
    w.accrued + moneyShort(i.interestCents, language) + waived(i.waiveInterestCents),
    w.fees + moneyShort(i.feesCents, language) + waived(i.waiveFeesCents),
  ];
  if (i.kind !== 'interest_free') lines.push(w.rate + `${percentText(i.annualRateBp / 100)}%`);
  if (i.holidayMonths > 0)
    lines.push(w.holiday + w.holidayMonths(i.holidayMonths, formatCents(plan.holidayInterestCents)));
  lines.push(w.start + dateText(i.startDate, language), w.unitNote, w.planHead);
  for (const r of plan.rows) {
    lines.push(
      [
        w.row(r.n),
        dateText(r.dueDate, language),
        formatCents(r.principalCents),
        formatCents(r.interestCents),
        formatCents(r.feeCents),
        formatCents(r.paymentCents),
        formatCents(r.remainingCents),
      ].join(' | '),
    );
  }
  const t = plan.totals;
  lines.push(
    [
      w.total,
      '',
      formatCents(t.principalCents),
      formatCents(t.interestCents),
      formatCents(t.feeCents),
      formatCents(t.paymentCents),
      '',
    ]
      .join(' | ')
      .trimEnd(),
  );
  const cost = plan.annualCost;
  lines.push(w.cost + (cost ? w.costValue(percentText(cost.nominalPct), percentText(cost.effectivePct)) : w.costNone));
  for (const cap of plan.exceedsCapsPct) lines.push(`  ${w.overCap(cap)}`);
  return lines;
}

/**
 * One clause of the agreement: each top-level block of the body that shows any text, in order, and
 * then the settlement terms (with the schedule or plan) as one clause. A body clause is identified by
 * the Yjs item that holds its block (`<client>.<clock>`): editing inside it keeps the id, and its text
 * changes; a block split, merged or retyped is a new clause. Consent is given to a clause's text
 * (its SHA-256), so an edit leaves earlier consent standing for a text that is no longer there.
 */
export interface AgreementClause {
  id: string;
  /** 1-based, in the order of the document; the terms clause is last. */
  number: number;
  kind: 'text' | 'terms';
  /** The clause as the canonical text shows it (the terms clause: its section's lines). */
  text: string;
  /** The Yjs client id that created the block (null for the terms clause). */
  client: number | null;
}

export function agreementClauses(doc: Y.Doc, language: CaseLanguage): AgreementClause[] {
  const out: AgreementClause[] = [];
  for (const child of childrenOf(doc.getXmlFragment(AgreementDoc.body))) {
    if (!(child instanceof Y.XmlElement)) continue;
    const text = normalise(block(child, language));
    const item = child._item;
    if (text === '' || !item) continue;
    out.push({
      id: `${item.id.client}.${item.id.clock}`,
      number: out.length + 1,
      kind: 'text',
      text,
      client: item.id.client,
    });
  }
  const terms = readTermsMap(doc.getMap(AgreementDoc.terms));
  out.push({
    id: TERMS_CLAUSE_ID,
    number: out.length + 1,
    kind: 'terms',
    text: normalise(termLines(terms, language).join('\n')),
    client: null,
  });
  return out;
}

/** Each clause with the SHA-256 (hex) of its text: what a party's consent is bound to. */
export async function hashedClauses(
  doc: Y.Doc,
  language: CaseLanguage,
): Promise<(AgreementClause & { hash: string })[]> {
  return Promise.all(agreementClauses(doc, language).map(async (c) => ({ ...c, hash: await sha256Hex(c.text) })));
}

/** Renders the agreement document of a case to its canonical text, in the case's language. */
export function canonicalAgreementText(doc: Y.Doc, caseNumber: string, language: CaseLanguage): string {
  const w = WORDS[language];
  const body = canonicalBody(doc.getXmlFragment(AgreementDoc.body), language);
  const terms = readTermsMap(doc.getMap(AgreementDoc.terms));
  const all = [
    w.title,
    w.caseNumber + caseNumber,
    '',
    w.body,
    body === '' ? `  ${w.emptyBody}` : body,
    '',
    ...termLines(terms, language),
    '',
    w.format + CANONICAL_VERSION,
  ];
  return `${normalise(all.join('\n'))}\n`;
}

/** The agreement's fingerprint: SHA-256 of its canonical text. */
export function agreementFingerprint(canonicalText: string): Promise<string> {
  return sha256Hex(canonicalText);
}
