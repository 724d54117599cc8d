import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InviteAcceptResult } from '@accord/shared';
import { api, ApiError } from '../app/api';
import { navigate } from '../app/router';
import { saveRoomSession } from '../app/session';

/** Exchanges the invite in the link for a session, then enters the room (one click: none). */
export function JoinPage({ invite }: { invite: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api(InviteAcceptResult, `/invites/${encodeURIComponent(invite)}/accept`, { method: 'POST' })
      .then((session) => {
        if (cancelled) return;
        saveRoomSession(session);
        // The invite leaves the address bar and the history once used.
        navigate(`/cases/${session.caseId}`, { replace: true });
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(err instanceof ApiError ? err.message : String(err));
      });
    return () => {
      cancelled = true;
    };
  }, [invite]);

  return (
    <section className="page-message">
      {error === null ? <p>{t('join.joining')}</p> : <p role="alert">{t('join.failed', { message: error })}</p>}
    </section>
  );
}
