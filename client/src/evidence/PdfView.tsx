import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PDFDocumentProxy } from './pdf';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3] as const;

/**
 * A PDF drawn in the page with pdf.js, one page at a time on a canvas fitted to the width available
 * (a phone's 375 px included), with page navigation and zoom. pdf.js is imported here only, when a PDF
 * is opened.
 */
export default function PdfView({ data, name, onFailed }: { data: Uint8Array; name: string; onFailed: () => void }) {
  const { t } = useTranslation();
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(2);
  const [rendered, setRendered] = useState(0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    let close: (() => Promise<void>) | null = null;
    import('./pdf')
      .then(({ openPdf }) => openPdf(data))
      .then((opened) => {
        close = opened.close;
        if (live) setDoc(opened.doc);
        else void opened.close();
      })
      .catch(() => live && onFailed());
    return () => {
      live = false;
      void close?.();
    };
  }, [data, onFailed]);

  useEffect(() => {
    const target = canvas.current;
    if (!doc || !target) return;
    let cancelled = false;
    let task: { cancel: () => void; promise: Promise<void> } | null = null;
    void (async () => {
      try {
        const p = await doc.getPage(page);
        if (cancelled) return;
        const natural = p.getViewport({ scale: 1 });
        // Fitted to the frame's width at 100 %; zoom multiplies it (the frame scrolls).
        const width = Math.max(200, frame.current?.clientWidth ?? natural.width);
        const scale = (width / natural.width) * (ZOOMS[zoom] ?? 1);
        const viewport = p.getViewport({ scale });
        const ratio = window.devicePixelRatio || 1;
        target.width = Math.floor(viewport.width * ratio);
        target.height = Math.floor(viewport.height * ratio);
        target.style.width = `${Math.floor(viewport.width)}px`;
        target.style.height = `${Math.floor(viewport.height)}px`;
        task = p.render({
          canvas: target,
          viewport,
          transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
        });
        await task.promise;
        if (!cancelled) setRendered((n) => n + 1);
      } catch {
        // A render cancelled by the next page or zoom is no failure.
      }
    })();
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [doc, page, zoom]);

  const pages = doc?.numPages ?? 0;
  return (
    <div className="pdf-view">
      <div className="pdf-toolbar" role="toolbar" aria-label={name}>
        <button
          type="button"
          aria-label={t('evidence.viewer.previous')}
          disabled={page <= 1}
          onClick={() => setPage((n) => Math.max(1, n - 1))}
        >
          ‹
        </button>
        <span aria-live="polite" data-testid="pdf-page-number">
          {pages > 0 ? t('evidence.viewer.page', { page, pages }) : t('evidence.viewer.loading')}
        </span>
        <button
          type="button"
          aria-label={t('evidence.viewer.next')}
          disabled={page >= pages}
          onClick={() => setPage((n) => Math.min(pages, n + 1))}
        >
          ›
        </button>
        <button
          type="button"
          aria-label={t('evidence.viewer.zoomOut')}
          disabled={zoom <= 0}
          onClick={() => setZoom((z) => Math.max(0, z - 1))}
        >
          −
        </button>
        <span>{t('evidence.viewer.zoom', { percent: Math.round((ZOOMS[zoom] ?? 1) * 100) })}</span>
        <button
          type="button"
          aria-label={t('evidence.viewer.zoomIn')}
          disabled={zoom >= ZOOMS.length - 1}
          onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))}
        >
          +
        </button>
      </div>
      <div className="pdf-frame" ref={frame}>
        <canvas
          ref={canvas}
          data-testid="pdf-page"
          data-rendered={rendered}
          data-page={page}
          role="img"
          aria-label={t('evidence.viewer.pageAlt', { page, name })}
        />
      </div>
    </div>
  );
}
