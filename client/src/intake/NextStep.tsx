import { useEffect, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type CaseLifecycle, type CaseProgress, type SurveyState } from '@accord/shared';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { CopyButton } from './CopyButton';
import { sessionWallTime, sessionZone } from './session';

/** Statuses after which a sealed record may exist (a settlement, its absence, a withdrawal in the room). */
const CONCLUDED: readonly CaseLifecycle[] = ['settled', 'not_settled', 'withdrawn', 'closed'];

/** Whether the case has a sealed record this session may read: asked once the case has concluded. */
function useSealedRecord(caseId: string, token: string, status: CaseLifecycle): boolean {
  const [sealed, setSealed] = useState(false);
  const concluded = CONCLUDED.includes(status);
  useEffect(() => {
    if (!concluded) return;
    let live = true;
    // A 404 (nothing sealed: withdrawn before any room) and a failure alike show no link.
    api('GET /api/cases/:caseId/outcome', { token, params: { caseId } })
      .then(() => live && setSealed(true))
      .catch(() => live && setSealed(false));
    return () => {
      live = false;
    };
  }, [caseId, token, concluded]);
  return concluded && sealed;
}

/** "123456" → "123 456": two groups of three are read back and typed without losing one's place. */
function groupDigits(pin: string): string {
  return pin.replace(/(\d{3})(?=\d)/g, '$1 ');
}

/**
 * The top of the tracking page: what the borrower should do now, or what they are waiting for, in one
 * title and one line for every status, and the one action that matters as the page's primary button
 * (enter the room; view the sealed record; answer the survey). `children` go under the words (the
 * reviewer's question with its answer form).
 */
export function NextStep({
  progress,
  token,
  surveyState,
  onSurvey,
  onError,
  children,
}: {
  progress: CaseProgress;
  token: string;
  surveyState: SurveyState | null;
  /** Brings the survey form into view. */
  onSurvey: () => void;
  onError: (err: unknown) => void;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const { caseId, status, session } = progress;
  const [roomPin, setRoomPin] = useState<string | null>(null);
  const hasRecord = useSealedRecord(caseId, token, status);
  const roomReady = status === 'scheduled' || status === 'in_mediation';
  const surveyOpen = surveyState === 'open';
  const roomPath = `/cases/${caseId}`;
  const recordPath = `/cases/${caseId}/record`;

  // The progress pushed by the assignment itself comes before the mediator is a member of the case
  // (server/src/cases/scheduling.ts assigns, then adds the member): the step's note names them.
  const mediator =
    progress.handler.name ?? progress.timeline.findLast((e) => e.status === 'mediator_assigned' && !e.event)?.note;
  const title =
    status === 'scheduled' && session
      ? t('trackNext.title.scheduled', { time: sessionWallTime(i18n.language, session), zone: sessionZone(t, session) })
      : status === 'mediator_assigned' && !mediator
        ? t('nextSteps.mediator_assigned')
        : t(`trackNext.title.${status}`, { name: mediator ?? '' });
  const detail =
    status === 'settled' && surveyOpen
      ? t('trackNext.detail.settledSurvey')
      : (status === 'withdrawn' || status === 'closed') && hasRecord
        ? t('trackNext.detail.record')
        : t(`trackNext.detail.${status}`);

  const enterRoom = () =>
    api('GET /api/cases/:caseId/room-invite', { token, params: { caseId } }).then(
      // The signing PIN comes once, the first time: shown before the room so that it can be kept.
      (r) => (r.pin ? setRoomPin(r.pin) : navigate(roomPath)),
      onError,
    );
  const recordLink = (primary: boolean) => (
    <a
      href={recordPath}
      className={primary ? 'action-primary' : 'action-link'}
      data-testid="view-record"
      onClick={(e) => {
        e.preventDefault();
        navigate(recordPath);
      }}
    >
      {t('trackNext.viewRecord')}
    </a>
  );

  return (
    <section className="next-step" aria-labelledby={titleId} data-testid="next-step" data-status={status}>
      <p className="next-step-label">{t('trackNext.heading')}</p>
      <h3 id={titleId} data-testid="next-step-title">
        {title}
      </h3>
      <p data-testid="next-step-detail">{detail}</p>
      {children}
      {roomReady && !roomPin && (
        <button type="button" className="action-primary" data-testid="enter-room" onClick={() => void enterRoom()}>
          {t('trackNext.enterRoom')}
        </button>
      )}
      {roomReady && roomPin && (
        <div className="room-pin" data-testid="room-pin-panel">
          <p className="room-pin-title">{t('trackNext.pinTitle')}</p>
          {/* Read digit by digit, not as a number in the hundreds of thousands. */}
          <p
            className="room-pin-digits"
            data-testid="room-pin"
            aria-label={t('trackNext.pinDigits', { digits: roomPin.split('').join(' ') })}
          >
            {groupDigits(roomPin)}
          </p>
          <p className="room-pin-note">{t('trackNext.pinOnce')}</p>
          <CopyButton text={roomPin} label={t('trackNext.copyPin')} testId="copy-pin" />
          <button
            type="button"
            className="action-primary"
            data-testid="enter-room-now"
            onClick={() => navigate(roomPath)}
          >
            {t('trackNext.pinSaved')}
          </button>
        </div>
      )}
      {hasRecord && surveyOpen && (
        <div className="next-step-actions">
          <button type="button" className="action-primary" data-testid="go-survey" onClick={onSurvey}>
            {t('trackNext.answerSurvey')}
          </button>
          {recordLink(false)}
        </div>
      )}
      {hasRecord && !surveyOpen && recordLink(true)}
    </section>
  );
}

/** The tracking link with its copy button, to come back to the page from another day or device. */
export function TrackingLink() {
  const { t } = useTranslation();
  const url = `${window.location.origin}${window.location.pathname}`;
  return (
    <section className="tracking-link" data-testid="tracking-link">
      <p>
        <strong>{t('trackNext.linkTitle')}</strong>
        <br />
        <span className="muted">{t('trackNext.linkHint')}</span>
      </p>
      <p className="tracking-url" translate="no">
        {url}
      </p>
      <CopyButton text={url} label={t('trackNext.copyLink')} testId="copy-link" />
    </section>
  );
}
