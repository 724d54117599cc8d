import { sha256Hex } from './hash';
import { canonicalJson } from './canonical';

/**
 * The PDF of a sealed outcome carries the sealed record itself as an embedded file, so the PDF alone
 * can be verified offline: whoever reads it (the CLI, the /verify page) takes this attachment out and
 * checks it with `verifyOutcome`, exactly as a JSON record. The pages are a rendering of that record.
 */
export const OUTCOME_ATTACHMENT = 'outcome.json';

/**
 * The short digest of a sealed record that the PDF's QR code carries in the verify page's fragment
 * (`/verify#case=<number>&record=<digest>`): the first 16 hex of SHA-256 over the record's canonical
 * JSON. It names no person; it lets the verify page tell whether the file being checked is the record
 * a printed copy points to (forging another record that matches would still need the seal's key).
 */
export async function recordDigest(record: unknown): Promise<string> {
  return (await sha256Hex(canonicalJson(record))).slice(0, 16);
}

/** The case number and record digest in a verify page fragment, when it carries them. */
export function verifyFragment(hash: string): { caseNumber: string; digest: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const caseNumber = params.get('case');
  const digest = params.get('record');
  return caseNumber && digest && /^[0-9a-f]{16}$/.test(digest) ? { caseNumber, digest } : null;
}

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
