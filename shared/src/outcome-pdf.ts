/**
 * The PDF of a sealed outcome carries the sealed record itself as an embedded file, so the PDF alone
 * can be verified offline: whoever reads it (the CLI, the /verify page) takes this attachment out and
 * checks it with `verifyOutcome`, exactly as a JSON record. The pages are a rendering of that record.
 */
export const OUTCOME_ATTACHMENT = 'outcome.json';

/** Whether these bytes are a PDF: its header `%PDF-`, which readers accept within the first 1024 bytes. */
export function isPdf(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

/** An embedded file as PDF readers list them (pdf.js `getAttachments()` answers a map of these). */
export interface PdfAttachment {
  filename: string;
  content: Uint8Array;
}

/** What reading a PDF for its record gave: the record (unverified), or why there is none (`reason` for a UI's words). */
export type RecordFromPdf =
  { ok: true; sealed: unknown } | { ok: false; reason: 'unreadable' | 'no-record' | 'not-json'; problem: string };

/**
 * The sealed record among a PDF's embedded files: the JSON of `outcome.json`, still to be verified.
 * A PDF without it, or with something other than JSON under that name, is no Accord outcome PDF.
 */
export function recordFromAttachments(attachments: Record<string, PdfAttachment> | null | undefined): RecordFromPdf {
  const file = Object.values(attachments ?? {}).find((a) => a.filename === OUTCOME_ATTACHMENT);
  if (!file) {
    return {
      ok: false,
      reason: 'no-record',
      problem: `the PDF holds no Accord outcome record (no ${OUTCOME_ATTACHMENT} in it)`,
    };
  }
  try {
    return { ok: true, sealed: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.content)) as unknown };
  } catch {
    return { ok: false, reason: 'not-json', problem: `the ${OUTCOME_ATTACHMENT} in the PDF is not JSON` };
  }
}
