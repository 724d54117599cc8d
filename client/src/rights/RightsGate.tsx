import { useEffect, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RightsView } from '@accord/shared';
import { api, ApiError } from '../app/api';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { rememberPassed } from './acknowledged';
import { RightsText, textLanguage } from './RightsText';

/**
 * Before a party first enters the room: what this mediation is and their rights and duties, in the page's
 * language (the language switch changes it), to be read and acknowledged; the room (`children`) opens
 * once the server has the acknowledgement, and on every later visit at once. Anyone not asked (the server
 * says `required: false`) goes straight in.
 */
export default function RightsGate({
  caseId,
  token,
  me,
  children,
}: {
  caseId: string;
  token: string;
  me: string;
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const lang = textLanguage(i18n.language);
  const checkId = useId();
  const [view, setView] = useState<RightsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [through, setThrough] = useState(false);

  // Read again on a retry, and after the text changed under the party (`attempt`), in the page's language.
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    // Once through, nothing more to read here (the room reads the text itself when asked to).
    if (through) return;
    let live = true;
    api('GET /api/cases/:caseId/rights', { token, params: { caseId }, query: { lang } })
      .then((next) => {
        if (!live) return;
        setError(null);
        setView(next);
        if (!next.required || next.acknowledged) {
          rememberPassed(caseId, me);
          setThrough(true);
        }
      })
      .catch((err: unknown) => live && setError(errorMessage(t, err)));
    return () => {
      live = false;
    };
  }, [caseId, token, me, lang, t, attempt, through]);

  // Once in, the room stays: switching the language there must not close it.
  if (through) return <>{children}</>;

  const acknowledge = async () => {
    if (!view || !checked || busy) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST /api/cases/:caseId/rights/acknowledgement', {
        token,
        params: { caseId },
        body: { language: view.language, version: view.version, sha256: view.sha256 },
      });
      rememberPassed(caseId, me);
      setThrough(true);
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'rights.textChanged') {
        // Edited since it was shown: the new text, to be read and ticked again.
        setChanged(true);
        setChecked(false);
        setAttempt((n) => n + 1);
      } else setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  if (!view) {
    return (
      <div className="page-message">
        {error ? (
          <>
            <ErrorText error={error} testId="rights-error" />
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              {t('rights.retry')}
            </button>
          </>
        ) : (
          <p role="status">{t('rights.loading')}</p>
        )}
      </div>
    );
  }

  return (
    <div className="rights-gate" data-testid="rights-gate">
      <p className="rights-intro">{t('rights.intro')}</p>
      {changed && (
        <p role="alert" className="notice" data-testid="rights-changed">
          {t('rights.changed')}
        </p>
      )}
      <RightsText view={view} />
      <form
        className="rights-ack"
        onSubmit={(e) => {
          e.preventDefault();
          void acknowledge();
        }}
      >
        <label htmlFor={checkId} className="rights-check">
          <input
            id={checkId}
            type="checkbox"
            checked={checked}
            onChange={(e) => setChecked(e.target.checked)}
            data-testid="rights-check"
          />
          <span>{t('rights.understood')}</span>
        </label>
        <ErrorText error={error} testId="rights-error" />
        <button type="submit" disabled={!checked || busy} data-testid="rights-continue">
          {busy ? t('rights.continuing') : t('rights.continue')}
        </button>
      </form>
    </div>
  );
}
