import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DOCUMENT_KINDS,
  DOCUMENT_NOTE_MAX,
  pathOf,
  type DocumentKind,
  type DocumentRequestList,
  type DocumentRequestView,
} from '@accord/shared';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { DEFAULT_TIME_ZONE, formatDateTime, formatSize } from '../app/format';
import { downloadWithToken } from '../app/upload';
import { AnswerForm } from './AnswerForm';
import type { DocumentRequestsPanelProps } from './panel-props';

export type { DocumentRequestsPanelProps } from './panel-props';

/**
 * The case's document requests: for the customer the form to ask the lender for a named document;
 * for everyone who may read them the list with each request's state (open with its due date, overdue,
 * provided with the documents to download, declined with the reason); for the lender's staff and the
 * centre the form under each open request to answer it. Asking and answering cannot be taken back, so
 * each is confirmed first.
 */
export function DocumentRequestsPanel({
  caseId,
  token,
  version = 0,
  timeZone = DEFAULT_TIME_ZONE,
  flagOverdue = false,
}: DocumentRequestsPanelProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const [list, setList] = useState<DocumentRequestList | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api('GET /api/cases/:caseId/document-requests', { token, params: { caseId } })
      .then((v) => {
        setList(v);
        setError(null);
      })
      .catch((err: unknown) => setError(errorMessage(t, err)));
  }, [caseId, token, t]);
  useEffect(load, [load, version]);

  if (!list) return error ? <ErrorText error={error} /> : null;
  // Who can neither ask nor answer sees the section only once there is a request.
  if (!list.mayRequest && !list.mayAnswer && list.requests.length === 0) return null;
  const overdue = list.requests.filter((r) => r.overdue);
  const ordered = flagOverdue ? [...overdue, ...list.requests.filter((r) => !r.overdue)] : list.requests;

  return (
    <section className="panel document-requests" aria-labelledby={titleId} data-testid="document-requests">
      <h2 id={titleId}>
        {t('documents.title')}
        {overdue.length > 0 && (
          <span className="badge document-overdue" data-testid="documents-overdue-count">
            {t('documents.overdueCount', { count: overdue.length })}
          </span>
        )}
      </h2>
      {flagOverdue && overdue.length > 0 && (
        <p className="document-overdue-alert" role="alert">
          {t('documents.overdueAlert', { count: overdue.length })}
        </p>
      )}
      <p className="muted">
        {list.mayAnswer ? t('documents.staffIntro') : t('documents.intro', { count: list.dueWorkingDays })}
      </p>
      {list.requests.length === 0 ? (
        <p className="muted">{t('documents.none')}</p>
      ) : (
        <ul className="document-request-list">
          {ordered.map((r) => (
            <RequestItem
              key={r.id}
              request={r}
              caseId={caseId}
              token={token}
              timeZone={timeZone}
              mayAnswer={list.mayAnswer}
              onAnswered={setList}
            />
          ))}
        </ul>
      )}
      {list.mayRequest && <AskForm caseId={caseId} token={token} onAsked={setList} />}
      <ErrorText error={error} />
    </section>
  );
}

function RequestItem({
  request: r,
  caseId,
  token,
  timeZone,
  mayAnswer,
  onAnswered,
}: {
  request: DocumentRequestView;
  caseId: string;
  token: string;
  timeZone: string;
  mayAnswer: boolean;
  onAnswered: (list: DocumentRequestList) => void;
}) {
  const { t, i18n } = useTranslation();
  const at = (iso: string) => formatDateTime(iso, i18n.language, timeZone);
  const state = r.overdue ? 'overdue' : r.status;
  const who = r.answeredBy
    ? r.answeredBy.name
      ? t(r.answeredBy.role === 'lender' ? 'documents.lenderNamed' : 'documents.centreNamed', {
          name: r.answeredBy.name,
        })
      : t(r.answeredBy.role === 'lender' ? 'documents.lender' : 'documents.centre')
    : '';
  return (
    <li className="document-request" data-status={state} data-testid="document-request">
      <p>
        <strong>{t(`documents.kinds.${r.kind}`)}</strong>{' '}
        <span className={`badge document-${state}`}>{t(`documents.status.${state}`)}</span>
      </p>
      {r.note && <p className="wrap">{r.note}</p>}
      <p className="muted">
        {t('documents.requested', { at: at(r.requestedAt) })}
        {' · '}
        {r.status === 'open' && (
          <span className={r.overdue ? 'document-overdue-text' : undefined}>
            {t(r.overdue ? 'documents.overdue' : 'documents.due', { at: at(r.dueAt) })}
          </span>
        )}
        {r.status === 'provided' && r.answeredAt && t('documents.provided', { who, at: at(r.answeredAt) })}
        {r.status === 'declined' && r.answeredAt && t('documents.declined', { who, at: at(r.answeredAt) })}
      </p>
      {r.reason && <p className="wrap">{t('documents.reason', { reason: r.reason })}</p>}
      {r.documents.length > 0 && (
        <ul className="document-files">
          {r.documents.map((d) => (
            <li key={d.id}>
              <button
                type="button"
                className="link"
                onClick={() =>
                  void downloadWithToken(
                    pathOf('GET /api/cases/:caseId/evidence/:evidenceId', { caseId, evidenceId: d.id }),
                    token,
                    d.name,
                  )
                }
              >
                {d.name}
              </button>{' '}
              <span className="muted">{formatSize(d.size, i18n.language)}</span>
            </li>
          ))}
        </ul>
      )}
      {mayAnswer && r.status === 'open' && (
        <AnswerForm caseId={caseId} token={token} request={r} onAnswered={onAnswered} />
      )}
    </li>
  );
}

function AskForm({
  caseId,
  token,
  onAsked,
}: {
  caseId: string;
  token: string;
  onAsked: (list: DocumentRequestList) => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<DocumentKind>('loan_contract');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await confirm({
      title: t('documents.confirmAskTitle'),
      body: t('documents.confirmAsk'),
      confirm: t('documents.send'),
    });
    if (!ok) return;
    setBusy(true);
    try {
      // One id per request, so that one sent again after a lost answer is stored once.
      const id = crypto.randomUUID();
      onAsked(
        await api('POST /api/cases/:caseId/document-requests', { token, params: { caseId }, body: { id, kind, note } }),
      );
      setNote('');
      setError(null);
    } catch (err) {
      setError(
        errorMessage(t, err, {
          note: t(kind === 'other' ? 'documents.noteOther' : 'documents.note'),
          kind: t('documents.kind'),
        }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack document-ask" onSubmit={(e) => void submit(e)}>
      <label>
        {t('documents.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as DocumentKind)}>
          {DOCUMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`documents.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t(kind === 'other' ? 'documents.noteOther' : 'documents.note')}
        <textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={DOCUMENT_NOTE_MAX}
          required={kind === 'other'}
          minLength={kind === 'other' ? 2 : undefined}
        />
        <span className="muted">{t('documents.noteHint', { max: DOCUMENT_NOTE_MAX })}</span>
      </label>
      <button type="submit" className="action-primary" disabled={busy}>
        {t('documents.send')}
      </button>
      <ErrorText error={error} />
      {dialog}
    </form>
  );
}
