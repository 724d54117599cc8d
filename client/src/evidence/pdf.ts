import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

// Loaded only when a PDF is opened in the evidence viewer (a dynamic import in PdfView), so pdf.js
// never weighs on the room's first chunk. Its worker is a file of this origin (CSP worker-src 'self').
GlobalWorkerOptions.workerSrc = workerUrl;

export type { PDFDocumentProxy };

/** Opens a PDF's bytes; `close` frees the document and its worker. */
export async function openPdf(bytes: Uint8Array): Promise<{ doc: PDFDocumentProxy; close: () => Promise<void> }> {
  // No eval (the page's CSP forbids it); pdf.js empties the buffer it is given: a copy.
  const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false });
  const doc = await task.promise;
  return { doc, close: () => task.destroy() };
}
