import type { CaseLanguage } from '@accord/shared';

/** What the application is filled from; a blank (null) is left as a line to write on. */
export interface ApplicationFacts {
  caseNumber: string;
  caseTitle: string;
  borrower: { name: string; nationalId: string | null; phone: string | null };
  lender: { name: string | null; representative: string | null };
  mediator: { name: string | null; organisation: string | null };
  /** The agreement's date (Beijing) and its exact sealing time, in words. */
  agreementDate: string;
  sealedTime: string;
  deadline: string;
  generatedAt: string;
}

/**
 * The words of the package, in the case's language. The application is a draft for the parties and the
 * mediation organisation to check and sign: it says so at its head and never claims to be legal advice.
 */
export interface CourtLabels {
  title: string;
  draftNotice: string;
  applicantBorrower: string;
  applicantLender: string;
  name: string;
  nationalId: string;
  phone: string;
  address: string;
  organisationName: string;
  creditCode: string;
  representative: string;
  mediationOrganisation: string;
  mediator: string;
  request: string;
  requestText: (f: ApplicationFacts, blank: string) => string;
  facts: string;
  factsText: (f: ApplicationFacts, blank: string) => string;
  deadline: string;
  deadlineText: (f: ApplicationFacts) => string;
  pledge: string;
  pledgeText: string;
  attachments: string;
  attachmentList: (f: ApplicationFacts) => string[];
  addressee: (blank: string) => string;
  signBorrower: string;
  signLender: string;
  signLenderAgent: string;
  date: string;
  footer: (caseNumber: string, n: number, of: number) => string;
  evidence: {
    title: string;
    note: (caseNumber: string) => string;
    columns: [string, string, string, string, string, string, string];
    sizeBytes: string;
    none: string;
    kinds: Record<'application/pdf' | 'image/jpeg' | 'image/png', string>;
    by: (role: string) => string;
  };
  readme: (input: { caseNumber: string; verifyUrl: string; keyUrl: string; recordSha256: string }) => string;
}

const BY_ZH: Record<string, string> = {
  customer: '借款人',
  staff: '平台方或调解中心工作人员',
  admin: '调解中心管理员',
  mediator: '调解员',
  platform: '平台方',
};
const BY_EN: Record<string, string> = {
  customer: 'the borrower',
  staff: 'lender or centre staff',
  admin: 'a centre administrator',
  mediator: 'the mediator',
  platform: 'the lender',
};

const or = (value: string | null, blank: string) => value ?? blank;

const zh: CourtLabels = {
  title: '司法确认申请书',
  draftNotice:
    '草稿，供核对：本申请书由 Accord 根据案件记录自动填写，仅供当事人和调解组织参考，不构成法律意见。提交前请逐项核对，补全空白处，并以受理法院的要求为准。',
  applicantBorrower: '申请人一（借款人）',
  applicantLender: '申请人二（出借方）',
  name: '姓名',
  nationalId: '公民身份号码',
  phone: '联系电话',
  address: '住址',
  organisationName: '名称',
  creditCode: '统一社会信用代码',
  representative: '委托代理人',
  mediationOrganisation: '调解组织',
  mediator: '调解员',
  request: '请求事项',
  requestText: (f, blank) =>
    `请求人民法院确认申请人于 ${f.agreementDate} 在${or(f.mediator.organisation, blank)}主持下达成的调解协议书（编号 ${f.caseNumber}）有效。`,
  facts: '事实与理由',
  factsText: (f, blank) =>
    `申请人之间因“${f.caseTitle}”发生纠纷，经${or(f.mediator.organisation, blank)}调解员${or(f.mediator.name, blank)}主持调解，双方自愿达成调解协议，各方签署后于 ${f.sealedTime}（北京时间）封存生效。该协议是双方当事人的真实意思表示。申请人依照《中华人民共和国人民调解法》《中华人民共和国民事诉讼法》的有关规定，共同向人民法院申请司法确认。`,
  deadline: '申请期限',
  deadlineText: (f) =>
    `调解协议自 ${f.agreementDate} 生效。当事人应当自调解协议生效之日起三十日内共同提出申请，即不迟于 ${f.deadline}。`,
  pledge: '申请人承诺',
  pledgeText:
    '申请人出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；如因申请确认的调解协议损害他人合法权益，愿意承担相应的法律责任。',
  attachments: '附件',
  attachmentList: (f) => [
    `1. 调解协议书（编号 ${f.caseNumber}，内嵌经封存的结果记录）`,
    '2. 申请人的身份证明（身份证复印件；出借方的营业执照、法定代表人身份证明及授权委托书，由申请人自备）',
    '3. 证据清单',
    '4. 封存核验说明及记录文件',
  ],
  addressee: (blank) => `此致\n${blank}人民法院`,
  signBorrower: '申请人一（签名并捺印）',
  signLender: '申请人二（盖章）',
  signLenderAgent: '法定代表人或委托代理人（签名）',
  date: '日期：　　　　年　　月　　日',
  footer: (caseNumber, n, of) => `草稿 · 案件编号 ${caseNumber} · 第 ${n} 页 / 共 ${of} 页`,
  evidence: {
    title: '证据清单',
    note: (caseNumber) =>
      `案件编号 ${caseNumber}。以下为案件中提交的全部证据文件；每个文件的 SHA-256 可用于核对向法院提交的文件与案件中保存的是否一致。时间为北京时间。`,
    columns: ['序号', '文件名', '类型', '提交方', '提交时间', '大小', 'SHA-256'],
    sizeBytes: '大小（字节）',
    none: '本案没有提交证据文件。',
    kinds: { 'application/pdf': 'PDF 文档', 'image/jpeg': 'JPEG 图片', 'image/png': 'PNG 图片' },
    by: (role) => BY_ZH[role] ?? '其他',
  },
  readme: ({ caseNumber, verifyUrl, keyUrl, recordSha256 }) =>
    [
      `司法确认材料包：封存核验说明（案件编号 ${caseNumber}）`,
      '',
      '调解协议在各方签署后由 Accord 以 Ed25519 数字签名封存。下列任一方法均可核验协议未被改动：',
      '',
      '一、在浏览器中核验',
      `  打开 ${verifyUrl}`,
      '  选择本包中的 2-settlement.pdf 或 4-verification/outcome.json；文件在浏览器内核验，不会上传。',
      '',
      '二、用 Accord 命令行核验',
      '  accord verify 4-verification/outcome.json --key <公钥>',
      '  公钥见 4-verification/public-key.json 的 publicKey 字段，输出 VALID 即为有效。',
      '',
      '三、用 OpenSSL 核验（无需 Accord）',
      '  openssl pkeyutl -verify -pubin -inkey 4-verification/public-key.pem -rawin \\',
      '    -in 4-verification/record.json -sigfile 4-verification/record.sig',
      '  输出 "Signature Verified Successfully" 即为有效。',
      '',
      '核验步骤（与 Accord 的 verify() 相同）：',
      '  1. record.json 是结果记录按 RFC 8785 规范化后的 JSON，即被签名的字节；',
      `     其 SHA-256 为 ${recordSha256}。`,
      '  2. record.sig 是对这些字节的 Ed25519 签名（64 字节；outcome.json 中以 base64url 记为 signature）。',
      '  3. 记录中 key.id 应等于公钥原始 32 字节的 SHA-256。',
      '  4. 协议原文 agreement.text 的 SHA-256 应等于 agreement.fingerprint，每个签名的 fingerprint 均应与之相同。',
      `  5. 公钥应与调解中心公布的公钥一致：${keyUrl}`,
      '',
      '文件清单及每个文件的 SHA-256 见 manifest.json 和 SHA256SUMS（可用 sha256sum -c SHA256SUMS 核对）。',
      '本说明仅供参考，不构成法律意见。',
      '',
    ].join('\n'),
};

const en: CourtLabels = {
  title: 'Joint application for judicial confirmation of a mediation agreement',
  draftNotice:
    'DRAFT TO CHECK: filled in by Accord from the case record, for the parties and the mediation organisation to check. It is not legal advice. Check every line, fill in the blanks and follow the requirements of the court you apply to.',
  applicantBorrower: 'Applicant 1 (borrower)',
  applicantLender: 'Applicant 2 (lender)',
  name: 'Name',
  nationalId: 'ID number',
  phone: 'Telephone',
  address: 'Address',
  organisationName: 'Name',
  creditCode: 'Unified social credit code',
  representative: 'Authorised representative',
  mediationOrganisation: 'Mediation organisation',
  mediator: 'Mediator',
  request: 'Request',
  requestText: (f, blank) =>
    `The applicants ask the court to confirm as valid the mediation agreement No. ${f.caseNumber} they reached on ${f.agreementDate} under the mediation of ${or(f.mediator.organisation, blank)}.`,
  facts: 'Facts and grounds',
  factsText: (f, blank) =>
    `A dispute arose between the applicants ("${f.caseTitle}"). Mediated by ${or(f.mediator.name, blank)} of ${or(f.mediator.organisation, blank)}, they reached the agreement of their own free will; it was signed by every party and sealed on ${f.sealedTime} (China Standard Time), when it took effect. It states what both parties truly intend. The applicants apply jointly for judicial confirmation under the relevant provisions of the People's Mediation Law and the Civil Procedure Law of the People's Republic of China.`,
  deadline: 'Time limit',
  deadlineText: (f) =>
    `The agreement took effect on ${f.agreementDate}. The parties apply jointly within 30 days of that date, that is by ${f.deadline} at the latest.`,
  pledge: 'Undertaking',
  pledgeText:
    'The applicants reached the agreement of their own free will to settle their dispute, with no collusion and no intent to evade the law, and accept the legal responsibility should the agreement harm the lawful rights of others.',
  attachments: 'Attachments',
  attachmentList: (f) => [
    `1. The mediation agreement No. ${f.caseNumber} (with the sealed outcome record inside)`,
    "2. The applicants' identity documents (ID card copy; the lender's business licence, proof of its legal representative and the power of attorney: brought by the applicants)",
    '3. The evidence list',
    '4. How to verify the seal, and the record files',
  ],
  addressee: (blank) => `To: the People's Court of ${blank}`,
  signBorrower: 'Applicant 1 (signature and fingerprint)',
  signLender: 'Applicant 2 (company seal)',
  signLenderAgent: 'Legal or authorised representative (signature)',
  date: 'Date: ____ / ____ / ________',
  footer: (caseNumber, n, of) => `Draft · Case ${caseNumber} · Page ${n} of ${of}`,
  evidence: {
    title: 'Evidence list',
    note: (caseNumber) =>
      `Case ${caseNumber}. Every evidence file given in the case; the SHA-256 of each tells whether a file handed to the court is the one kept in the case. Times are China Standard Time.`,
    columns: ['No.', 'File', 'Kind', 'Given by', 'Given at', 'Size', 'SHA-256'],
    sizeBytes: 'Size (bytes)',
    none: 'No evidence files were given in this case.',
    kinds: { 'application/pdf': 'PDF document', 'image/jpeg': 'JPEG image', 'image/png': 'PNG image' },
    by: (role) => BY_EN[role] ?? 'other',
  },
  readme: ({ caseNumber, verifyUrl, keyUrl, recordSha256 }) =>
    [
      `Court-confirmation package: how to verify the seal (case ${caseNumber})`,
      '',
      'Once every party signed, Accord sealed the agreement with an Ed25519 signature. Any of these shows it was not altered:',
      '',
      '1. In a browser',
      `   Open ${verifyUrl}`,
      '   and choose 2-settlement.pdf or 4-verification/outcome.json from this package; it is checked in the browser, never uploaded.',
      '',
      "2. With Accord's command line",
      '   accord verify 4-verification/outcome.json --key <public key>',
      '   (the publicKey of 4-verification/public-key.json); VALID means it verifies.',
      '',
      '3. With OpenSSL (no Accord needed)',
      '   openssl pkeyutl -verify -pubin -inkey 4-verification/public-key.pem -rawin \\',
      '     -in 4-verification/record.json -sigfile 4-verification/record.sig',
      '   "Signature Verified Successfully" means it verifies.',
      '',
      "The steps (those of Accord's verify()):",
      '  1. record.json is the outcome record as RFC 8785 canonical JSON: the bytes that were signed;',
      `     its SHA-256 is ${recordSha256}.`,
      '  2. record.sig is the Ed25519 signature of those bytes (64 bytes; base64url as "signature" in outcome.json).',
      "  3. The record's key.id is the SHA-256 of the raw 32-byte public key.",
      "  4. The SHA-256 of agreement.text equals agreement.fingerprint, and every signature's fingerprint equals it.",
      `  5. The public key is the one the mediation centre publishes: ${keyUrl}`,
      '',
      'Every file with its SHA-256 is in manifest.json and SHA256SUMS (check with: sha256sum -c SHA256SUMS).',
      'This is reference, not legal advice.',
      '',
    ].join('\n'),
};

export function courtLabels(language: CaseLanguage): CourtLabels {
  return language === 'en' ? en : zh;
}
