import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pathOf, type EvidenceView } from '@accord/shared';
import { downloadWithToken } from '../app/upload';

// pdf.js comes with the PDF view, only when a PDF is opened.
const PdfView = lazy(() => import('./PdfView'));

type Loaded = { kind: 'bytes'; data: Uint8Array; url: string } | { kind: 'failed' } | null;

/**
 * One evidence item opened in the page, in a modal dialog: an image shown whole, a PDF drawn by
 * pdf.js with page navigation and zoom, a download either way. The file is fetched with the token in a
 * header (never in a URL) and kept as a blob URL while the dialog is open. Also for citations in the
 * chat or the agreement: `<EvidenceViewer caseId token item onClose />`.
 */
export function EvidenceViewer({
  caseId,
  token,
  item,
  onClose,
}: {
  caseId: string;
  token: string;
  item: Pick<EvidenceView, 'id' | 'name' | 'type'>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [loaded, setLoaded] = useState<Loaded>(null);
  const path = pathOf('GET /api/cases/:caseId/evidence/:evidenceId', { caseId, evidenceId: item.id });
  const failed = useCallback(() => setLoaded({ kind: 'failed' }), []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);

  useEffect(() => {
    let live = true;
    let url: string | null = null;
    void (async () => {
      try {
        const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
        if (!res.ok) throw new Error(String(res.status));
        const blob = await res.blob();
        if (!live) return;
        url = URL.createObjectURL(new Blob([blob], { type: item.type }));
        setLoaded({ kind: 'bytes', data: new Uint8Array(await blob.arrayBuffer()), url });
      } catch {
        if (live) setLoaded({ kind: 'failed' });
      }
    })();
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, token, item.type]);

  return (
    <dialog
      ref={ref}
      className="evidence-viewer"
      aria-labelledby={titleId}
      data-testid="evidence-viewer"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="evidence-viewer-head">
        <h2 id={titleId}>{t('evidence.viewer.title', { name: item.name })}</h2>
        <div className="button-row">
          <button
            type="button"
            className="secondary"
            onClick={() => void downloadWithToken(path, token, item.name).catch(failed)}
          >
            {t('evidence.download')}
          </button>
          <button type="button" data-testid="evidence-viewer-close" onClick={onClose}>
            {t('evidence.viewer.close')}
          </button>
        </div>
      </header>
      {loaded === null && <p role="status">{t('evidence.viewer.loading')}</p>}
      {loaded?.kind === 'failed' && <p role="alert">{t('evidence.viewer.failed')}</p>}
      {loaded?.kind === 'bytes' && item.type !== 'application/pdf' && (
        <div className="evidence-image">
          <img src={loaded.url} alt={t('evidence.viewer.imageAlt', { name: item.name })} data-testid="evidence-image" />
        </div>
      )}
      {loaded?.kind === 'bytes' && item.type === 'application/pdf' && (
        <Suspense fallback={<p role="status">{t('evidence.viewer.loading')}</p>}>
          <PdfView data={loaded.data} name={item.name} onFailed={failed} />
        </Suspense>
      )}
    </dialog>
  );
}
