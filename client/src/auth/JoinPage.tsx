import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { saveRoomSession } from '../app/session';
import { errorMessage } from '../app/errors';

/** Exchanges the invite in the link for a session, then enters the room (one click: none). */
export function JoinPage({ invite }: { invite: string }) {
  const { t } = useTranslation();
  // The failure itself, translated when shown, so a language switch re-translates it.
  const [error, setError] = useState<{ failure: unknown } | null>(null);
  const [pin, setPin] = useState<{ pin: string; caseId: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    api('POST /api/invites/:invite/accept', { params: { invite } })
      .then((session) => {
        if (cancelled) return;
        saveRoomSession(session);
        // The PIN is shown this once; the room opens after the person has noted it.
        if (session.pin) {
          window.history.replaceState(null, '', `/cases/${session.caseId}`);
          setPin({ pin: session.pin, caseId: session.caseId });
          return;
        }
        // The invite leaves the address bar and the history once used.
        navigate(`/cases/${session.caseId}`, { replace: true });
      })
      .catch((err: unknown) => {
        if (!cancelled) setError({ failure: err });
      });
    return () => {
      cancelled = true;
    };
  }, [invite]);

  if (pin) {
    return (
      <section className="card narrow" data-testid="pin-notice">
        <h2>{t('join.pinTitle')}</h2>
        <p className="pin" data-testid="pin">
          {pin.pin}
        </p>
        <p>{t('join.pinBody')}</p>
        <button type="button" onClick={() => navigate(`/cases/${pin.caseId}`, { replace: true })}>
          {t('join.enter')}
        </button>
      </section>
    );
  }

  return (
    <section className="page-message">
      {error === null ? (
        <p>{t('join.joining')}</p>
      ) : (
        <p role="alert">{t('join.failed', { message: errorMessage(t, error.failure) })}</p>
      )}
    </section>
  );
}
