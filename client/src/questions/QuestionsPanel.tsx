import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  ANSWER_MAX,
  QUESTION_MAX,
  QUESTION_MIN,
  type QuestionAuthor,
  type QuestionThread,
  type QuestionView,
} from '@accord/shared';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';

export interface QuestionsPanelProps {
  caseId: string;
  token: string;
  /** The customer reads "you asked"; staff read about the complainant. */
  viewer: 'customer' | 'staff';
  /** Read the thread again when this changes (a pushed progress or history step). */
  version?: number;
  timeZone?: string;
}

/**
 * The case's questions about the contract: each with its answers and whether it awaits one; for the
 * customer the form to ask, for the lender's staff and the centre a form under each question to
 * answer it. A post cannot be taken back, so each is confirmed first.
 */
export function QuestionsPanel({
  caseId,
  token,
  viewer,
  version = 0,
  timeZone = DEFAULT_TIME_ZONE,
}: QuestionsPanelProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const [thread, setThread] = useState<QuestionThread | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();

  const load = useCallback(() => {
    api('GET /api/cases/:caseId/questions', { token, params: { caseId } })
      .then((v) => {
        setThread(v);
        setError(null);
      })
      .catch((err: unknown) => setError(errorMessage(t, err)));
  }, [caseId, token, t]);
  useEffect(load, [load, version]);

  if (!thread) return error ? <ErrorText error={error} /> : null;
  const may = viewer === 'customer' ? thread.mayAsk : thread.mayAnswer;
  // Who may not post (a mediator; the customer once the case has ended) sees the thread only once there is one.
  if (!may && thread.questions.length === 0) return null;

  return (
    <section className="panel questions" aria-labelledby={titleId} data-testid="questions">
      <h2 id={titleId}>{t('questions.title')}</h2>
      {may && <p className="muted">{viewer === 'customer' ? t('questions.intro') : t('questions.staffIntro')}</p>}
      {thread.questions.length === 0 ? (
        <p className="muted">{t('questions.none')}</p>
      ) : (
        <ol className="question-list">
          {thread.questions.map((q) => (
            <Question
              key={q.id}
              q={q}
              viewer={viewer}
              timeZone={timeZone}
              mayAnswer={thread.mayAnswer}
              onAnswer={async (id, body) => {
                const ok = await confirm({
                  title: t('questions.confirmAnswerTitle'),
                  body: t('questions.confirmAnswer'),
                  confirm: t('questions.sendAnswer'),
                });
                if (!ok) return false;
                return send(() =>
                  api('POST /api/cases/:caseId/questions/:questionId/answers', {
                    token,
                    params: { caseId, questionId: q.id },
                    body: { id, body },
                  }),
                );
              }}
            />
          ))}
        </ol>
      )}
      {viewer === 'customer' &&
        (thread.mayAsk ? (
          <AskForm
            onAsk={async (id, body) => {
              const ok = await confirm({
                title: t('questions.confirmAskTitle'),
                body: t('questions.confirmAsk'),
                confirm: t('questions.send'),
              });
              if (!ok) return false;
              return send(() =>
                api('POST /api/cases/:caseId/questions', {
                  token,
                  params: { caseId },
                  body: { id, body },
                }),
              );
            }}
          />
        ) : (
          <p className="muted">{t('questions.closed')}</p>
        ))}
      <ErrorText error={error} />
      {dialog}
    </section>
  );

  async function send(call: () => Promise<QuestionThread>): Promise<boolean> {
    try {
      setThread(await call());
      setError(null);
      return true;
    } catch (err) {
      setError(errorMessage(t, err, { body: viewer === 'customer' ? t('questions.ask') : t('questions.answer') }));
      return false;
    }
  }
}

/**
 * The id of the post being written: made once and kept until the post is stored, so that sending it
 * again after a lost answer stores it once (the server is idempotent by id).
 */
function usePostId(): { current: () => string; done: () => void } {
  const id = useRef<string | null>(null);
  return {
    current: () => (id.current ??= uuidV4()),
    done: () => {
      id.current = null;
    },
  };
}

/** A version-4 UUID from the CSPRNG (`crypto.randomUUID` exists only in secure contexts). */
function uuidV4(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function authorText(t: TFunction, a: QuestionAuthor, viewer: 'customer' | 'staff'): string {
  if (a.role === 'customer') return viewer === 'customer' ? t('questions.youAsked') : t('questions.customerAsked');
  if (a.role === 'lender') return a.name ? t('questions.lenderNamed', { name: a.name }) : t('questions.lender');
  return a.name ? t('questions.centreNamed', { name: a.name }) : t('questions.centre');
}

function Question({
  q,
  viewer,
  timeZone,
  mayAnswer,
  onAnswer,
}: {
  q: QuestionView;
  viewer: 'customer' | 'staff';
  timeZone: string;
  mayAnswer: boolean;
  onAnswer: (id: string, body: string) => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const postId = usePostId();
  const when = (iso: string) => formatDateTime(iso, i18n.language, timeZone);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    if (await onAnswer(postId.current(), draft)) {
      setDraft('');
      postId.done();
    }
    setBusy(false);
  };
  return (
    <li className="question" data-testid="question" data-status={q.status}>
      <p className="question-head">
        <strong>{authorText(t, q.author, viewer)}</strong> <time dateTime={q.at}>{when(q.at)}</time>{' '}
        <span className={`badge question-${q.status}`}>
          {q.status === 'open' ? t('questions.open') : t('questions.answered')}
        </span>
      </p>
      <p className="question-body">{q.body}</p>
      {q.answers.map((a) => (
        <div key={a.id} className="question-answer" data-testid="answer">
          <p className="question-head">
            <strong>{authorText(t, a.author, viewer)}</strong> <time dateTime={a.at}>{when(a.at)}</time>
          </p>
          <p className="question-body">{a.body}</p>
        </div>
      ))}
      {mayAnswer && q.status === 'open' && (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <label>
            {t('questions.answer')}
            <textarea
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              rows={3}
              required
              maxLength={ANSWER_MAX}
              data-testid="answer-text"
            />
          </label>
          <button type="submit" disabled={busy} data-testid="answer-send">
            {busy ? t('questions.sending') : t('questions.sendAnswer')}
          </button>
        </form>
      )}
    </li>
  );
}

function AskForm({ onAsk }: { onAsk: (id: string, body: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const postId = usePostId();
  const hintId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    if (await onAsk(postId.current(), draft)) {
      setDraft('');
      postId.done();
    }
    setBusy(false);
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <label>
        {t('questions.ask')}
        <textarea
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          rows={3}
          required
          minLength={QUESTION_MIN}
          maxLength={QUESTION_MAX}
          aria-describedby={hintId}
          data-testid="question-text"
        />
      </label>
      <p className="hint" id={hintId}>
        {t('questions.askHint', { min: QUESTION_MIN, max: QUESTION_MAX })}
      </p>
      <button type="submit" disabled={busy} data-testid="question-send">
        {busy ? t('questions.sending') : t('questions.send')}
      </button>
    </form>
  );
}
