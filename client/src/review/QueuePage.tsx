import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { io } from 'socket.io-client';
import { CaseCategory, CaseLifecycle, type QueueItem } from '@accord/shared';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { staffSession } from '../app/session';

/** Platform staff's queue and dashboard: filters, sort, search, and how long each case has waited. */
export function QueuePage() {
  const { t } = useTranslation();
  const staff = staffSession();
  const [status, setStatus] = useState('');
  const [category, setCategory] = useState('');
  const [minWait, setMinWait] = useState('');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState('waiting');
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const token = staff?.token;

  const load = useCallback(() => {
    if (!token) return;
    // Empty filters are left out of the query.
    const query = { sort, status, category, minWaitHours: minWait, q };
    void api('GET /api/review/queue', { token, query })
      .then(setItems)
      .catch(() => setItems([]));
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
          <select value={sort} onChange={(e) => setSort(e.target.value)}>
            <option value="waiting">{t('review.waiting')}</option>
            <option value="oldest">{t('review.oldest')}</option>
            <option value="newest">{t('review.newest')}</option>
          </select>
        </label>
      </div>
      {items && items.length === 0 && <p className="muted">{t('review.empty')}</p>}
      <table className="queue-table">
        <tbody>
          {items?.map((i) => (
            <tr key={i.caseId} data-testid={`queue-${i.caseNumber}`} data-status={i.status}>
              <td>{i.caseNumber}</td>
              <td>{t(`categories.${i.category}`)}</td>
              <td>{t(`statuses.${i.status}`)}</td>
              <td>{t('review.waited', { hours: i.waitingHours })}</td>
              <td>
                <button type="button" onClick={() => navigate(`/staff/cases/${i.caseId}`)}>
                  {t('review.open')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
