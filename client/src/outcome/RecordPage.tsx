import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CourtPackageInfo, SealedOutcome } from '@accord/shared';
import { api, ApiError } from '../app/api';
import { ErrorText } from '../app/ErrorText';
import { downloadPdf as fetchPdf } from './download';
import { RecordView } from './RecordView';
import { errorMessage } from '../app/errors';
import { CourtPackagePanel } from '../court/CourtPackagePanel';

/** The printable record of a case (a member's token is needed to fetch it), and its PDF. */
export function RecordPage({ caseId, token }: { caseId: string; token: string }) {
  const { t } = useTranslation();
  const [sealed, setSealed] = useState<SealedOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pdfError, setPdfError] = useState<string | null>(null);
  // Fetched beside the record and shown with it: arriving later, it would push the record down the page.
  const [court, setCourt] = useState<CourtPackageInfo | null | undefined>(undefined);
  useEffect(() => {
    api('GET /api/cases/:caseId/court-package', { token, params: { caseId } })
      .then(setCourt)
      // Not a settlement, or not this viewer's to see: there is nothing to offer.
      .catch(() => setCourt(null));
  }, [caseId, token]);
  useEffect(() => {
    api('GET /api/cases/:caseId/outcome', { token, params: { caseId } })
      .then(setSealed)
      .catch((err: unknown) =>
        setError(err instanceof ApiError && err.code === 'NOT_FOUND' ? t('record.notFound') : errorMessage(t, err)),
      );
  }, [caseId, token, t]);
  if (error) return <p className="page-message">{error}</p>;
  if (!sealed || court === undefined) return <p className="page-message">{t('record.checking')}</p>;
  const downloadPdf = () => {
    setPdfError(null);
    fetchPdf(caseId, sealed.record.caseNumber, token).catch(() => setPdfError(t('record.downloadFailed')));
  };
  return (
    <div className="record-page">
      <div className="button-row no-print">
        <button type="button" onClick={() => window.print()}>
          {t('record.print')}
        </button>
        <button type="button" data-testid="download-pdf" onClick={downloadPdf}>
          {t('record.downloadPdf')}
        </button>
      </div>
      <ErrorText error={pdfError} />
      {sealed.record.outcome.kind === 'settled' && <CourtPackagePanel caseId={caseId} token={token} known={court} />}
      <RecordView sealed={sealed} />
    </div>
  );
}
