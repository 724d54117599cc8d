import type { CaseLanguage, CaseRole, OutcomeKind, SettlementTerms } from '@accord/shared';

/**
 * The words of the outcome PDF, in the case's language. The PDF is made on the server for a reader who
 * may never open Accord (a court, a compliance officer), so every label is a word, never a key.
 */
export interface PdfLabels {
  title: Record<'settled' | 'other', string>;
  caseNumber: string;
  caseTitle: string;
  outcome: string;
  reason: string;
  parties: string;
  sealedAt: string;
  sealedBy: string;
  agreement: string;
  agreementNote: string;
  terms: string;
  signatures: string;
  signer: string;
  role: string;
  signedAt: string;
  signedText: string;
  signedThisText: string;
  signedOtherText: string;
  noSignatures: string;
  verification: string;
  fingerprint: string;
  transcript: (count: number) => string;
  auditHead: (seq: number) => string;
  seal: string;
  keyId: string;
  publicKey: string;
  howToVerify: string;
  instructions: (verifyUrl: string) => string[];
  qrCaption: string;
  page: (n: number, of: number) => string;
  zone: string;
  roles: Record<CaseRole, string>;
  outcomes: Record<OutcomeKind, string>;
  termNames: Record<keyof SettlementTerms, string>;
  yes: string;
  money: (amount: string) => string;
  instalments: (n: number) => string;
  none: string;
}

const zh: PdfLabels = {
  title: { settled: '调解协议书', other: '调解结果记录' },
  caseNumber: '案件编号',
  caseTitle: '案件名称',
  outcome: '调解结果',
  reason: '原因',
  parties: '参与方',
  sealedAt: '封存时间',
  sealedBy: '封存人',
  agreement: '协议内容',
  agreementNote: '以下为各方签署的协议原文，逐字照录。',
  terms: '协议要点',
  signatures: '签署',
  signer: '签署人',
  role: '身份',
  signedAt: '签署时间',
  signedText: '所签文本',
  signedThisText: '本协议',
  signedOtherText: '其他文本',
  noSignatures: '无签署（未达成协议）。',
  verification: '核验信息',
  fingerprint: '协议指纹（SHA-256）',
  transcript: (count) => `共 ${count} 条公开聊天消息，SHA-256`,
  auditHead: (seq) => `审计日志第 ${seq} 条，哈希`,
  seal: '封存签名（Ed25519）',
  keyId: '公钥编号',
  publicKey: '公钥',
  howToVerify: '如何核验',
  instructions: (url) => [
    `本文件内嵌经封存签名的结果记录（附件 outcome.json）。核验时只需本 PDF 文件，无需联网。`,
    `方法一：在浏览器打开 ${url}（或扫描右侧二维码），选择本 PDF 文件；文件在您的浏览器内核验，不会上传。`,
    `方法二：在命令行运行 accord verify 本文件.pdf --key <公钥>，输出 VALID 即为有效。`,
    `核验通过，说明内嵌记录由上述公钥封存且未被改动。本页内容是该记录的排版，应与核验结果显示的记录一致。`,
  ],
  qrCaption: '扫码核验',
  page: (n, of) => `第 ${n} 页 / 共 ${of} 页`,
  zone: '北京时间（UTC+8）',
  roles: { customer: '申请人', platform: '平台方', mediator: '调解员', observer: '旁听', admin: '管理员' },
  outcomes: { settled: '达成和解', not_settled: '未达成和解', withdrawn: '撤回' },
  termNames: {
    amountInDisputeCents: '争议金额',
    amountAgreedCents: '和解金额',
    feesWaivedCents: '减免费用',
    instalments: '分期期数',
    firstDueDate: '首期还款日',
    monthlyAmountCents: '每期金额',
    noPayment: '无需付款',
    conditions: '其他条件',
  },
  yes: '是',
  money: (amount) => `人民币 ${amount} 元`,
  instalments: (n) => `${n} 期`,
  none: '—',
};

const en: PdfLabels = {
  title: { settled: 'Settlement agreement', other: 'Mediation outcome record' },
  caseNumber: 'Case number',
  caseTitle: 'Case',
  outcome: 'Outcome',
  reason: 'Reason',
  parties: 'Parties',
  sealedAt: 'Sealed at',
  sealedBy: 'Sealed by',
  agreement: 'Agreement',
  agreementNote: 'The agreement as the parties signed it, word for word.',
  terms: 'Key terms',
  signatures: 'Signatures',
  signer: 'Signer',
  role: 'Role',
  signedAt: 'Signed at',
  signedText: 'Text signed',
  signedThisText: 'this agreement',
  signedOtherText: 'another text',
  noSignatures: 'No signatures (no agreement was reached).',
  verification: 'Verification data',
  fingerprint: 'Agreement fingerprint (SHA-256)',
  transcript: (count) => `${count} joint chat messages, SHA-256`,
  auditHead: (seq) => `Audit log entry ${seq}, hash`,
  seal: 'Seal (Ed25519 signature)',
  keyId: 'Key id',
  publicKey: 'Public key',
  howToVerify: 'How to verify',
  instructions: (url) => [
    'This file carries the sealed outcome record (the attachment outcome.json). Verifying needs this PDF alone, offline.',
    `In a browser: open ${url} (or scan the QR code) and choose this PDF; it is checked in your browser, never uploaded.`,
    'On a command line: run accord verify this-file.pdf --key <public key>; VALID means it verifies.',
    'A valid result means the embedded record was sealed by the key above and has not been altered. These pages are a rendering of that record and should read the same as the record the check shows.',
  ],
  qrCaption: 'Scan to verify',
  page: (n, of) => `Page ${n} of ${of}`,
  zone: 'China Standard Time (UTC+8)',
  roles: { customer: 'Customer', platform: 'Platform', mediator: 'Mediator', observer: 'Observer', admin: 'Admin' },
  outcomes: { settled: 'Settled', not_settled: 'Not settled', withdrawn: 'Withdrawn' },
  termNames: {
    amountInDisputeCents: 'Amount in dispute',
    amountAgreedCents: 'Amount agreed',
    feesWaivedCents: 'Fees waived',
    instalments: 'Instalments',
    firstDueDate: 'First due date',
    monthlyAmountCents: 'Amount per instalment',
    noPayment: 'No payment',
    conditions: 'Other conditions',
  },
  yes: 'Yes',
  money: (amount) => `CNY ${amount}`,
  instalments: (n) => `${n}`,
  none: '—',
};

export function pdfLabels(language: CaseLanguage): PdfLabels {
  return language === 'en' ? en : zh;
}

/** The zone the PDF states its times in: the cases are mediated in China, whatever their language. */
const ZONE = 'Asia/Shanghai';

const timeFormats = new Map<CaseLanguage, Intl.DateTimeFormat>();

/** An ISO instant as people write it in the case's language, in Beijing time (the PDF names the zone). */
export function formatTime(iso: string, language: CaseLanguage): string {
  let format = timeFormats.get(language);
  if (!format) {
    // Made once per language: building a DateTimeFormat costs far more than using one.
    format = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: ZONE,
      year: 'numeric',
      month: language === 'en' ? 'long' : 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    timeFormats.set(language, format);
  }
  return format.format(new Date(iso));
}

/** A calendar date (`2026-12-31`) in the case's language; no zone, it is a date, not an instant. */
export function formatDate(date: string, language: CaseLanguage): string {
  const [y, m, d] = date.split('-').map(Number);
  if (language !== 'en') return `${y}年${m}月${d}日`;
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'long' }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

/** Integer cents as yuan with two decimals and thousands separators ("1,280.50"), by integer arithmetic. */
export function formatYuan(cents: number): string {
  const yuan = Math.trunc(cents / 100);
  return `${yuan.toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
}

/** One term as words, or null when it is not set (an unset term is left out of the PDF's summary). */
export function termText(key: keyof SettlementTerms, terms: SettlementTerms, l: PdfLabels, lang: CaseLanguage) {
  const value = terms[key];
  if (value === null || value === '' || value === false) return null;
  switch (key) {
    case 'amountInDisputeCents':
    case 'amountAgreedCents':
    case 'feesWaivedCents':
    case 'monthlyAmountCents':
      return l.money(formatYuan(value as number));
    case 'instalments':
      return l.instalments(value as number);
    case 'firstDueDate':
      return formatDate(value as string, lang);
    case 'noPayment':
      return l.yes;
    case 'conditions':
      return String(value);
  }
}
