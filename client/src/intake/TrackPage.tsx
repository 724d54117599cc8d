import { lazy, Suspense, useCallback, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { pathOf, type CaseProgress, type SurveyState } from '@accord/shared';
import { api } from '../app/api';
import { roomSessions, saveRoomSession } from '../app/session';
import { downloadWithToken, postForm } from '../app/upload';
import { AppealForm } from './AppealForm';
import { EvidenceList } from './EvidenceList';
import { NextStep, TrackingLink } from './NextStep';
import { ProgressView } from './ProgressView';
import { useProgress } from './useProgress';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { caseTimeZone, formatDateTime } from '../app/format';
import { useOnline } from '../app/useOnline';
import { HardshipPanel } from '../hardship/HardshipPanel';
import { CourtPackagePanel } from '../court/CourtPackagePanel';
import { TrackDocumentsLazy } from '../documents/lazy-track';
import { SurveyCard } from '../surveys/SurveyCard';
import { FileInput } from '../app/FileInput';

// Below the timeline, never at first paint: a chunk of its own (the page's budget), nothing shown while it loads.
const QuestionsPanel = lazy(() => import('../questions/QuestionsPanel').then((m) => ({ default: m.QuestionsPanel })));

const trackedKey = (trackingId: string) => `accord.track.${trackingId.slice(0, 12)}`;

/** The customer's tracking page: sign in with the link's PIN once, then follow the case live. */
export function TrackPage({ trackingId }: { trackingId: string }) {
  const { t } = useTranslation();
  const [caseId, setCaseId] = useState<string | null>(() => localStorage.getItem(trackedKey(trackingId)));
  const session = caseId ? roomSessions()[caseId] : undefined;
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);

  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const result = await api('POST /api/track/:trackingId/sign-in', { params: { trackingId }, body: { pin } });
      saveRoomSession(result);
      localStorage.setItem(trackedKey(trackingId), result.caseId);
      setCaseId(result.caseId);
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };

  if (!caseId || !session) {
    return (
      <section className="card narrow">
        <h2>{t('track.signInTitle')}</h2>
        <form className="stack" onSubmit={(e) => void signIn(e)}>
          <label>
            {t('track.pin')}
            <input
              value={pin}
              onChange={(e) => setPin(e.target.value)}
              inputMode="numeric"
              pattern="\d{6}"
              autoComplete="one-time-code"
              required
            />
          </label>
          <button type="submit">{t('track.signIn')}</button>
          <ErrorText error={error} />
        </form>
      </section>
    );
  }
  return <CaseTracker caseId={caseId} token={session.token} />;
}

function CaseTracker({ caseId, token }: { caseId: string; token: string }) {
  const { t, i18n } = useTranslation();
  const { progress, savedAt } = useProgress(caseId, token);
  const online = useOnline();
  const [answer, setAnswer] = useState('');
  const [evidenceVersion, setEvidenceVersion] = useState(0);
  const [surveyState, setSurveyState] = useState<SurveyState | null>(null);
  const survey = useRef<HTMLDivElement>(null);
  // Two places for errors: by the next step (its action, the answer) and by the page's other forms at
  // the bottom, so that on a phone the error is seen where the button was pressed.
  const [stepError, setStepError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const wordError = useCallback(
    (err: unknown) => errorMessage(t, err, { answer: t('track.answer'), evidence: t('track.addEvidence') }),
    [t],
  );
  const showStepError = useCallback((err: unknown) => setStepError(wordError(err)), [wordError]);
  const run = async (p: Promise<unknown>, set: (e: string | null) => void = setError) => {
    try {
      await p;
      set(null);
    } catch (err) {
      set(wordError(err));
    }
  };
  if (!progress)
    return (
      <p className="page-message" role="status">
        {online ? t('app.loading') : t('track.offlineNothing')}
      </p>
    );
  const open = !['rejected', 'settled', 'not_settled', 'withdrawn', 'closed'].includes(progress.status);

  return (
    <section className="card tracking" data-testid="tracking">
      <h2>
        <span className="case-number">{progress.caseNumber}</span> {progress.title}
      </h2>
      {savedAt && (
        <p className="saved-copy" role="status" data-testid="progress-saved-copy">
          {t(online ? 'track.savedCopyLoading' : 'track.savedCopyOffline', {
            time: formatDateTime(savedAt, i18n.language),
          })}
        </p>
      )}
      <NextStep
        progress={progress}
        token={token}
        surveyState={surveyState}
        onSurvey={() => {
          survey.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
          survey.current?.querySelector<HTMLElement>('input, button')?.focus({ preventScroll: true });
        }}
        onError={showStepError}
      >
        {progress.question && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(
                api('POST /api/cases/:caseId/answer', { token, params: { caseId }, body: { answer } }).then(() =>
                  setAnswer(''),
                ),
                setStepError,
              );
            }}
          >
            <p>
              <strong>{t('track.question')}:</strong> {progress.question}
            </p>
            <label>
              {t('track.answer')}
              <textarea value={answer} onChange={(e) => setAnswer(e.target.value)} required minLength={2} />
            </label>
            <button type="submit" className="action-primary">
              {t('track.send')}
            </button>
          </form>
        )}
        {progress.rejectionReason && (
          <p className="wrap">
            <strong>{t('track.rejected')}:</strong> {progress.rejectionReason}
          </p>
        )}
        <ErrorText error={stepError} />
      </NextStep>
      {/* After the session: asked first, above everything else the page still offers. */}
      <div ref={survey}>
        <SurveyCard caseId={caseId} token={token} version={progress.status} onState={setSurveyState} />
      </div>
      <AppealForm progress={progress} token={token} />
      <TrackingLink />
      <p className="muted">{t('track.live')}</p>
      <ProgressView progress={progress} />
      {/* Read again as the timeline grows: an answer arrives with its step, pushed live. */}
      <Suspense fallback={null}>
        <QuestionsPanel
          caseId={caseId}
          token={token}
          viewer="customer"
          version={progress.timeline.length}
          timeZone={caseTimeZone(progress.session)}
        />
      </Suspense>
      {/* Its own chunk (the page's budget); read again as the timeline grows, each step pushed live. */}
      <TrackDocumentsLazy
        caseId={caseId}
        token={token}
        version={progress.timeline.length}
        timeZone={caseTimeZone(progress.session)}
      />
      <EvidenceList caseId={caseId} token={token} version={`${evidenceVersion}:${progress.timeline.length}`} />
      <HardshipPanel
        caseId={caseId}
        token={token}
        canDeclare={open}
        timeZone={caseTimeZone(progress.session)}
        onSaved={() => setEvidenceVersion((v) => v + 1)}
      />
      {/* A sealed settlement: the borrower's own court-confirmation package (their own identifiers). */}
      {(progress.status === 'settled' || progress.status === 'closed') && (
        <CourtPackagePanel caseId={caseId} token={token} />
      )}
      {open && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            void run(
              postForm('POST /api/cases/:caseId/evidence', form, { token, params: { caseId } }).then(() =>
                setEvidenceVersion((v) => v + 1),
              ),
            );
            e.currentTarget.reset();
          }}
        >
          <label>
            {t('track.addEvidence')}
            <FileInput name="evidence" multiple accept="application/pdf,image/jpeg,image/png" required />
          </label>
          <button type="submit" className="secondary">
            {t('track.upload')}
          </button>
        </form>
      )}
      <div className="button-row">
        <button
          type="button"
          className="link"
          onClick={() =>
            void run(
              downloadWithToken(
                pathOf('GET /api/cases/:caseId/export', { caseId }),
                token,
                `accord-${progress.caseNumber}.json`,
              ),
            )
          }
        >
          {t('track.export')}
        </button>
        {open && (
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(t('track.withdrawConfirm'))) {
                void run(api('POST /api/cases/:caseId/withdraw', { token, params: { caseId }, body: {} }));
              }
            }}
          >
            {t('track.withdraw')}
          </button>
        )}
      </div>
      <ErrorText error={error} />
    </section>
  );
}

export type { CaseProgress };
