import { z } from 'zod';
import { CaseId, IsoDateTime } from './ids';
import type { CaseLifecycle } from './lifecycle';
import { ANSWER_MAX, ANSWER_MIN, QUESTION_MAX, QUESTION_MIN } from './constants';

/**
 * The pre-session question thread: before (and during) the mediation the customer asks about their
 * contract; the lender's staff or the centre answer on the case. Each post keeps its text in the
 * thread only: the audit log and the timeline keep that a question was asked or answered, never what.
 */

export { ANSWER_MAX, ANSWER_MIN, QUESTION_MAX, QUESTION_MIN };

/**
 * While questions are asked and answered: from filing until the session's outcome. A rejected,
 * settled, unsettled, withdrawn or closed case takes none (the thread stays readable).
 */
export const QUESTION_STATES: readonly CaseLifecycle[] = [
  'submitted',
  'under_review',
  'info_requested',
  'accepted',
  'mediator_assigned',
  'scheduled',
  'in_mediation',
];

// eslint-disable-next-line no-control-regex -- rejecting control characters (but line ends and tabs) is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Typed text: NFC, trimmed, `min`–`max` characters, no control characters but line ends and tabs. */
export const text = (min: number, max: number) =>
  z
    .string()
    .normalize('NFC')
    .trim()
    .min(min, `at least ${min} characters`)
    .max(max, `at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/**
 * `POST /api/cases/:caseId/questions`: a question. `id` is the client's (a UUID it makes once per
 * question), so that sending it again after a lost answer stores it once.
 */
export const QuestionBody = z.strictObject({
  id: z.uuid('a question id (UUID)'),
  body: text(QUESTION_MIN, QUESTION_MAX),
});
export type QuestionBody = z.infer<typeof QuestionBody>;

/** `POST /api/cases/:caseId/questions/:questionId/answers`: an answer, its `id` as the question's. */
export const AnswerBody = z.strictObject({
  id: z.uuid('an answer id (UUID)'),
  body: text(ANSWER_MIN, ANSWER_MAX),
});
export type AnswerBody = z.infer<typeof AnswerBody>;

/**
 * Who wrote a post, as everyone on the case may see it: the customer by their role only (never their
 * name: the lender's staff see no more of them than the case shows), staff by role and display name.
 */
export const QuestionAuthor = z.object({
  role: z.enum(['customer', 'lender', 'centre']),
  name: z.string().nullable(),
});
export type QuestionAuthor = z.infer<typeof QuestionAuthor>;

export const AnswerView = z.object({
  id: z.uuid(),
  author: QuestionAuthor,
  body: z.string(),
  at: IsoDateTime,
});
export type AnswerView = z.infer<typeof AnswerView>;

export const QuestionView = z.object({
  id: z.uuid(),
  author: QuestionAuthor,
  body: z.string(),
  at: IsoDateTime,
  /** `answered` once it has at least one answer. */
  status: z.enum(['open', 'answered']),
  answers: z.array(AnswerView),
});
export type QuestionView = z.infer<typeof QuestionView>;

/** `GET /api/cases/:caseId/questions` (and what asking or answering returns): the case's thread. */
export const QuestionThread = z.object({
  caseId: CaseId,
  /** Oldest first. */
  questions: z.array(QuestionView),
  /** Whether this viewer may ask now (the case's customer, while the case takes questions). */
  mayAsk: z.boolean(),
  /** Whether this viewer may answer now (the lender's staff, the centre). */
  mayAnswer: z.boolean(),
});
export type QuestionThread = z.infer<typeof QuestionThread>;

/** `GET /api/questions/open`: the cases this staff member may see that have unanswered questions. */
export const OpenQuestionCount = z.object({ caseId: CaseId, open: z.int().min(1) });
export type OpenQuestionCount = z.infer<typeof OpenQuestionCount>;
