import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SURVEY_COMMENT_MAX, type SurveyView } from '@accord/shared';
import { api, ApiError } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';

const COMMENT_MAX = SURVEY_COMMENT_MAX;
/** Each score with its word, so that nobody has to guess which end of the scale is good. */
const SCORES = [
  [1, 'veryUnhappy'],
  [2, 'unhappy'],
  [3, 'neutral'],
  [4, 'satisfied'],
  [5, 'verySatisfied'],
] as const;
const QUESTIONS = ['heard', 'fair', 'again'] as const;
type Question = (typeof QUESTIONS)[number];

/**
 * The short survey after the session, for the case's customer and the lender's representative: shown
 * once the server says it is open to them, then a thank-you (the server remembers who answered, so it
 * stays after a reload). Nothing is shown to anyone else, nor before the session is over.
 * `version`: read the state again when it changes (the case's status, the room's phase).
 */
export function SurveyCard({
  caseId,
  token,
  version,
  onState,
}: {
  caseId: string;
  token: string;
  version?: string;
  /** Told where the survey stands (null: not asked), for a page that points to it (the tracking page). */
  onState?: (state: SurveyView['state'] | null) => void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const [view, setView] = useState<SurveyView | null>(null);
  const state = view?.state ?? null;
  useEffect(() => onState?.(state), [state, onState]);

  useEffect(() => {
    let live = true;
    api('GET /api/cases/:caseId/survey', { token, params: { caseId } })
      // Someone who is not asked, or a failure to read it: no card rather than an error about a survey.
      .then((v) => live && setView(v))
      .catch(() => live && setView(null));
    return () => {
      live = false;
    };
  }, [caseId, token, version]);

  if (!view || view.state === 'not_yet' || view.state === 'closed') return null;
  return (
    <section className="panel survey" aria-labelledby={titleId} data-testid="survey" data-state={view.state}>
      <h2 id={titleId}>{view.state === 'answered' ? t('survey.thanksTitle') : t('survey.title')}</h2>
      {view.state === 'answered' ? (
        <p data-testid="survey-thanks">{t('survey.thanks')}</p>
      ) : (
        <SurveyForm caseId={caseId} token={token} onAnswered={() => setView({ ...view, state: 'answered' })} />
      )}
    </section>
  );
}

function SurveyForm({ caseId, token, onAnswered }: { caseId: string; token: string; onAnswered: () => void }) {
  const { t } = useTranslation();
  const { confirm, dialog } = useConfirm();
  const ids = useId();
  const [satisfaction, setSatisfaction] = useState<number | null>(null);
  const [yesNo, setYesNo] = useState<Record<Question, boolean | null>>({ heard: null, fair: null, again: null });
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const complete = satisfaction !== null && QUESTIONS.every((q) => yesNo[q] !== null);
  const fields = {
    satisfaction: t('survey.satisfaction'),
    heard: t('survey.questions.heard'),
    fair: t('survey.questions.fair'),
    again: t('survey.questions.again'),
    comment: t('survey.comment'),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!complete || busy) return;
    // The answers cannot be changed, nor read back, once sent.
    const ok = await confirm({
      title: t('survey.confirmTitle'),
      body: t('survey.confirmBody'),
      confirm: t('survey.submit'),
    });
    if (!ok) return;
    setBusy(true);
    try {
      await api('POST /api/cases/:caseId/survey', {
        token,
        params: { caseId },
        body: {
          satisfaction,
          heard: yesNo.heard === true,
          fair: yesNo.fair === true,
          again: yesNo.again === true,
          comment: comment.trim(),
        },
      });
      onAnswered();
    } catch (err) {
      // Answered meanwhile (another tab, another device): the thanks are due all the same.
      if (err instanceof ApiError && err.reason === 'survey.alreadyAnswered') onAnswered();
      else setError(errorMessage(t, err, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack survey-form" onSubmit={(e) => void submit(e)} data-testid="survey-form">
      <p className="muted">{t('survey.intro')}</p>
      <fieldset className="survey-scale">
        <legend>{t('survey.satisfaction')}</legend>
        <div className="survey-scores">
          {SCORES.map(([n, word]) => (
            <label key={n} className="survey-choice" data-testid={`survey-score-${n}`}>
              <input
                type="radio"
                name={`${ids}-satisfaction`}
                value={n}
                checked={satisfaction === n}
                onChange={() => setSatisfaction(n)}
              />
              <span className="survey-stars" aria-hidden="true">
                {'★'.repeat(n)}
              </span>
              <span>{t(`survey.scores.${word}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {QUESTIONS.map((q) => (
        <fieldset key={q} className="survey-yes-no" data-testid={`survey-${q}`}>
          <legend>{t(`survey.questions.${q}`)}</legend>
          {([true, false] as const).map((answer) => (
            <label key={String(answer)} className="survey-choice">
              <input
                type="radio"
                name={`${ids}-${q}`}
                value={answer ? 'yes' : 'no'}
                checked={yesNo[q] === answer}
                onChange={() => setYesNo((a) => ({ ...a, [q]: answer }))}
              />
              <span>{answer ? t('survey.yes') : t('survey.no')}</span>
            </label>
          ))}
        </fieldset>
      ))}
      <label>
        {t('survey.comment')}
        <textarea
          data-testid="survey-comment"
          value={comment}
          maxLength={COMMENT_MAX}
          rows={3}
          aria-describedby={`${ids}-count`}
          onChange={(e) => setComment(e.target.value)}
        />
        <span id={`${ids}-count`} className="muted survey-count" data-testid="survey-count">
          {t('survey.count', { length: comment.length, max: COMMENT_MAX })}
        </span>
      </label>
      <p className="survey-note" data-testid="survey-note">
        {t('survey.anonymous')}
      </p>
      {!complete && <p className="muted">{t('survey.incomplete')}</p>}
      <div className="button-row">
        <button type="submit" data-testid="survey-submit" disabled={!complete || busy}>
          {busy ? t('survey.sending') : t('survey.submit')}
        </button>
      </div>
      <ErrorText error={error} testId="survey-error" />
      {dialog}
    </form>
  );
}
