import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { pathOf, type CaseProgress } from '@accord/shared';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { roomSessions, saveRoomSession } from '../app/session';
import { downloadWithToken, postForm } from '../app/upload';
import { AppealForm } from './AppealForm';
import { EvidenceList } from './EvidenceList';
import { ProgressView } from './ProgressView';
import { useProgress } from './useProgress';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { caseTimeZone } from '../app/format';
import { HardshipPanel } from '../hardship/HardshipPanel';
import { CourtPackagePanel } from '../court/CourtPackagePanel';
import { QuestionsPanel } from '../questions/QuestionsPanel';
import { SurveyCard } from '../surveys/SurveyCard';

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
  const { t } = useTranslation();
  const { progress } = useProgress(caseId, token);
  const [answer, setAnswer] = useState('');
  const [roomPin, setRoomPin] = useState<string | null>(null);
  const [evidenceVersion, setEvidenceVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const run = async (p: Promise<unknown>) => {
    try {
      await p;
      setError(null);
    } catch (err) {
      setError(errorMessage(t, err, { answer: t('track.answer'), evidence: t('track.addEvidence') }));
    }
  };
  if (!progress) return <p className="page-message">…</p>;
  const open = !['rejected', 'settled', 'not_settled', 'withdrawn', 'closed'].includes(progress.status);
  const roomReady = progress.status === 'scheduled' || progress.status === 'in_mediation';

  return (
    <section className="card tracking" data-testid="tracking">
      <h2>
        {progress.caseNumber} · {progress.title}
      </h2>
      <p className="muted">{t('track.live')}</p>
      <ProgressView progress={progress} />
      {/* After the session: asked first, above everything else the page still offers. */}
      <SurveyCard caseId={caseId} token={token} version={progress.status} />
      <AppealForm progress={progress} token={token} />
      {progress.question && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              api('POST /api/cases/:caseId/answer', { token, params: { caseId }, body: { answer } }).then(() =>
                setAnswer(''),
              ),
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
          <button type="submit">{t('track.send')}</button>
        </form>
      )}
      {roomReady && (
        <div className="button-row">
          <button
            type="button"
            data-testid="enter-room"
            onClick={() =>
              void run(
                api('GET /api/cases/:caseId/room-invite', { token, params: { caseId } }).then((r) => {
                  if (r.pin) setRoomPin(r.pin);
                  else navigate(`/cases/${caseId}`);
                }),
              )
            }
          >
            {t('track.enterRoom')}
          </button>
          {roomPin && (
            <p className="pin-inline">
              {t('track.roomPin', { pin: roomPin })}{' '}
              <button type="button" onClick={() => navigate(`/cases/${caseId}`)}>
                {t('join.enter')}
              </button>
            </p>
          )}
        </div>
      )}
      {/* Read again as the timeline grows: an answer arrives with its step, pushed live. */}
      <QuestionsPanel
        caseId={caseId}
        token={token}
        viewer="customer"
        version={progress.timeline.length}
        timeZone={caseTimeZone(progress.session)}
      />
      <EvidenceList caseId={caseId} token={token} version={evidenceVersion} />
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
            <input name="evidence" type="file" multiple accept="application/pdf,image/jpeg,image/png" required />
          </label>
          <button type="submit">{t('track.upload')}</button>
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
