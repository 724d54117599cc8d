import type { CaseLanguage } from '@accord/shared';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import {
  OUTCOME_ATTACHMENT,
  canonicalJson,
  computePlan,
  dateText,
  formatCents,
  recordDigest,
  termsPlan,
  type CaseRole,
  type OutcomeRecord,
  type SealedOutcome,
} from '@accord/shared';
import { formatTime, pdfLabels, type PdfLabels } from './pdf-labels';
import { acknowledgements } from './pdf-rights';

/**
 * The font of the PDF comes from an npm package (Noto Sans SC, SIL OFL 1.1), never from the system: a
 * fresh server has no CJK font. pdfkit embeds only the glyphs a document uses (a subset of a few KB).
 */
const FONT_FILES = {
  body: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;
type FontName = keyof typeof FONT_FILES;

const require = createRequire(import.meta.url);
let fonts: Promise<Record<FontName, PDFKit.Mixins.PDFFontSource>> | null = null;
/**
 * Both fonts, read (about 10 MB each) and parsed once: parsing is most of the work of a PDF, and
 * pdfkit takes a parsed fontkit font as it takes a file, subsetting it afresh for each document.
 */
function loadFonts(): Promise<Record<FontName, PDFKit.Mixins.PDFFontSource>> {
  const parse = async (name: FontName) => {
    const font = fontkit.create(await readFile(require.resolve(FONT_FILES[name])));
    // pdfkit's types list file sources only; at run time it accepts any fontkit font (it calls `layout`).
    return font as unknown as PDFKit.Mixins.PDFFontSource;
  };
  fonts ??= Promise.all([parse('body'), parse('bold')]).then(([body, bold]) => ({ body, bold }));
  return fonts;
}

/** pdfkit's attachment options, with the PDF 2.0 / PDF/A-3 relationship its types do not list yet. */
type AttachmentOptions = PDFKit.Mixins.PDFAttachmentOptions & {
  relationship?: 'Source' | 'Data' | 'Alternative' | 'Supplement' | 'Unspecified';
};

export const INK = '#1a1a1a';
export const MUTED = '#5f6368';
const RULE = '#c8c8c8';
const WARN = '#b3261e';
const LABEL_WIDTH = 128;
const GAP = 12;

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

/** Lays out text in the page's flow: one column of labelled rows, headings, tables and paragraphs. */
export class Writer {
  readonly left: number;
  readonly width: number;

  constructor(readonly doc: PDFKit.PDFDocument) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensure(height: number): void {
    const bottom = this.doc.page.height - this.doc.page.margins.bottom;
    if (this.doc.y + height > bottom) this.doc.addPage();
  }

  heading(text: string): void {
    const { doc } = this;
    this.ensure(60);
    doc.moveDown(0.8);
    doc.font('bold').fontSize(13).fillColor(INK).text(text, this.left, doc.y, { width: this.width });
    const y = doc.y + 2;
    doc
      .moveTo(this.left, y)
      .lineTo(this.left + this.width, y)
      .lineWidth(0.6)
      .strokeColor(RULE)
      .stroke();
    doc.y = y + 6;
  }

  /** A label and its value side by side; a value too long for one line wraps under itself. */
  row(label: string, value: string, options: { small?: boolean; color?: string } = {}): void {
    const { doc } = this;
    const valueWidth = this.width - LABEL_WIDTH - GAP;
    const size = options.small ? 8.5 : 10.5;
    doc.font('body').fontSize(size);
    const valueHeight = doc.heightOfString(value, { width: valueWidth });
    doc.font('body').fontSize(10);
    const labelHeight = doc.heightOfString(label, { width: LABEL_WIDTH });
    this.ensure(Math.max(valueHeight, labelHeight) + 4);
    const y = doc.y;
    doc.fillColor(MUTED).text(label, this.left, y, { width: LABEL_WIDTH });
    doc
      .font('body')
      .fontSize(size)
      .fillColor(options.color ?? INK)
      .text(value, this.left + LABEL_WIDTH + GAP, y + (options.small ? 1.5 : 0), { width: valueWidth });
    doc.y = y + Math.max(valueHeight, labelHeight) + 4;
  }

  /** Text across the full width, flowing onto new pages as needed. */
  paragraph(
    text: string,
    options: { size?: number; color?: string; font?: FontName; keepWithNext?: number } = {},
  ): void {
    const { doc } = this;
    this.ensure(20 + (options.keepWithNext ?? 0));
    doc
      .font(options.font ?? 'body')
      .fontSize(options.size ?? 10.5)
      .fillColor(options.color ?? INK)
      .text(text, this.left, doc.y, { width: this.width, lineGap: 2 });
  }

  /**
   * A table whose header repeats on every page it continues onto; `footer` (a totals row) is set in
   * bold after the rows. Figures read best right-aligned (`align` of a column).
   */
  table(columns: Column[], rows: string[][], options: { size?: number; footer?: string[] } = {}): void {
    const { doc } = this;
    const size = options.size ?? 10;
    const cellWidth = (i: number) => (columns[i]?.width ?? 0) - 6;
    const header = () => {
      const y = doc.y;
      doc.font('bold').fontSize(9.5).fillColor(MUTED);
      const height = Math.max(...columns.map((c, i) => doc.heightOfString(c.title, { width: cellWidth(i) })));
      let x = this.left;
      columns.forEach((c, i) => {
        doc.text(c.title, x, y, { width: cellWidth(i), align: c.align ?? 'left' });
        x += c.width;
      });
      // One line of titles takes 16 points, as it always did; titles that wrap take what they need.
      doc.y = y + Math.max(16, height + 2);
      this.rule();
    };
    const line = (row: string[], font: FontName) => {
      doc.font(font).fontSize(size);
      const height = Math.max(...row.map((cell, i) => doc.heightOfString(cell, { width: cellWidth(i) })));
      const before = doc.page;
      this.ensure(height + 8);
      if (doc.page !== before) header();
      const y = doc.y + 3;
      let x = this.left;
      doc.font(font).fontSize(size).fillColor(INK);
      row.forEach((cell, i) => {
        doc.text(cell, x, y, { width: cellWidth(i), align: columns[i]?.align ?? 'left' });
        x += columns[i]?.width ?? 0;
      });
      doc.y = y + height + 4;
      this.rule();
    };
    this.ensure(40);
    header();
    for (const row of rows) line(row, 'body');
    if (options.footer) line(options.footer, 'bold');
  }

  rule(): void {
    const { doc } = this;
    doc
      .moveTo(this.left, doc.y)
      .lineTo(this.left + this.width, doc.y)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    doc.y += 2;
  }
}

/**
 * Renders a sealed outcome as a PDF: the record in the case's language, and the record itself
 * embedded as `outcome.json` so that the PDF alone verifies (`accord verify`, the /verify page).
 */
export class OutcomePdf {
  constructor(private readonly publicUrl: () => string) {}

  filename(sealed: SealedOutcome): string {
    return `accord-outcome-${sealed.record.caseNumber}.pdf`;
  }

  /**
   * The verify page's address, with the case number and a short digest of the record in the fragment
   * (never sent to a server; no personal data), so a scanned code names the record it is for.
   */
  async verifyUrl(sealed: SealedOutcome): Promise<string> {
    const digest = await recordDigest(sealed.record);
    return `${this.publicUrl()}/verify#case=${encodeURIComponent(sealed.record.caseNumber)}&record=${digest}`;
  }

  async render(sealed: SealedOutcome): Promise<Buffer> {
    const r = sealed.record;
    const l = pdfLabels(r.language);
    const verifyUrl = await this.verifyUrl(sealed);
    const sealedAt = new Date(r.sealedAt);
    const title = r.outcome.kind === 'settled' ? l.title.settled : l.title.other;
    const { doc, done } = await newDocument(r.language, {
      Title: `${title} ${r.caseNumber}`,
      Subject: r.title,
      Creator: 'Accord',
      // The record's own time: the same record makes the same document.
      CreationDate: sealedAt,
    });

    const w = new Writer(doc);
    doc.font('bold').fontSize(20).fillColor(INK).text(title, w.left, doc.y, { width: w.width, align: 'center' });
    doc.moveDown(0.2);
    doc
      .font('body')
      .fontSize(10)
      .fillColor(MUTED)
      .text(`${l.caseNumber} ${r.caseNumber}`, { width: w.width, align: 'center' });
    doc.moveDown(0.6);
    summary(w, r, l);
    agreement(w, r, l);
    schedule(w, r, l);
    signatures(w, r, l);
    clauseHistory(w, r, l);
    rounds(w, r, l);
    hardship(w, r, l);
    acknowledgements(w, r, l);
    verification(w, sealed, l);
    instructions(w, verifyUrl, l);
    pageFooters(w, (n, of) => `${r.caseNumber} · ${l.page(n, of)}`);

    const attachment: AttachmentOptions = {
      name: OUTCOME_ATTACHMENT,
      type: 'application/json',
      description: `Accord sealed outcome record (${r.format}, RFC 8785 JSON)`,
      relationship: 'Source',
      creationDate: sealedAt,
      modifiedDate: sealedAt,
    };
    doc.file(Buffer.from(canonicalJson(sealed), 'utf8'), attachment);
    doc.end();
    return done;
  }
}

function summary(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  w.row(l.caseNumber, r.caseNumber);
  w.row(l.caseTitle, r.title);
  w.row(l.outcome, l.outcomes[r.outcome.kind]);
  if (r.outcome.reason) w.row(l.reason, r.outcome.reason);
  const en = r.language === 'en';
  w.row(
    l.parties,
    r.parties
      .map((p) => (en ? `${p.name} (${l.roles[p.role]})` : `${p.name}（${l.roles[p.role]}）`))
      .join(en ? ', ' : '、'),
  );
  w.row(l.sealedAt, `${formatTime(r.sealedAt, r.language)} ${l.zone}`);
  w.row(l.sealedBy, l.roles[r.sealedBy.role]);
}

function agreement(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  if (r.agreement) {
    w.heading(l.agreement);
    w.paragraph(l.agreementNote, { size: 9, color: MUTED });
    w.doc.moveDown(0.4);
    // Verbatim: this is the text whose fingerprint every signer signed.
    // Leading spaces as no-break spaces, so the text's indentation survives line layout.
    const text = r.agreement.text
      .replace(/\n+$/, '')
      .split('\n')
      .map((line) => line.replace(/^ +/, (spaces) => '\u00a0'.repeat(spaces.length)))
      .join('\n');
    w.paragraph(text);
  }
}

/** A percentage as the agreement text states it (two decimals; a plan that costs nothing is 0.00, not -0.00). */
function percent(x: number): string {
  const text = x.toFixed(2);
  return text === '-0.00' ? '0.00' : text;
}

/**
 * The repayment plan of the signed terms as a table, after the text that states it: the same figures
 * (they come from the same calculation over the same sealed terms), laid out to be read on paper.
 */
function schedule(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  const terms = r.terms && termsPlan(r.terms);
  if (terms?.state !== 'ready') return;
  const plan = computePlan(terms.input);
  const p = l.plan;
  w.heading(p.heading);
  w.paragraph(p.note, { size: 9, color: MUTED });
  w.doc.moveDown(0.4);
  w.row(p.kind, p.kinds[plan.input.kind]);
  // 483 points across an A4 page: the number, the date (in words), five amounts.
  const amount = (w.width - 36 - 92) / 5;
  const [n, due, principal, interest, fee, payment, remaining] = p.columns;
  w.table(
    [
      { title: n, width: 36 },
      { title: due, width: 92 },
      { title: principal, width: amount, align: 'right' },
      { title: interest, width: amount, align: 'right' },
      { title: fee, width: amount, align: 'right' },
      { title: payment, width: amount, align: 'right' },
      { title: remaining, width: amount, align: 'right' },
    ],
    plan.rows.map((row) => [
      p.row(row.n),
      dateText(row.dueDate, r.language),
      formatCents(row.principalCents),
      formatCents(row.interestCents),
      formatCents(row.feeCents),
      formatCents(row.paymentCents),
      formatCents(row.remainingCents),
    ]),
    {
      size: 9,
      footer: [
        p.total,
        '',
        formatCents(plan.totals.principalCents),
        formatCents(plan.totals.interestCents),
        formatCents(plan.totals.feeCents),
        formatCents(plan.totals.paymentCents),
        '',
      ],
    },
  );
  w.doc.moveDown(0.4);
  const cost = plan.annualCost;
  w.row(p.cost, cost ? p.costValue(percent(cost.nominalPct), percent(cost.effectivePct)) : p.costNone);
  for (const cap of plan.exceedsCapsPct) w.row('', p.overCap(cap), { color: WARN });
}

function roleName(l: PdfLabels, role: string): string {
  return l.roles[role as CaseRole] ?? role;
}

/** Who proposed each clause and every consent given to it: the record's `clauses` (format 3). */
function clauseHistory(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  if (!r.clauses) return;
  const c = l.consent;
  const en = r.language === 'en';
  w.heading(c.heading);
  w.paragraph(c.note, { size: 9, color: MUTED });
  for (const clause of r.clauses) {
    w.doc.moveDown(0.5);
    w.paragraph(c.clause(clause.number), { font: 'bold', keepWithNext: 30 });
    w.doc.moveDown(0.2);
    w.row(
      c.proposedBy,
      clause.proposedBy ? `${roleName(l, clause.proposedBy.role)} ${clause.proposedBy.name}` : c.noProposer,
    );
    if (clause.history.length === 0) w.row('', c.none, { color: MUTED });
    for (const e of clause.history) {
      const word = e.state === 'agreed' ? c.agreed : c.objected(e.reason);
      const earlier = e.hash === clause.hash ? '' : en ? ` (${c.earlierText})` : `（${c.earlierText}）`;
      w.row(`${roleName(l, e.role)} ${e.name}`, `${word}${earlier}\n${formatTime(e.at, r.language)}`, {
        color: e.hash === clause.hash ? INK : MUTED,
      });
    }
  }
}

/** The rounds the mediator closed, each with the fingerprint of the text it snapshotted. */
function rounds(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  if (!r.rounds || r.rounds.length === 0) return;
  const en = r.language === 'en';
  w.heading(l.rounds.heading);
  w.table(
    [
      { title: l.rounds.round, width: 40 },
      { title: en ? `${l.rounds.closedAt} (${l.zone})` : `${l.rounds.closedAt}（${l.zone}）`, width: 130 },
      // A fingerprint on one line: 64 hex digits at 8 points take about 300.
      { title: l.rounds.fingerprint, width: w.width - 40 - 130 },
    ],
    r.rounds.map((round) => [String(round.n), formatTime(round.closedAt, r.language), round.fingerprint]),
    { size: 8 },
  );
}

/** The hardship the customer declared: its kind, when, and the proof files by name and hash. */
function hardship(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  if (!r.hardship) return;
  const h = l.hardship;
  w.heading(h.heading);
  // A kind this version does not know (a later one's) reads as "other", never as a stored value.
  const kind = r.hardship.kind;
  w.row(h.kind, Object.hasOwn(h.kinds, kind) ? h.kinds[kind as keyof typeof h.kinds] : h.kinds.other);
  w.row(h.declaredAt, `${formatTime(r.hardship.declaredAt, r.language)} ${l.zone}`);
  if (r.hardship.proofs.length === 0) {
    w.row(h.proofs, h.noProofs);
    return;
  }
  w.paragraph(h.proofs, { size: 10, color: MUTED, keepWithNext: 20 });
  w.doc.moveDown(0.2);
  for (const proof of r.hardship.proofs) w.row(proof.name, proof.sha256, { small: true });
}

function signatures(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  w.heading(l.signatures);
  if (r.signatures.length === 0) {
    w.paragraph(l.noSignatures, { color: MUTED });
    return;
  }
  const rest = w.width - 80 - 90 - 110;
  w.table(
    [
      { title: l.role, width: 80 },
      { title: l.signer, width: 90 },
      { title: r.language === 'en' ? `${l.signedAt} (${l.zone})` : `${l.signedAt}（${l.zone}）`, width: rest },
      { title: l.signedText, width: 110 },
    ],
    r.signatures.map((s) => [
      l.roles[s.role],
      s.name,
      formatTime(s.signedAt, r.language),
      s.fingerprint === r.agreement?.fingerprint ? l.signedThisText : l.signedOtherText,
    ]),
  );
}

function verification(w: Writer, sealed: SealedOutcome, l: PdfLabels): void {
  const r = sealed.record;
  w.heading(l.verification);
  if (r.agreement) w.row(l.fingerprint, r.agreement.fingerprint, { small: true });
  w.row(l.transcript(r.transcript.messages), r.transcript.hash, { small: true });
  w.row(l.auditHead(r.audit.headSeq), r.audit.headHash, { small: true });
  w.row(l.seal, sealed.signature, { small: true });
  w.row(l.keyId, r.key.id, { small: true });
  w.row(l.publicKey, r.key.publicKey, { small: true });
}

/** How to verify, beside a QR code of the verify page, drawn as vector squares. */
function instructions(w: Writer, url: string, l: PdfLabels): void {
  const { doc } = w;
  const qrSize = 104;
  const textWidth = w.width - qrSize - 20;
  const lines = l.instructions(url);
  doc.font('body').fontSize(9.5);
  const textHeight = lines.reduce((h, line) => h + doc.heightOfString(line, { width: textWidth, lineGap: 1.5 }) + 4, 0);
  // The heading stays with what it heads.
  w.ensure(Math.max(textHeight, qrSize + 16) + 60);
  w.heading(l.howToVerify);
  const top = doc.y;
  for (const line of lines) {
    doc.font('body').fontSize(9.5).fillColor(INK).text(line, w.left, doc.y, { width: textWidth, lineGap: 1.5 });
    doc.y += 4;
  }
  const textBottom = doc.y;
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const cell = qrSize / count;
  const x0 = w.left + w.width - qrSize;
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.modules.get(row, col)) doc.rect(x0 + col * cell, top + row * cell, cell, cell);
    }
  }
  doc.fillColor('#000000').fill();
  doc
    .font('body')
    .fontSize(8)
    .fillColor(MUTED)
    .text(l.qrCaption, x0, top + qrSize + 3, { width: qrSize, align: 'center' });
  doc.y = Math.max(textBottom, doc.y);
}

/** A new A4 document with the project's fonts ('body', 'bold'), and the promise of its bytes once ended. */
export async function newDocument(
  language: CaseLanguage,
  info: PDFKit.DocumentInfo,
): Promise<{ doc: PDFKit.PDFDocument; done: Promise<Buffer> }> {
  const font = await loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true,
    pdfVersion: '1.7',
    lang: language,
    displayTitle: true,
    info,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', font.body);
  doc.registerFont('bold', font.bold);
  return { doc, done };
}

/** A line of small text at the foot of every page (`text` of the page's number and the count). */
export function pageFooters(w: Writer, text: (page: number, of: number) => string): void {
  const { doc } = w;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Below the bottom margin: without this pdfkit would start a new page for the footer.
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(8)
      .fillColor(MUTED)
      .text(text(i + 1, range.count), w.left, doc.page.height - 40, {
        width: w.width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}
