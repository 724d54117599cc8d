import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { recordFromAttachments, type PdfAttachment, type RecordFromPdf } from '@accord/shared';

// This module is loaded only when someone chooses a PDF on the verify page (a dynamic import there),
// so pdf.js never weighs on any other page. Its worker is a file of this origin (CSP worker-src 'self').
GlobalWorkerOptions.workerSrc = workerUrl;

/**
 * Takes the sealed record out of an outcome PDF (its embedded `outcome.json`) in the browser, with
 * pdf.js; nothing is uploaded. The record still has to be verified: this only reads it.
 */
export async function recordFromPdf(bytes: Uint8Array): Promise<RecordFromPdf> {
  // No eval (the page's CSP forbids it; reading attachments never needs it). pdf.js hands the buffer
  // it is given to its worker, which empties it here: it gets a copy, the caller keeps its bytes.
  const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false });
  try {
    const pdf = await task.promise;
    // pdf.js types its attachments as `any`: each is `{ filename, content: Uint8Array }`.
    const attachments = (await pdf.getAttachments()) as Record<string, PdfAttachment> | null;
    return recordFromAttachments(attachments);
  } catch {
    return { ok: false, reason: 'unreadable', problem: 'the file cannot be read as a PDF' };
  } finally {
    await task.destroy();
  }
}
