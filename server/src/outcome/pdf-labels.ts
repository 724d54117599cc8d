import type { CaseLanguage, CaseRole, OutcomeKind, PlanKind } from '@accord/shared';

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
  plan: {
    heading: string;
    note: string;
    kind: string;
    kinds: Record<PlanKind, string>;
    columns: [string, string, string, string, string, string, string];
    row: (n: number) => string;
    total: string;
    cost: string;
    costValue: (nominal: string, effective: string) => string;
    costNone: string;
    overCap: (cap: number) => string;
  };
  consent: {
    heading: string;
    note: string;
    clause: (n: number) => string;
    proposedBy: string;
    /** The terms clause, and a block whose author is not known, have no proposer. */
    noProposer: string;
    agreed: string;
    objected: (reason: string) => string;
    earlierText: string;
    none: string;
  };
  rounds: { heading: string; round: string; closedAt: string; fingerprint: string };
  hardship: {
    heading: string;
    kind: string;
    /** The kinds a customer declares (shared/src/hardship.ts). */
    kinds: Record<'job_loss' | 'illness' | 'accident' | 'disaster' | 'other', string>;
    declaredAt: string;
    proofs: string;
    noProofs: string;
  };
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
  plan: {
    heading: '还款计划表',
    note: '以下为协议所载还款计划的逐期明细，金额单位为人民币元；与上文协议原文一致。',
    kind: '还款方式',
    kinds: { equal_instalment: '等额本息', equal_principal: '等额本金', interest_free: '免息分期' },
    columns: ['期次', '还款日', '本金', '利息', '费用', '应还金额', '剩余本金'],
    row: (n) => `第 ${n} 期`,
    total: '合计',
    cost: '综合年化成本（IRR 法）',
    costValue: (nominal, effective) => `名义年化 ${nominal}%，实际年化 ${effective}%`,
    costNone: '无',
    overCap: (cap) => `超过 ${cap}% 的综合融资成本上限`,
  },
  consent: {
    heading: '逐条确认记录',
    note: '协议每一条款由谁提出，以及双方对该条款每一次表示同意或异议的记录（按时间先后）。条款编号与上文协议原文的顺序一致，最后一条为协议条款（含还款计划）。时间均为北京时间（UTC+8）。',
    clause: (n) => `第 ${n} 条`,
    proposedBy: '提出人',
    noProposer: '协议条款（无单一提出人）',
    agreed: '同意',
    objected: (reason) => `异议：${reason}`,
    earlierText: '针对修改前的文本',
    none: '无确认记录。',
  },
  rounds: { heading: '协商轮次', round: '轮次', closedAt: '结束时间', fingerprint: '该轮协议文本指纹（SHA-256）' },
  hardship: {
    heading: '困难情况',
    kind: '困难类型',
    kinds: { job_loss: '失业', illness: '疾病', accident: '意外事故', disaster: '自然灾害', other: '其他' },
    declaredAt: '申报时间',
    proofs: '证明材料（文件名与 SHA-256）',
    noProofs: '未提交证明材料。',
  },
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
  plan: {
    heading: 'Repayment schedule',
    note: 'The repayment plan of the agreement above, instalment by instalment, amounts in RMB; it is the same as in the text.',
    kind: 'Plan',
    kinds: {
      equal_instalment: 'Equal instalments (principal and interest)',
      equal_principal: 'Equal principal',
      interest_free: 'Interest-free instalments',
    },
    columns: ['No.', 'Due date', 'Principal', 'Interest', 'Fees', 'Payment', 'Principal remaining'],
    row: (n) => `${n}`,
    total: 'Total',
    cost: 'Annualised cost (IRR)',
    costValue: (nominal, effective) => `${nominal}% nominal, ${effective}% effective`,
    costNone: 'none',
    overCap: (cap) => `above the ${cap}% cap on the comprehensive financing cost`,
  },
  consent: {
    heading: 'Consent, clause by clause',
    note: 'Who proposed each clause of the agreement, and every time a party agreed or objected to it, in order. Clauses are numbered in the order of the text above; the last is the settlement terms (with the plan). Times are China Standard Time (UTC+8).',
    clause: (n) => `Clause ${n}`,
    proposedBy: 'Proposed by',
    noProposer: 'the settlement terms (no single proposer)',
    agreed: 'agreed',
    objected: (reason) => `objected: ${reason}`,
    earlierText: 'given to an earlier text',
    none: 'No consent was recorded.',
  },
  rounds: {
    heading: 'Negotiation rounds',
    round: 'Round',
    closedAt: 'Closed at',
    // No typographic apostrophe: the CJK font draws it full width.
    fingerprint: 'Fingerprint of the text at its close (SHA-256)',
  },
  hardship: {
    heading: 'Hardship',
    kind: 'Kind',
    kinds: {
      job_loss: 'Job loss',
      illness: 'Illness',
      accident: 'Accident',
      disaster: 'Natural disaster',
      other: 'Other',
    },
    declaredAt: 'Declared at',
    proofs: 'Proof files (name and SHA-256)',
    noProofs: 'No proof files were given.',
  },
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
      // 2027年1月15日 in Chinese, as the pages write dates (numeric months print 2027/1/15).
      month: 'long',
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
