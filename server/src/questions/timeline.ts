import type { CaseLifecycle, TimelineEntry } from '@accord/shared';

/** The audit kinds of the question thread: that a question was asked or answered, never its text. */
export const QUESTION_ASKED = 'question.asked';
export const QUESTION_ANSWERED = 'question.answered';

/**
 * The customer's timeline entry of a thread's audit entry (null for any other kind): who, and the
 * case's status at the time. Here, apart from the service, so that the timeline reads it without
 * importing the thread's service.
 */
export function questionTimelineEntry(e: {
  at: string;
  kind: string;
  data: Record<string, unknown>;
}): TimelineEntry | null {
  if (e.kind !== QUESTION_ASKED && e.kind !== QUESTION_ANSWERED) return null;
  const asked = e.kind === QUESTION_ASKED;
  return {
    at: e.at,
    status: e.data.status as CaseLifecycle,
    by: asked ? 'customer' : 'staff',
    note: null,
    session: null,
    event: asked ? 'question_asked' : 'question_answered',
  };
}
