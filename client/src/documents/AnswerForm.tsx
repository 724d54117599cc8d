import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DOCUMENT_DECLINE_MAX,
  DOCUMENT_DECLINE_MIN,
  type DocumentRequestList,
  type DocumentRequestView,
} from '@accord/shared';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { postForm } from '../app/upload';
import { FileInput } from '../app/FileInput';

/**
 * The lender's staff (or the centre) answer one open request: with files, which become evidence of
 * the case shown to both parties, or with the reason they cannot be provided. Either answers it for
 * good, so each is confirmed first.
 */
export function AnswerForm({
  caseId,
  token,
  request,
  onAnswered,
}: {
  caseId: string;
  token: string;
  request: DocumentRequestView;
  onAnswered: (list: DocumentRequestList) => void;
}) {
  const { t } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();
  const params = { caseId, requestId: request.id };

  const run = async (p: () => Promise<DocumentRequestList>) => {
    setBusy(true);
    try {
      onAnswered(await p());
      setError(null);
    } catch (err) {
      setError(errorMessage(t, err, { reason: t('documents.declineReason'), evidence: t('documents.files') }));
    } finally {
      setBusy(false);
    }
  };

  const provide = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await confirm({
      title: t('documents.confirmProvideTitle'),
      body: t('documents.confirmProvide', { count: files.length }),
      confirm: t('documents.sendFiles'),
    });
    if (!ok) return;
    const form = new FormData();
    for (const f of files) form.append('evidence', f, f.name);
    await run(() =>
      postForm('POST /api/cases/:caseId/document-requests/:requestId/documents', form, { token, params }),
    );
  };

  const decline = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await confirm({
      title: t('documents.confirmDeclineTitle'),
      body: t('documents.confirmDecline'),
      confirm: t('documents.decline'),
      danger: true,
    });
    if (!ok) return;
    await run(() =>
      api('POST /api/cases/:caseId/document-requests/:requestId/decline', { token, params, body: { reason } }),
    );
  };

  return (
    <div className="document-answer stack">
      <form className="stack" onSubmit={(e) => void provide(e)}>
        <label>
          {t('documents.files')}
          <FileInput
            multiple
            required
            accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </label>
        <button type="submit" className="action-primary" disabled={busy || files.length === 0}>
          {t('documents.sendFiles')}
        </button>
      </form>
      <form className="stack" onSubmit={(e) => void decline(e)}>
        <label>
          {t('documents.declineReason')}
          <textarea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            minLength={DOCUMENT_DECLINE_MIN}
            maxLength={DOCUMENT_DECLINE_MAX}
          />
          <span className="muted">
            {t('documents.declineHint', { min: DOCUMENT_DECLINE_MIN, max: DOCUMENT_DECLINE_MAX })}
          </span>
        </label>
        <button type="submit" className="danger" disabled={busy}>
          {t('documents.decline')}
        </button>
      </form>
      <ErrorText error={error} />
      {dialog}
    </div>
  );
}
