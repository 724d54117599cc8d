import { AccordError, extractFacts, type AssistantView, type Fact } from '@accord/shared';
import type { CaseRecord } from '../store/types';

/**
 * The text the assistant reads a complaint from: the description, a line end, the desired outcome —
 * the same text intake classifies (`cases/intake.ts`), so that a reading made lazily for an older case
 * is the reading intake would have made.
 */
export function complaintOf(c: Pick<CaseRecord, 'summary' | 'desiredOutcome'>): AssistantView['complaint'] {
  const text = `${c.summary}\n${c.desiredOutcome}`;
  return {
    text,
    sections: [
      { part: 'description', start: 0, end: c.summary.length },
      { part: 'desiredOutcome', start: c.summary.length + 1, end: text.length },
    ],
  };
}

/** The facts as the assistant uses them: the mediator's list when corrected, each marked when not as read. */
export function effectiveFacts(text: string, corrected: readonly Fact[] | null) {
  const read = extractFacts(text);
  const seen = new Set(read.map((f) => JSON.stringify(f)));
  const facts = corrected ?? read;
  return {
    read,
    facts,
    marked: facts.map((fact) => ({ fact, corrected: corrected !== null && !seen.has(JSON.stringify(fact)) })),
  };
}

/**
 * A corrected fact names where in the complaint it was read: its span must be that text, so a
 * correction changes what a passage means, never where it is. Nothing is stored otherwise.
 */
export function checkSpans(text: string, facts: readonly Fact[]): void {
  const issues = facts.flatMap((f, i) => {
    const { start, end } = f.span;
    if (start > end || end > text.length) {
      return [{ path: `facts.${i}.span`, message: `the span ${start}–${end} is outside the complaint's text` }];
    }
    if (text.slice(start, end) !== f.span.text) {
      return [{ path: `facts.${i}.span.text`, message: 'not the text of the complaint at that place' }];
    }
    return [];
  });
  const first = issues[0];
  if (first) {
    throw new AccordError('VALIDATION_FAILED', `invalid corrections: ${first.path}: ${first.message}`, issues, {
      reason: 'assistant.spanMismatch',
      params: { index: Number(first.path.split('.')[1]) + 1 },
    });
  }
}

/** Today's calendar date where the case is (its session's zone, else Asia/Shanghai), as YYYY-MM-DD. */
export function todayIn(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
