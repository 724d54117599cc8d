import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  SESSION_TIME_ZONES,
  formatCents,
  SessionTimeZone,
  type CaseDetail,
  type MediatorView,
  type ReviewDecision,
} from '@accord/shared';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { staffSession } from '../app/session';
import { EvidenceList } from '../intake/EvidenceList';
import { ProgressView } from '../intake/ProgressView';
import { useProgress } from '../intake/useProgress';
import { InviteRecovery } from '../room/InviteRecovery';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';

/** One case for staff: personal data masked (reveal is audited), evidence, rules, and the next actions. */
export function StaffCasePage({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const staff = staffSession();
  const token = staff?.token ?? '';
  const { progress } = useProgress(caseId, token);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [mediators, setMediators] = useState<MediatorView[]>([]);
  const [text, setText] = useState('');
  const [mediatorId, setMediatorId] = useState('');
  const [startsAt, setStartsAt] = useState('');
  // Mainland China's time unless the scheduler picks another zone from the list.
  const [timeZone, setTimeZone] = useState<SessionTimeZone>('Asia/Shanghai');
  const [error, setError] = useState<string | null>(null);
  const role = staff?.user.staffRole;

  useEffect(() => {
    if (!token) return;
    void api('GET /api/cases/:caseId/detail', { token, params: { caseId } })
      .then(setDetail)
      .catch(() => undefined);
  }, [caseId, token, progress]);
  useEffect(() => {
    if (role === 'admin')
      void api('GET /api/mediators', { token })
        .then(setMediators)
        .catch(() => undefined);
  }, [role, token]);

  const act = async (call: () => Promise<unknown>) => {
    try {
      await call();
      setError(null);
      setText('');
    } catch (err) {
      setError(t('review.failed', { message: errorMessage(t, err) }));
    }
  };
  const params = { caseId };
  const review = (body: ReviewDecision) =>
    void act(() => api('POST /api/cases/:caseId/review', { token, params, body }));

  if (!staff) return <p className="page-message">{t('room.notFound')}</p>;
  if (!detail || !progress) return <p className="page-message">…</p>;
  const s = progress.status;
  const rulesOk = detail.rules.every((r) => r.ok);

  return (
    <section className="card staff-case" data-testid="staff-case">
      <h2>
        {progress.caseNumber} · {progress.title}
      </h2>
      <ProgressView progress={progress} viewer="staff" />
      <dl>
        <dt>{t('review.party')}</dt>
        <dd>
          {detail.party.name} · {revealed.phone ?? detail.party.phone}{' '}
          {!revealed.phone && (
            <button type="button" className="link" onClick={() => void reveal('phone')}>
              {t('review.reveal')}
            </button>
          )}{' '}
          · {revealed.nationalId ?? detail.party.nationalId}{' '}
          {!revealed.nationalId && (
            <button type="button" className="link" onClick={() => void reveal('nationalId')}>
              {t('review.reveal')}
            </button>
          )}
        </dd>
        <dt>{t('intake.contractNumber')}</dt>
        <dd>{detail.party.contractNumber}</dd>
        <dt>{t('intake.description')}</dt>
        <dd className="wrap">{detail.description}</dd>
        <dt>{t('review.amount')}</dt>
        <dd data-testid="amount-in-dispute">
          {t('review.amountValue', { amount: formatCents(detail.amountInDisputeCents) })}
        </dd>
        <dt>{t('review.desiredOutcome')}</dt>
        <dd className="wrap">{detail.desiredOutcome}</dd>
      </dl>
      <h3>{t('review.rules')}</h3>
      <ul className="rules" data-testid="rules">
        {detail.rules.map((r) => (
          <li key={r.rule} className={r.ok ? 'ok' : 'error'}>
            {r.ok ? '✓' : '✗'} {t(`review.ruleCodes.${r.code}`)}
          </li>
        ))}
      </ul>
      <EvidenceList caseId={caseId} token={token} />

      <div className="actions stack">
        {s === 'submitted' && (
          <button type="button" data-testid="start-review" onClick={() => review({ decision: 'start' })}>
            {t('review.start')}
          </button>
        )}
        {s === 'under_review' && (
          <>
            <label>
              {rulesOk ? t('review.reason') : t('review.override')}
              <textarea value={text} onChange={(e) => setText(e.target.value)} rows={2} />
            </label>
            <div className="button-row">
              <button
                type="button"
                data-testid="accept"
                onClick={() =>
                  review(
                    rulesOk
                      ? { decision: 'accept', ...(text.trim() ? { reason: text } : {}) }
                      : { decision: 'accept', overrideReason: text },
                  )
                }
              >
                {t('review.accept')}
              </button>
              <button type="button" onClick={() => review({ decision: 'reject', reason: text })}>
                {t('review.reject')}
              </button>
              <button type="button" onClick={() => review({ decision: 'request_info', question: text })}>
                {t('review.ask')}
              </button>
            </div>
          </>
        )}
        {s === 'accepted' && role === 'admin' && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              const body = { mediatorUserId: mediatorId };
              void act(() => api('POST /api/cases/:caseId/assign', { token, params, body }));
            }}
          >
            <label>
              {t('review.mediator')}
              <select
                value={mediatorId}
                onChange={(e) => setMediatorId(e.target.value)}
                required
                data-testid="mediator-select"
              >
                <option value="" />
                {mediators.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.displayName} · {m.organisation} · {t('mediators.active', { count: m.activeCases })}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" data-testid="assign">
              {t('review.assign')}
            </button>
          </form>
        )}
        {(s === 'mediator_assigned' || s === 'scheduled') && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              const body = { startsAt: `${startsAt}:00`.slice(0, 19), timeZone, durationMinutes: 90 };
              void act(() => api('POST /api/cases/:caseId/schedule', { token, params, body }));
            }}
          >
            <label>
              {t('review.startsAt')}
              <input
                type="datetime-local"
                value={startsAt}
                onChange={(e) => setStartsAt(e.target.value)}
                required
                data-testid="starts-at"
              />
            </label>
            <label>
              {t('review.timeZone')}
              <select
                value={timeZone}
                onChange={(e) => setTimeZone(SessionTimeZone.parse(e.target.value))}
                data-testid="time-zone"
              >
                {SESSION_TIME_ZONES.map((zone) => (
                  <option key={zone} value={zone}>
                    {t(`timeZones.${zone}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" data-testid="schedule">
              {t('review.schedule')}
            </button>
          </form>
        )}
        {(s === 'scheduled' || s === 'in_mediation') && (
          <button type="button" onClick={() => navigate(`/cases/${caseId}`)}>
            {t('review.openRoom')}
          </button>
        )}
      </div>
      <ErrorText error={error} />
      {/* Recovery: an admin reissues a lost invite or resets a signing PIN (the mediator does it in the room). */}
      {role === 'admin' && <InviteRecovery caseId={caseId} token={token} version={progress.timeline.length} />}
    </section>
  );

  async function reveal(field: 'phone' | 'nationalId') {
    try {
      const r = await api('POST /api/cases/:caseId/reveal', { token, params: { caseId }, body: { field } });
      setRevealed((x) => ({ ...x, [field]: r.value }));
    } catch (err) {
      setError(errorMessage(t, err));
    }
  }
}
