import type { CaseLanguage, CaseRole, OutcomeKind } from '@accord/shared';

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
