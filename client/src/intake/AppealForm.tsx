import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { APPEAL_REASON_MIN, type CaseProgress } from '@accord/shared';
import { api } from '../app/api';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';

/** A rejected complaint's one appeal, with its reason; once made, says that no other is taken. */
export function AppealForm({ progress, token }: { progress: CaseProgress; token: string }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (progress.status !== 'rejected') return null;
  if (progress.appeal) {
    return (
      <p className="muted" data-testid="no-appeal-left">
        {t('recovery.noAppealLeft')}
      </p>
    );
  }
  const tooShort = reason.trim().length < APPEAL_REASON_MIN;
  return (
    <form
      className="stack appeal"
      data-testid="appeal-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (tooShort) return setError(t('recovery.appealTooShort', { min: APPEAL_REASON_MIN }));
        // The tracking page updates live from the answer's progress (and the /track feed).
        void api('POST /api/cases/:caseId/appeal', { token, params: { caseId: progress.caseId }, body: { reason } })
          .then(() => {
            setReason('');
            setError(null);
          })
          .catch((err: unknown) => setError(errorMessage(t, err)));
      }}
    >
      <h3>{t('recovery.appealTitle')}</h3>
      <p>{t('recovery.appealHint', { min: APPEAL_REASON_MIN })}</p>
      <label>
        {t('recovery.appealReason')}
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={4}
          maxLength={2000}
          required
          data-testid="appeal-reason"
        />
      </label>
      <button type="submit" data-testid="appeal-send">
        {t('recovery.appealSend')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}
