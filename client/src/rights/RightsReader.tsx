import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RightsView } from '@accord/shared';
import { api } from '../app/api';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { formatDateTime } from '../app/format';
import { RightsText, textLanguage } from './RightsText';

/**
 * The rights and duties read again from inside the room, read-only, in a modal dialog (the mediator reads
 * them here too); a party sees when they acknowledged them.
 */
export default function RightsReader({
  caseId,
  token,
  onClose,
}: {
  caseId: string;
  token: string;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = textLanguage(i18n.language);
  const ref = useRef<HTMLDialogElement>(null);
  const [view, setView] = useState<RightsView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
      opener?.focus();
    };
  }, []);

  useEffect(() => {
    let live = true;
    api('GET /api/cases/:caseId/rights', { token, params: { caseId }, query: { lang } })
      .then((v) => live && setView(v))
      .catch((err: unknown) => live && setError(errorMessage(t, err)));
    return () => {
      live = false;
    };
  }, [caseId, token, lang, t]);

  return (
    <dialog
      ref={ref}
      className="rights-dialog"
      data-testid="rights-reader"
      aria-label={t('rights.readAgain')}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {view ? <RightsText view={view} headingLevel={2} /> : !error && <p role="status">{t('rights.loading')}</p>}
      <ErrorText error={error} />
      {view?.acknowledged && (
        <p className="muted" data-testid="rights-acknowledged">
          {t('rights.acknowledgedAt', { time: formatDateTime(view.acknowledged.at, i18n.language) })}
        </p>
      )}
      <div className="button-row confirm-actions">
        <button type="button" onClick={onClose} data-testid="rights-close">
          {t('rights.close')}
        </button>
      </div>
    </dialog>
  );
}
