import { recordFromAttachments, type PdfAttachment, type RecordFromPdf } from '@accord/shared';

/**
 * Takes the sealed record out of an outcome PDF (its embedded `outcome.json`), offline, with pdf.js
 * (its Node build). The record still has to be verified: this only reads it.
 */
export async function recordFromPdf(bytes: Uint8Array): Promise<RecordFromPdf> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // pdf.js takes ownership of the buffer it is given: a copy keeps the caller's bytes intact.
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: pdfjs.VerbosityLevel.ERRORS });
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
