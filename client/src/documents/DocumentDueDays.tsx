import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DOCUMENT_DUE_DAYS_DEFAULT, DOCUMENT_DUE_DAYS_MAX, type LenderAdminView } from '@accord/shared';
import { api } from '../app/api';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';

/**
 * A lender's working days to answer a document request (empty: the default), beside its plan limits.
 * Starts from the saved value; what is typed stays until saved (the admin's page is its only editor).
 */
export function DocumentDueDays({
  token,
  lender,
  onSaved,
}: {
  token: string;
  lender: LenderAdminView;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [days, setDays] = useState(lender.documentDueDays === null ? '' : String(lender.documentDueDays));
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const typed = days.trim();
    try {
      await api('PUT /api/lenders/:lenderId/document-due-days', {
        token,
        params: { lenderId: lender.id },
        body: { days: typed === '' ? null : /^\d{1,3}$/.test(typed) ? Number(typed) : Number.NaN },
      });
      setError(null);
      setSaved(true);
      onSaved();
    } catch (err) {
      setSaved(false);
      setError(errorMessage(t, err, { days: t('documents.dueDays') }));
    }
  };

  return (
    <form className="document-due-days" onSubmit={(e) => void save(e)}>
      <label>
        {t('documents.dueDays')}
        <input
          type="number"
          min={1}
          max={DOCUMENT_DUE_DAYS_MAX}
          value={days}
          onChange={(e) => {
            setDays(e.target.value);
            setSaved(false);
          }}
        />
        <span className="muted">{t('documents.dueDaysHint', { count: DOCUMENT_DUE_DAYS_DEFAULT })}</span>
      </label>
      <button type="submit">{t('documents.dueDaysSave')}</button>
      {saved && <span role="status">{t('documents.dueDaysSaved')}</span>}
      <ErrorText error={error} />
    </form>
  );
}
