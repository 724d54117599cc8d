import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResult } from '@accord/shared';
import { api, ApiError } from '../app/api';
import { navigate } from '../app/router';
import { forgetDeviceData, roomSessions, saveStaffSession, staffSession } from '../app/session';
import { errorMessage } from '../app/errors';

/** Staff see the cases they belong to; parties see the rooms they entered on this device. */
export function HomePage() {
  const { t } = useTranslation();
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
          <ul className="case-list">
            {me?.memberships.map((m) => (
              <li key={m.case.id}>
                <button type="button" onClick={() => open(m.case.id)}>
                  {m.case.number} · {m.case.title} · {t(`roles.${m.role}`)}
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="link"
            onClick={() => {
              const token = staff.token;
              saveStaffSession(null);
              // A shared device keeps nothing of the person who signed out.
              void forgetDeviceData(staff.user.id);
              // Best effort: the session on this device is gone either way.
              void api('POST /api/auth/logout', { token }).catch(() => undefined);
              navigate('/');
            }}
          >
            {t('home.signOut')}
          </button>
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
