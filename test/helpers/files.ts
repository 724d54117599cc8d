import { PRIVACY_NOTICE_VERSION } from '@accord/shared';

/** A minimal valid PDF whose text can be searched for in stored bytes. */
export function pdf(text = 'Loan contract No. HT-2025-0042'): Buffer {
  const body = `%PDF-1.4\n1 0 obj <<>> endobj\n% ${text}\ntrailer <<>>\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A 1×1 PNG. */
export const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

export interface Complaint {
  /** The lender complained about: required by the server; a test makes one (`GET /api/lenders`). */
  lenderId?: string;
  name: string;
  phone: string;
  nationalId: string;
  contractNumber: string;
  /** Optional: where notices go. */
  email?: string;
  category: string;
  amountInDisputeCents: string;
  description: string;
  desiredOutcome: string;
  privacyNotice: string;
  sensitiveConsent: string;
}

export const complaint = (over: Partial<Complaint> = {}): Complaint => ({
  name: '王小红',
  phone: '13812345678',
  nationalId: '110101199003071234',
  contractNumber: 'HT-2025-0042',
  category: 'fees_and_charges',
  amountInDisputeCents: '128000',
  description: '平台在提前还款时收取了合同中未明确告知的违约金800元和服务费480元，我要求退还。',
  desiredOutcome: '退还1,280元',
  privacyNotice: PRIVACY_NOTICE_VERSION,
  sensitiveConsent: 'true',
  ...over,
});

export function form(fields: Complaint | Record<string, string>, files: { name: string; data: Buffer }[]): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields) as [string, string][]) f.append(k, v);
  for (const file of files) f.append('evidence', new Blob([new Uint8Array(file.data)]), file.name);
  return f;
}

/**
 * A well-formed one-page PDF (cross-reference table with exact offsets) showing `lines` in Helvetica:
 * what a PDF viewer renders, unlike `pdf()`, which only passes the content check.
 */
export function pagePdf(lines: readonly string[] = ['Loan contract No. HT-2025-0042']): Buffer {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines.map((l, i) => `BT /F1 14 Tf 56 ${780 - i * 24} Td (${escape(l)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
