import { describe, expect, it } from 'vitest';
import { DocumentRequestBody, documentDueAt } from './doc-requests';

describe('documentDueAt', () => {
  const tz = 'Asia/Shanghai';

  it('counts working days from the next day, to the end of the last one in the case’s zone', () => {
    // Monday 2026-12-07 10:00 in Shanghai: five working days end on Monday 2026-12-14.
    const due = documentDueAt(new Date('2026-12-07T02:00:00Z'), 5, tz);
    expect(due.toISOString()).toBe('2026-12-14T15:59:59.999Z');
  });

  it('skips a weekend in the middle and a request made on a Saturday', () => {
    // Thursday 2026-12-10: Fri 11, Mon 14 → 2 days.
    expect(documentDueAt(new Date('2026-12-10T01:00:00Z'), 2, tz).toISOString()).toBe('2026-12-14T15:59:59.999Z');
    // Saturday 2026-12-12: Mon 14 is the first.
    expect(documentDueAt(new Date('2026-12-12T01:00:00Z'), 1, tz).toISOString()).toBe('2026-12-14T15:59:59.999Z');
  });

  it('takes the day in the case’s zone, not UTC’s (late evening UTC is the next morning in Shanghai)', () => {
    // 2026-12-10T20:00Z is Friday 04:00 in Shanghai: one working day is Monday.
    expect(documentDueAt(new Date('2026-12-10T20:00:00Z'), 1, tz).toISOString()).toBe('2026-12-14T15:59:59.999Z');
    // In London it is still Thursday: one working day is Friday.
    expect(documentDueAt(new Date('2026-12-10T20:00:00Z'), 1, 'Europe/London').toISOString()).toBe(
      '2026-12-11T23:59:59.999Z',
    );
  });
});

describe('DocumentRequestBody', () => {
  const id = '0b0c7f6e-8a4c-4c2b-9a36-5d0a3c1e2f10';
  it("needs a note naming the document when the kind is 'other'", () => {
    const r = DocumentRequestBody.safeParse({ id, kind: 'other' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['note']);
    expect(DocumentRequestBody.parse({ id, kind: 'loan_contract' }).note).toBe('');
  });
});
