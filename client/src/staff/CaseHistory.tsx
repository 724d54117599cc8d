import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseHistoryEntry, CaseLifecycle } from '@accord/shared';
import { api } from '../app/api';
import { sessionText } from '../intake/session';
import { dateFormat } from './format';

/** Every step taken on the case, with who took it and the reason they recorded (staff only). */
export function CaseHistory({ caseId, token, version }: { caseId: string; token: string; version: number }) {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<CaseHistoryEntry[] | null>(null);
  useEffect(() => {
    void api('GET /api/cases/:caseId/history', { token, params: { caseId } })
      .then(setEntries)
      .catch(() => undefined);
  }, [caseId, token, version]);
  if (!entries) return null;
  const time = dateFormat(i18n.language, true);
  // What a step's timeline note is depends on the step: a reason, a question, an answer, a name.
  const noteText = (to: CaseLifecycle, note: string) => {
    switch (to) {
      case 'accepted':
      case 'rejected':
      case 'info_requested':
      case 'under_review':
      case 'mediator_assigned':
      case 'withdrawn':
        return t(`history.noteAs.${to}`, { note });
      default:
        return t('history.note', { note });
    }
  };
  return (
    <section className="panel" aria-labelledby="case-history">
      <h3 id="case-history">{t('history.title')}</h3>
      {entries.length === 0 ? (
        <p className="muted">{t('history.empty')}</p>
      ) : (
        <ol className="timeline history" data-testid="history">
          {entries.map((e, i) => (
            <li key={`${e.at}-${i}`} data-kind={e.kind} data-status={e.kind === 'status' ? e.to : undefined}>
              <time dateTime={e.at}>{time.format(new Date(e.at))}</time>{' '}
              <strong>
                {e.kind === 'status'
                  ? t(`statuses.${e.to}`)
                  : e.kind === 'pii_revealed'
                    ? t('history.revealed', { field: t(`history.fields.${e.field}`) })
                    : e.kind === 'hardship'
                      ? t(e.changed ? 'history.hardshipChanged' : 'history.hardshipDeclared', {
                          kind: t(`hardship.kinds.${e.hardship}`),
                        })
                      : e.kind === 'evidence_added'
                        ? t('history.evidenceAdded')
                        : e.kind === 'documents'
                          ? t(`documents.history.${e.step}`)
                          : t(e.kind === 'question_asked' ? 'history.questionAsked' : 'history.questionAnswered')}
              </strong>{' '}
              <span className="muted">
                {e.byName
                  ? t('history.by', { name: e.byName })
                  : e.kind === 'status'
                    ? t(`history.byRole.${e.by}`)
                    : null}
              </span>
              {e.kind === 'status' && e.session && (
                <div className="muted">{sessionText(t, i18n.language, e.session)}</div>
              )}
              {e.kind === 'status' && e.note && (
                <div className="wrap" data-testid="history-note">
                  {noteText(e.to, e.note)}
                </div>
              )}
              {e.reason && (
                <div className="wrap" data-testid="history-reason">
                  {t('history.reason', { reason: e.reason })}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
