import type { CaseLanguage } from '@accord/shared';
import type { EvidenceRecord } from '../store/types';
import { INK, MUTED, Writer, newDocument, pageFooters } from '../outcome/pdf';
import { formatTime } from '../outcome/pdf-labels';
import type { ApplicationFacts, CourtLabels } from './labels';

const WARN = '#8a1c13';
const BLANK = '＿＿＿＿＿＿＿＿';

/** The draft notice in a ruled box, so that nobody files it unread. */
function notice(w: Writer, text: string): void {
  const { doc } = w;
  doc.font('body').fontSize(9.5);
  const height = doc.heightOfString(text, { width: w.width - 20, lineGap: 1.5 });
  const top = doc.y;
  doc
    .rect(w.left, top, w.width, height + 14)
    .lineWidth(0.8)
    .strokeColor(WARN)
    .stroke();
  doc.fillColor(WARN).text(text, w.left + 10, top + 7, { width: w.width - 20, lineGap: 1.5 });
  doc.y = top + height + 14 + 6;
}

/** A label, then a line to sign on, then the date line: room for a hand and a seal. */
function signatureLine(w: Writer, label: string, date: string): void {
  const { doc } = w;
  w.ensure(70);
  doc.moveDown(1.2);
  const y = doc.y;
  doc.font('body').fontSize(10.5).fillColor(INK).text(label, w.left, y, { width: 220 });
  const lineY = y + 30;
  doc
    .moveTo(w.left + 230, lineY)
    .lineTo(w.left + w.width, lineY)
    .lineWidth(0.6)
    .strokeColor(INK)
    .stroke();
  doc
    .font('body')
    .fontSize(9.5)
    .fillColor(MUTED)
    .text(date, w.left + 230, lineY + 6, { width: w.width - 230 });
  doc.y = lineY + 24;
}

/**
 * The joint application for judicial confirmation (司法确认申请书), filled from the case, in the case's
 * language. A draft: the blanks are what Accord does not hold (addresses, the court, the lender's code).
 */
export async function applicationPdf(
  f: ApplicationFacts,
  l: CourtLabels,
  language: CaseLanguage,
  createdAt: Date,
): Promise<Buffer> {
  const { doc, done } = await newDocument(language, {
    Title: `${l.title} ${f.caseNumber}`,
    Creator: 'Accord',
    CreationDate: createdAt,
  });
  const w = new Writer(doc);
  doc.font('bold').fontSize(18).fillColor(INK).text(l.title, w.left, doc.y, { width: w.width, align: 'center' });
  doc.moveDown(0.6);
  notice(w, l.draftNotice);

  w.heading(l.applicantBorrower);
  w.row(l.name, f.borrower.name);
  w.row(l.nationalId, f.borrower.nationalId ?? BLANK);
  w.row(l.phone, f.borrower.phone ?? BLANK);
  w.row(l.address, BLANK);

  w.heading(l.applicantLender);
  w.row(l.organisationName, f.lender.name ?? BLANK);
  w.row(l.creditCode, BLANK);
  w.row(l.address, BLANK);
  w.row(l.representative, f.lender.representative ?? BLANK);

  w.heading(l.mediationOrganisation);
  w.row(l.organisationName, f.mediator.organisation ?? BLANK);
  w.row(l.mediator, f.mediator.name ?? BLANK);

  w.heading(l.request);
  w.paragraph(l.requestText(f, BLANK));
  w.heading(l.facts);
  w.paragraph(l.factsText(f, BLANK));
  w.heading(l.deadline);
  w.paragraph(l.deadlineText(f));
  w.heading(l.pledge);
  w.paragraph(l.pledgeText);
  w.heading(l.attachments);
  for (const line of l.attachmentList(f)) w.paragraph(line);

  w.ensure(60);
  doc.moveDown(1);
  w.paragraph(l.addressee(BLANK));
  signatureLine(w, l.signBorrower, l.date);
  signatureLine(w, l.signLender, l.date);
  signatureLine(w, l.signLenderAgent, l.date);
  pageFooters(w, (n, of) => l.footer(f.caseNumber, n, of));
  doc.end();
  return done;
}

/** A size as people read it: bytes under a kilobyte, else KB or MB with one decimal. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The rows of the evidence list, as the PDF and the CSV both show them. */
export function evidenceRows(evidence: readonly EvidenceRecord[], l: CourtLabels, language: CaseLanguage): string[][] {
  return evidence.map((e, i) => [
    String(i + 1),
    e.name,
    l.evidence.kinds[e.type],
    l.evidence.by(e.uploaderRole),
    formatTime(e.uploadedAt, language),
    sizeText(e.size),
    e.sha256,
  ]);
}

/** The evidence list as a PDF: one table, the hash on a line of its own under each file. */
export async function evidencePdf(
  caseNumber: string,
  evidence: readonly EvidenceRecord[],
  l: CourtLabels,
  language: CaseLanguage,
  createdAt: Date,
): Promise<Buffer> {
  const { doc, done } = await newDocument(language, {
    Title: `${l.evidence.title} ${caseNumber}`,
    Creator: 'Accord',
    CreationDate: createdAt,
  });
  const w = new Writer(doc);
  doc
    .font('bold')
    .fontSize(18)
    .fillColor(INK)
    .text(l.evidence.title, w.left, doc.y, { width: w.width, align: 'center' });
  doc.moveDown(0.4);
  w.paragraph(l.evidence.note(caseNumber), { size: 9, color: MUTED });
  doc.moveDown(0.6);
  const rows = evidenceRows(evidence, l, language);
  if (rows.length === 0) w.paragraph(l.evidence.none);
  else {
    const [n, name, kind, by, at, size, hash] = l.evidence.columns;
    w.table(
      [
        { title: n, width: 34 },
        { title: name, width: w.width - 34 - 70 - 90 - 120 - 56 },
        { title: kind, width: 70 },
        { title: by, width: 90 },
        { title: at, width: 120 },
        { title: size, width: 56, align: 'right' },
      ],
      rows.map((r) => r.slice(0, 6)),
      { size: 9 },
    );
    // 64 hex digits want a line of their own: the hashes in a second table, by number.
    doc.moveDown(0.8);
    w.table(
      [
        { title: n, width: 34 },
        { title: hash, width: w.width - 34 },
      ],
      rows.map((r) => [r[0] ?? '', r[6] ?? '']),
      { size: 8.5 },
    );
  }
  pageFooters(w, (p, of) => `${caseNumber} · ${p} / ${of}`);
  doc.end();
  return done;
}

/** One CSV field, quoted when it must be (RFC 4180). */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The evidence list as CSV (UTF-8 with a byte-order mark, which spreadsheet programs need to read Chinese). */
export function evidenceCsv(evidence: readonly EvidenceRecord[], l: CourtLabels, language: CaseLanguage): Buffer {
  const header = [...l.evidence.columns.slice(0, 5), l.evidence.sizeBytes, l.evidence.columns[6]];
  const rows = evidence.map((e, i) => {
    const shown = evidenceRows([e], l, language)[0] ?? [];
    return [String(i + 1), ...shown.slice(1, 5), String(e.size), e.sha256];
  });
  const text = [header, ...rows].map((r) => r.map((c) => csvField(c ?? '')).join(',')).join('\r\n');
  return Buffer.from(`\ufeff${text}\r\n`, 'utf8');
}
