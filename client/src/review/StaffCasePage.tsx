import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  SESSION_TIME_ZONES,
  formatCents,
  SessionTimeZone,
  type CaseDetail,
  type MediatorView,
  type ReviewDecision,
  type UserView,
  reviewsComplaints,
} from '@accord/shared';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { staffSession } from '../app/session';
import { EvidenceList } from '../intake/EvidenceList';
import { ProgressView } from '../intake/ProgressView';
import { CaseHistory } from '../staff/CaseHistory';
import { useCaseWatch } from '../staff/useCaseWatch';
import { InviteRecovery } from '../room/InviteRecovery';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { caseTimeZone } from '../app/format';
import { HardshipPanel } from '../hardship/HardshipPanel';
import { CourtPackagePanel } from '../court/CourtPackagePanel';
import { QuestionsPanel } from '../questions/QuestionsPanel';
import { DocumentRequestsPanel } from '../documents/DocumentRequestsPanel';
import { AssistantPanel } from '../assistant/AssistantPanel';

/** One case for staff: personal data masked (reveal is audited), evidence, rules, and the next actions. */
export function StaffCasePage({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const staff = staffSession();
  const token = staff?.token ?? '';
  // Live: status changes by anyone, evidence the complainant adds, history steps (the staff case watch).
  const { progress, evidenceVersion, historyVersion, refresh } = useCaseWatch(caseId, token);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [mediators, setMediators] = useState<MediatorView[]>([]);
  const [text, setText] = useState('');
  const [mediatorId, setMediatorId] = useState('');
  const [representatives, setRepresentatives] = useState<UserView[]>([]);
  const [platformUserId, setPlatformUserId] = useState('');
  const [assignReason, setAssignReason] = useState('');
  const [scheduleReason, setScheduleReason] = useState('');
  // The identifier being revealed, while its reason is asked for.
  const [revealing, setRevealing] = useState<'phone' | 'nationalId' | null>(null);
  const [revealReason, setRevealReason] = useState('');
  const [startsAt, setStartsAt] = useState('');
  // Mainland China's time unless the scheduler picks another zone from the list.
  const [timeZone, setTimeZone] = useState<SessionTimeZone>('Asia/Shanghai');
  const [error, setError] = useState<string | null>(null);
  const role = staff?.user.staffRole;
  // The centre's reviewers decide and assign; a lender's staff follow their own lender's cases.
  const decides = reviewsComplaints(role ?? null);

  useEffect(() => {
    if (!token) return;
    void api('GET /api/cases/:caseId/detail', { token, params: { caseId } })
      .then(setDetail)
      .catch(() => undefined);
  }, [caseId, token, progress, evidenceVersion]);
  useEffect(() => {
    if (decides)
      void api('GET /api/mediators', { token })
        .then(setMediators)
        .catch(() => undefined);
  }, [decides, token]);
  const reviewing = progress?.status === 'under_review';
  useEffect(() => {
    if (decides && reviewing)
      void api('GET /api/cases/:caseId/representatives', { token, params: { caseId } })
        .then(setRepresentatives)
        .catch(() => undefined);
  }, [decides, reviewing, caseId, token]);

  const act = async (call: () => Promise<unknown>) => {
    try {
      await call();
      setError(null);
      setText('');
      setAssignReason('');
      setScheduleReason('');
      refresh();
    } catch (err) {
      setError(
        t('review.failed', {
          message: errorMessage(t, err, {
            reason: t('review.reason'),
            overrideReason: t('review.override'),
            question: t('review.questionLabel'),
            startsAt: t('review.startsAt'),
            timeZone: t('review.timeZone'),
            durationMinutes: t('review.duration'),
            mediatorUserId: t('review.mediator'),
          }),
        }),
      );
    }
  };
  const params = { caseId };
  const review = (body: ReviewDecision) =>
    void act(() => api('POST /api/cases/:caseId/review', { token, params, body }));

  if (!staff) return <p className="page-message">{t('room.notFound')}</p>;
  if (!detail || !progress) return <p className="page-message">…</p>;
  const s = progress.status;
  const rulesOk = detail.rules.every((r) => r.ok);
  // Revealing an identifier is for reviewers and admins (the server checks it too).
  // Identifiers are revealed by the centre's reviewers (a lender's staff never: the server refuses them too).
  const canReveal = decides;

  return (
    <section className="card staff-case" data-testid="staff-case">
      <h2>
        {progress.caseNumber} · {progress.title}
      </h2>
      <p className="muted">{t('review.live')}</p>
      <ProgressView progress={progress} viewer="staff" showTimeline={false} />
      <dl>
        <dt>{t('review.party')}</dt>
        <dd>
          {detail.party.name} · {revealed.phone ?? detail.party.phone}{' '}
          {!revealed.phone && canReveal && (
            <button
              type="button"
              className="link"
              aria-label={t('review.revealPhone')}
              data-testid="reveal-phone"
              onClick={() => setRevealing('phone')}
            >
              {t('review.reveal')}
            </button>
          )}{' '}
          · {revealed.nationalId ?? detail.party.nationalId}{' '}
          {!revealed.nationalId && canReveal && (
            <button
              type="button"
              className="link"
              aria-label={t('review.revealNationalId')}
              data-testid="reveal-nationalId"
              onClick={() => setRevealing('nationalId')}
            >
              {t('review.reveal')}
            </button>
          )}
          {revealing && (
            <form
              className="stack reveal-form"
              onSubmit={(e) => {
                e.preventDefault();
                void reveal(revealing, revealReason);
              }}
            >
              <label>
                {t('review.revealReason')}
                <input
                  value={revealReason}
                  onChange={(e) => setRevealReason(e.target.value)}
                  required
                  minLength={2}
                  maxLength={1000}
                  data-testid="reveal-reason"
                />
              </label>
              <div className="button-row">
                <button type="submit" data-testid="reveal-confirm">
                  {revealing === 'phone' ? t('review.revealPhone') : t('review.revealNationalId')}
                </button>
                <button type="button" className="link" onClick={() => setRevealing(null)}>
                  {t('review.cancel')}
                </button>
              </div>
            </form>
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
      <EvidenceList caseId={caseId} token={token} version={evidenceVersion} />
      <HardshipPanel
        caseId={caseId}
        token={token}
        canDeclare={false}
        version={evidenceVersion + historyVersion}
        timeZone={caseTimeZone(progress?.session)}
      />
      {/* A question asked is a history step: the watch pushes it, and the thread is read again. */}
      <QuestionsPanel
        caseId={caseId}
        token={token}
        viewer="staff"
        version={historyVersion}
        timeZone={caseTimeZone(progress.session)}
      />
      {/* A request made or answered is a history step: the watch pushes it, and the requests are read again. */}
      <DocumentRequestsPanel
        caseId={caseId}
        token={token}
        version={historyVersion}
        timeZone={caseTimeZone(progress.session)}
        flagOverdue={role === 'mediator'}
      />
      {/* The case's mediator prepares with it before the session; the centre's staff read it (no one else: the server). */}
      <AssistantPanel
        caseId={caseId}
        token={token}
        version={`${evidenceVersion}|${historyVersion}`}
        timeZone={caseTimeZone(progress?.session)}
        open={role === 'mediator'}
      />

      <div className="actions stack">
        {s === 'submitted' && decides && (
          <button type="button" data-testid="start-review" onClick={() => review({ decision: 'start' })}>
            {t('review.start')}
          </button>
        )}
        {s === 'under_review' && decides && (
          <>
            <label>
              {t('review.representative')}
              <select
                value={platformUserId}
                onChange={(e) => setPlatformUserId(e.target.value)}
                data-testid="representative-select"
              >
                <option value="">{t('review.representativeChoose')}</option>
                {representatives.map((u) => (
                  <option key={u.id} value={u.id}>
                    {/* The username only tells apart two of the same name; it is Latin, the page may not be. */}
                    {representatives.some((o) => o.id !== u.id && o.displayName === u.displayName)
                      ? `${u.displayName} (${u.username})`
                      : u.displayName}
                  </option>
                ))}
              </select>
            </label>
            {representatives.length === 0 && <p className="hint">{t('review.representativeNone')}</p>}
            <label>
              {rulesOk ? t('review.reason') : t('review.override')}
              <textarea value={text} onChange={(e) => setText(e.target.value)} rows={2} />
            </label>
            <div className="button-row">
              <button
                type="button"
                data-testid="accept"
                onClick={() =>
                  platformUserId === ''
                    ? setError(t('errors.reasons.review.platformMemberRequired'))
                    : review(
                        rulesOk
                          ? { decision: 'accept', platformUserId, ...(text.trim() ? { reason: text } : {}) }
                          : { decision: 'accept', platformUserId, overrideReason: text },
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
        {s === 'accepted' && decides && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              const body = { mediatorUserId: mediatorId, ...(assignReason.trim() ? { reason: assignReason } : {}) };
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
            <label>
              {t('review.assignReason')}
              <textarea
                value={assignReason}
                onChange={(e) => setAssignReason(e.target.value)}
                rows={2}
                maxLength={1000}
                data-testid="assign-reason"
              />
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
              const body = {
                startsAt: `${startsAt}:00`.slice(0, 19),
                timeZone,
                durationMinutes: 90,
                ...(scheduleReason.trim() ? { reason: scheduleReason } : {}),
              };
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
            <label>
              {t('review.scheduleReason')}
              <textarea
                value={scheduleReason}
                onChange={(e) => setScheduleReason(e.target.value)}
                rows={2}
                maxLength={1000}
                data-testid="schedule-reason"
              />
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
      {/* A sealed settlement: the court-confirmation package (the server says who may download it). */}
      {(s === 'settled' || s === 'closed') && <CourtPackagePanel caseId={caseId} token={token} />}
      <CaseHistory caseId={caseId} token={token} version={historyVersion} />
      {/* Recovery: an admin reissues a lost invite or resets a signing PIN (the mediator does it in the room). */}
      {role === 'admin' && <InviteRecovery caseId={caseId} token={token} version={progress.timeline.length} />}
    </section>
  );

  async function reveal(field: 'phone' | 'nationalId', reason: string) {
    try {
      const body = { field, reason };
      const r = await api('POST /api/cases/:caseId/reveal', { token, params: { caseId }, body });
      setRevealed((x) => ({ ...x, [field]: r.value }));
      setRevealing(null);
      setRevealReason('');
      setError(null);
    } catch (err) {
      setError(errorMessage(t, err));
    }
  }
}
