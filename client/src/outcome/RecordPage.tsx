import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SealedOutcome } from '@accord/shared';
import { api, ApiError } from '../app/api';
import { RecordView } from './RecordView';

/** The printable record of a case (a member's token is needed to fetch it). */
export function RecordPage({ caseId, token }: { caseId: string; token: string }) {
  const { t } = useTranslation();
  const [sealed, setSealed] = useState<SealedOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api('GET /api/cases/:caseId/outcome', { token, params: { caseId } })
      .then(setSealed)
      .catch((err: unknown) =>
        setError(err instanceof ApiError && err.code === 'NOT_FOUND' ? t('record.notFound') : String(err)),
      );
  }, [caseId, token, t]);
  if (error) return <p className="page-message">{error}</p>;
  if (!sealed) return <p className="page-message">{t('record.checking')}</p>;
  return (
    <div className="record-page">
      <button type="button" className="no-print" onClick={() => window.print()}>
        {t('record.print')}
      </button>
      <RecordView sealed={sealed} />
    </div>
  );
}
