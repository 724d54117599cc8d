import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCents, type MembershipView, type MeResult } from '@accord/shared';
import { api, ApiError } from '../app/api';
import { navigate } from '../app/router';
import { roomSessions, saveStaffSession, staffSession } from '../app/session';
import { errorMessage } from '../app/errors';
import { dateFormat } from '../staff/format';

/** Staff see the cases they belong to; parties see the rooms they entered on this device. */
export function HomePage() {
  const { t, i18n } = useTranslation();
  const staff = staffSession();
  const [me, setMe] = useState<MeResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rooms = Object.values(roomSessions());

  useEffect(() => {
    if (!staff) return;
    api('GET /api/me', { token: staff.token })
      .then(setMe)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code.startsWith('TOKEN')) saveStaffSession(null);
        setError(errorMessage(t, err));
      });
    // The staff session is read once per visit of this page.
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const open = (caseId: string) => navigate(`/cases/${caseId}`);
  const filed = dateFormat(i18n.language);
  // The staff case page (details, history, scheduling) for those who may open it; the room for others.
  const staffRole = staff?.user.staffRole;
  const caseLink = (m: MembershipView) =>
    staffRole === 'platform' || staffRole === 'admin' || m.role === 'mediator'
      ? `/staff/cases/${m.case.id}`
      : `/cases/${m.case.id}`;

  return (
    <section className="card">
      {!staff && <p>{t('home.intro')}</p>}
      <p className="button-row">
        <button type="button" data-testid="go-complain" onClick={() => navigate('/complain')}>
          {t('home.complain')}
        </button>
        {(staff?.user.staffRole === 'platform' ||
          staff?.user.staffRole === 'reviewer' ||
          staff?.user.staffRole === 'admin') && (
          <button type="button" data-testid="go-queue" onClick={() => navigate('/staff')}>
            {t('home.review')}
          </button>
        )}
        {staff?.user.staffRole === 'admin' && (
          <button type="button" data-testid="go-mediators" onClick={() => navigate('/admin/mediators')}>
            {t('home.mediators')}
          </button>
        )}
        {staff?.user.staffRole === 'admin' && (
          <button type="button" data-testid="go-accounts" onClick={() => navigate('/admin/accounts')}>
            {t('home.accounts')}
          </button>
        )}
      </p>
      {rooms.length > 0 && (
        <ul className="case-list">
          {rooms.map((r) => (
            <li key={r.caseId}>
              <button type="button" onClick={() => open(r.caseId)}>
                {t('home.open')} · {r.displayName} · {t(`roles.${r.role}`)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {staff ? (
        <>
          <h2>{t('home.yourCases')}</h2>
          {error && <p role="alert">{error}</p>}
          {me && me.memberships.length === 0 && <p>{t('home.noCases')}</p>}
          {me && me.memberships.length > 0 && (
            <table className="data-table" data-testid="my-cases">
              <caption>{t('home.caption', { n: me.memberships.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('review.colCase')}</th>
                  <th scope="col">{t('review.colType')}</th>
                  <th scope="col" className="num">
                    {t('review.colAmount')}
                  </th>
                  <th scope="col">{t('review.colFiled')}</th>
                  <th scope="col">{t('review.colStatus')}</th>
                  <th scope="col">{t('review.colRole')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('home.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {me.memberships.map((m) => (
                  <tr key={m.case.id} data-testid={`my-case-${m.case.number}`} data-status={m.case.status}>
                    <th scope="row" data-label={t('review.colCase')}>
                      <div>
                        <button type="button" className="link" onClick={() => navigate(caseLink(m))}>
                          {m.case.number}
                        </button>
                        <span className="muted case-title">{m.case.title}</span>
                      </div>
                    </th>
                    <td data-label={t('review.colType')}>{t(`categories.${m.case.category}`)}</td>
                    <td data-label={t('review.colAmount')} className="num">
                      {t('review.amountValue', { amount: formatCents(m.case.amountInDisputeCents) })}
                    </td>
                    <td data-label={t('review.colFiled')}>
                      <time dateTime={m.case.createdAt}>{filed.format(new Date(m.case.createdAt))}</time>
                    </td>
                    <td data-label={t('review.colStatus')}>{t(`statuses.${m.case.status}`)}</td>
                    <td data-label={t('review.colRole')}>{t(`roles.${m.role}`)}</td>
                    <td>
                      <button
                        type="button"
                        // Each row's button says which case it opens.
                        aria-label={`${t('home.open')} · ${m.case.number} · ${m.case.title}`}
                        onClick={() => open(m.case.id)}
                      >
                        {t('home.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <p>
          <a
            href="/login"
            onClick={(e) => {
              e.preventDefault();
              navigate('/login');
            }}
          >
            {t('home.staffSignIn')}
          </a>
        </p>
      )}
    </section>
  );
}
