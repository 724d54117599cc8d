import { useTranslation } from 'react-i18next';
import type { CaseProgress } from '@accord/shared';
import { sessionText } from './session';
import { caseTimeZone, formatDateTime } from '../app/format';

const questionStep = { question_asked: 'questionAsked', question_answered: 'questionAnswered' } as const;

type StepEvent = NonNullable<CaseProgress['timeline'][number]['event']>;
type DocumentStep = Exclude<StepEvent, keyof typeof questionStep>;
const isDocumentStep = (e: StepEvent): e is DocumentStep => e.startsWith('documents_');

/** Where a case stands: status, who handles it, the next step, the session, and the timeline. */
/** `viewer`: the customer reads about themselves ("you"), staff about the complainant. */
export function ProgressView({
  progress,
  viewer = 'customer',
  showTimeline = true,
}: {
  progress: CaseProgress;
  viewer?: 'customer' | 'staff';
  /** Staff read the fuller case history instead (client/src/staff/CaseHistory.tsx). */
  showTimeline?: boolean;
}) {
  const { t, i18n } = useTranslation();
  // In the page's language (not the browser's), in the case's zone: the one its session is held in.
  const zone = caseTimeZone(progress.session);
  const time = { format: (iso: string) => formatDateTime(iso, i18n.language, zone) };
  const h = progress.handler;
  const handler =
    h.role === 'staff'
      ? t('track.handlerStaff')
      : h.role === 'mediator'
        ? t('track.handlerMediator', { name: h.name ?? '' })
        : h.role === 'customer'
          ? viewer === 'staff'
            ? t('track.handlerComplainant')
            : t('track.handlerCustomer')
          : t('track.handlerNone');
  return (
    <div className="progress" data-testid="progress" data-status={progress.status}>
      <dl>
        <dt>{t('track.status')}</dt>
        <dd>
          <strong data-testid="status">{t(`statuses.${progress.status}`)}</strong>{' '}
          <span className="muted">{t('track.since', { time: time.format(progress.since) })}</span>
        </dd>
        {/* Nobody handles a concluded case: the customer is not shown an empty row. */}
        {(viewer === 'staff' || h.role !== 'none') && (
          <>
            <dt>{t('track.handler')}</dt>
            <dd>{handler}</dd>
          </>
        )}
        {/* The customer reads the next step at the top of the tracking page (NextStep), in full. */}
        {viewer === 'staff' && (
          <>
            <dt>{t('track.next')}</dt>
            <dd>{t(`nextSteps.${progress.status}`)}</dd>
          </>
        )}
        {progress.session && (
          <>
            <dt>{t('track.session')}</dt>
            <dd data-testid="session">{sessionText(t, i18n.language, progress.session)}</dd>
          </>
        )}
        {progress.appeal && (
          <>
            <dt>{t('recovery.appealLabel')}</dt>
            <dd data-testid="appeal">
              {t('recovery.appealed', { time: time.format(progress.appeal.at) })}
              <br />
              <span className="wrap">{t('recovery.appealReasonShown', { reason: progress.appeal.reason })}</span>
            </dd>
          </>
        )}
        {progress.rejectionReason && viewer === 'staff' && (
          <>
            <dt>{t('track.rejected')}</dt>
            <dd>{progress.rejectionReason}</dd>
          </>
        )}
      </dl>
      {showTimeline && (
        <>
          <h3>{t('track.timeline')}</h3>
          <ol className="timeline" data-testid="timeline">
            {progress.timeline.map((e, i) =>
              e.event ? (
                // A step of the question thread or of a document request, not a status change: named by what happened.
                <li key={`${e.at}-${i}`} data-event={e.event}>
                  <time dateTime={e.at}>{time.format(e.at)}</time>{' '}
                  {isDocumentStep(e.event)
                    ? t(`documentsTimeline.${viewer}.${e.event}`)
                    : viewer === 'customer'
                      ? t(`questions.timeline.${e.event}`)
                      : t(`history.${questionStep[e.event]}`)}
                </li>
              ) : (
                <li key={`${e.at}-${i}`} data-status={e.status}>
                  <time dateTime={e.at}>{time.format(e.at)}</time>{' '}
                  {/* The appeal is a move back to review; it is named as what it was. */}
                  {progress.appeal?.at === e.at && <strong>{t('recovery.appealLabel')} · </strong>}
                  {t(`statuses.${e.status}`)}
                  {e.session ? <span className="muted"> — {sessionText(t, i18n.language, e.session)}</span> : null}
                  {e.note ? <span className="muted"> — {e.note}</span> : null}
                </li>
              ),
            )}
          </ol>
        </>
      )}
    </div>
  );
}
