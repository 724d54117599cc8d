import { useTranslation } from 'react-i18next';
import type { CaseProgress } from '@accord/shared';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Where a case stands: status, who handles it, the next step, the session, and the timeline. */
export function ProgressView({ progress }: { progress: CaseProgress }) {
  const { t } = useTranslation();
  const h = progress.handler;
  const handler =
    h.role === 'staff'
      ? t('track.handlerStaff')
      : h.role === 'mediator'
        ? t('track.handlerMediator', { name: h.name ?? '' })
        : h.role === 'customer'
          ? t('track.handlerCustomer')
          : t('track.handlerNone');
  return (
    <div className="progress" data-testid="progress" data-status={progress.status}>
      <dl>
        <dt>{t('track.status')}</dt>
        <dd>
          <strong data-testid="status">{t(`statuses.${progress.status}`)}</strong>{' '}
          <span className="muted">{t('track.since', { time: time.format(new Date(progress.since)) })}</span>
        </dd>
        <dt>{t('track.handler')}</dt>
        <dd>{handler}</dd>
        <dt>{t('track.next')}</dt>
        <dd>{t(`nextSteps.${progress.status}`)}</dd>
        {progress.session && (
          <>
            <dt>{t('track.session')}</dt>
            <dd data-testid="session">
              {t('track.sessionAt', {
                time: progress.session.startsAt.replace('T', ' ').slice(0, 16),
                zone: progress.session.timeZone,
                minutes: progress.session.durationMinutes,
              })}
            </dd>
          </>
        )}
        {progress.rejectionReason && (
          <>
            <dt>{t('track.rejected')}</dt>
            <dd>{progress.rejectionReason}</dd>
          </>
        )}
      </dl>
      <h3>{t('track.timeline')}</h3>
      <ol className="timeline" data-testid="timeline">
        {progress.timeline.map((e, i) => (
          <li key={`${e.at}-${i}`} data-status={e.status}>
            <time dateTime={e.at}>{time.format(new Date(e.at))}</time> {t(`statuses.${e.status}`)}
            {e.note ? <span className="muted"> — {e.note}</span> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
