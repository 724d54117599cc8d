import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { io } from 'socket.io-client';
import { CaseCategory, CaseLifecycle, formatCents, type QueueItem } from '@accord/shared';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { staffSession } from '../app/session';
import { dateFormat } from '../staff/format';

type Sort = 'waiting' | 'oldest' | 'newest';

/**
 * The staff's queue and dashboard (reviewers see every case, a lender's staff their lender's): filters, sort, search, and how long each case has waited. A
 * table with column headers on a wide screen; on a phone each row is laid out as a card (CSS).
 */
export function QueuePage() {
  const { t, i18n } = useTranslation();
  const staff = staffSession();
  const [status, setStatus] = useState('');
  const [category, setCategory] = useState('');
  const [minWait, setMinWait] = useState('');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<Sort>('waiting');
  const [items, setItems] = useState<QueueItem[] | null>(null);
  // Unanswered questions about the contract, per case: shown on the case's row so staff find them.
  const [openQuestions, setOpenQuestions] = useState<ReadonlyMap<string, number>>(new Map());
  // Open document requests per case (and how many are overdue): shown on the case's row too.
  const [openDocuments, setOpenDocuments] = useState<ReadonlyMap<string, { open: number; overdue: number }>>(new Map());
  const token = staff?.token;

  const load = useCallback(() => {
    if (!token) return;
    // Empty filters are left out of the query.
    const query = { sort, status, category, minWaitHours: minWait, q };
    void api('GET /api/review/queue', { token, query })
      .then(setItems)
      .catch(() => setItems([]));
    void api('GET /api/document-requests/open', { token })
      .then((requests) => {
        const counts = new Map<string, { open: number; overdue: number }>();
        for (const r of requests) {
          const n = counts.get(r.caseId) ?? { open: 0, overdue: 0 };
          counts.set(r.caseId, { open: n.open + 1, overdue: n.overdue + (r.overdue ? 1 : 0) });
        }
        setOpenDocuments(counts);
      })
      .catch(() => undefined);
    void api('GET /api/questions/open', { token })
      .then((counts) => setOpenQuestions(new Map(counts.map((c) => [c.caseId, c.open]))))
      .catch(() => undefined);
  }, [token, status, category, minWait, q, sort]);

  useEffect(load, [load]);
  // The dashboard follows every case live.
  useEffect(() => {
    if (!token) return;
    const socket = io('/track', { auth: { token } });
    socket.on('case:progress', load);
    return () => {
      socket.disconnect();
    };
  }, [token, load]);

  if (!token) return <p className="page-message">{t('room.notFound')}</p>;
  const filed = dateFormat(i18n.language);
  return (
    <section className="card queue" data-testid="queue">
      <h2>{t('review.title')}</h2>
      <div className="filters">
        <label>
          {t('review.filterStatus')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('review.any')}</option>
            {CaseLifecycle.options.map((s) => (
              <option key={s} value={s}>
                {t(`statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('review.filterCategory')}
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('review.any')}</option>
            {CaseCategory.options.map((c) => (
              <option key={c} value={c}>
                {t(`categories.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('review.minWait')}
          <input value={minWait} onChange={(e) => setMinWait(e.target.value)} inputMode="numeric" />
        </label>
        <label>
          {t('review.search')}
          <input value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          {t('review.sort')}
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="waiting">{t('review.waiting')}</option>
            <option value="oldest">{t('review.oldest')}</option>
            <option value="newest">{t('review.newest')}</option>
          </select>
        </label>
      </div>
      <p className="muted">{t('review.live')}</p>
      {items && items.length === 0 && <p className="muted">{t('review.empty')}</p>}
      {items && items.length > 0 && (
        <table className="data-table" data-testid="queue-table">
          <caption>{t('review.caption', { n: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('review.colCase')}</th>
              <th scope="col">{t('review.colType')}</th>
              <th scope="col" className="num">
                {t('review.colAmount')}
              </th>
              <th
                scope="col"
                aria-sort={sort === 'oldest' ? 'ascending' : sort === 'newest' ? 'descending' : undefined}
              >
                <button
                  type="button"
                  className="link"
                  data-testid="sort-filed"
                  onClick={() => setSort(sort === 'oldest' ? 'newest' : 'oldest')}
                >
                  {t('review.colFiled')}
                  <span aria-hidden="true">{sort === 'oldest' ? ' ▲' : sort === 'newest' ? ' ▼' : ''}</span>
                </button>
              </th>
              <th scope="col">{t('review.colStatus')}</th>
              <th scope="col" aria-sort={sort === 'waiting' ? 'descending' : undefined}>
                <button type="button" className="link" data-testid="sort-waiting" onClick={() => setSort('waiting')}>
                  {t('review.colWaiting')}
                  <span aria-hidden="true">{sort === 'waiting' ? ' ▼' : ''}</span>
                </button>
              </th>
              <th scope="col">{t('review.colMediator')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.caseId} data-testid={`queue-${i.caseNumber}`} data-status={i.status}>
                <th scope="row" data-label={t('review.colCase')}>
                  <div>
                    <button type="button" className="link" onClick={() => navigate(`/staff/cases/${i.caseId}`)}>
                      {i.caseNumber}
                    </button>
                    <span className="muted case-title">{i.title}</span>
                    {openQuestions.has(i.caseId) && (
                      <span className="badge question-open" data-testid="queue-questions">
                        {t('questions.badge', { count: openQuestions.get(i.caseId) })}
                      </span>
                    )}
                    <DocumentsBadge counts={openDocuments.get(i.caseId)} />
                  </div>
                </th>
                <td data-label={t('review.colType')}>{t(`categories.${i.category}`)}</td>
                <td data-label={t('review.colAmount')} className="num" data-testid="queue-amount">
                  {t('review.amountValue', { amount: formatCents(i.amountInDisputeCents) })}
                </td>
                <td data-label={t('review.colFiled')}>
                  <time dateTime={i.createdAt}>{filed.format(new Date(i.createdAt))}</time>
                </td>
                <td data-label={t('review.colStatus')} data-testid="queue-status">
                  {t(`statuses.${i.status}`)}
                </td>
                <td data-label={t('review.colWaiting')}>{t('review.waitedHours', { hours: i.waitingHours })}</td>
                <td data-label={t('review.colMediator')}>
                  {i.mediatorName ?? <span className="muted">{t('review.noMediator')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A case's open document requests on its row; overdue ones named as such. */
function DocumentsBadge({ counts }: { counts: { open: number; overdue: number } | undefined }) {
  const { t } = useTranslation();
  if (!counts) return null;
  return counts.overdue > 0 ? (
    <span className="badge document-overdue" data-testid="queue-documents">
      {t('documents.badgeOverdue', { count: counts.overdue })}
    </span>
  ) : (
    <span className="badge question-open" data-testid="queue-documents">
      {t('documents.badge', { count: counts.open })}
    </span>
  );
}
