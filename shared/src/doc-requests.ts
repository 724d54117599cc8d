import { z } from 'zod';
import { CaseId, IsoDateTime } from './ids';
import { EvidenceView } from './intake';
import { text } from './questions';

/**
 * Document requests: the customer asks the case's lender for named documents (the process Accord
 * serves gives the borrower the right to the complete contract text and related documents); the
 * lender's staff answer by uploading them (evidence of the case, linked to the request) or by saying
 * why not, before a due date counted in working days from the request (per lender, default 5).
 */

export const DOCUMENT_KINDS = [
  'loan_contract',
  'repayment_schedule',
  'fee_list',
  'transaction_records',
  'other',
] as const;
export const DocumentKind = z.enum(DOCUMENT_KINDS);
export type DocumentKind = z.infer<typeof DocumentKind>;

/** Working days a lender has to answer when it has set none. */
export const DOCUMENT_DUE_DAYS_DEFAULT = 5;
export const DOCUMENT_DUE_DAYS_MAX = 30;
export const DOCUMENT_NOTE_MAX = 500;
export const DOCUMENT_DECLINE_MIN = 10;
export const DOCUMENT_DECLINE_MAX = 1000;

/**
 * `POST /api/cases/:caseId/document-requests`: the customer asks. `id` is the client's (a UUID made
 * once per request), so that a request sent again after a lost answer is stored once. `other` needs
 * a note naming the document; the others may carry one (which period, which transaction).
 */
export const DocumentRequestBody = z
  .strictObject({
    id: z.uuid('a request id (UUID)'),
    kind: DocumentKind,
    note: text(0, DOCUMENT_NOTE_MAX).default(''),
  })
  .refine((b) => b.kind !== 'other' || b.note.length >= 2, {
    path: ['note'],
    message: "name the document you ask for (at least 2 characters) when the kind is 'other'",
  });
export type DocumentRequestBody = z.input<typeof DocumentRequestBody>;

/** `POST /api/cases/:caseId/document-requests/:requestId/decline`: the lender says why it cannot provide it. */
export const DocumentDeclineBody = z.strictObject({ reason: text(DOCUMENT_DECLINE_MIN, DOCUMENT_DECLINE_MAX) });
export type DocumentDeclineBody = z.infer<typeof DocumentDeclineBody>;

/** `open` past its due date is shown as overdue (`overdue: true`); answering ends both. */
export const DocumentRequestStatus = z.enum(['open', 'provided', 'declined']);
export type DocumentRequestStatus = z.infer<typeof DocumentRequestStatus>;

export const DocumentRequestView = z.object({
  id: z.uuid(),
  caseId: CaseId,
  kind: DocumentKind,
  note: z.string(),
  requestedAt: IsoDateTime,
  /** The end of the last working day the lender has (in the case's time zone). */
  dueAt: IsoDateTime,
  status: DocumentRequestStatus,
  /** Open and past `dueAt` when the view was made. */
  overdue: z.boolean(),
  answeredAt: IsoDateTime.nullable(),
  /** Who answered, by role and display name (the lender's staff, or the centre on its behalf). */
  answeredBy: z.object({ role: z.enum(['lender', 'centre']), name: z.string() }).nullable(),
  /** Why not (declined). */
  reason: z.string().nullable(),
  /** The documents provided (evidence of the case this viewer may see). */
  documents: z.array(EvidenceView),
});
export type DocumentRequestView = z.infer<typeof DocumentRequestView>;

/** `GET /api/cases/:caseId/document-requests` (and what asking or answering returns). */
export const DocumentRequestList = z.object({
  caseId: CaseId,
  /** Oldest first. */
  requests: z.array(DocumentRequestView),
  /** Whether this viewer may ask now (the case's customer, while the case is open). */
  mayRequest: z.boolean(),
  /** Whether this viewer may answer (the lender's staff of the case's lender, the centre). */
  mayAnswer: z.boolean(),
  /** The working days the lender has, as the next request would get. */
  dueWorkingDays: z.int().min(1),
});
export type DocumentRequestList = z.infer<typeof DocumentRequestList>;

/** `GET /api/document-requests/open`: open requests on the cases this staff member may see, soonest due first. */
export const OpenDocumentRequest = z.object({
  caseId: CaseId,
  caseNumber: z.string(),
  requestId: z.uuid(),
  kind: DocumentKind,
  note: z.string(),
  requestedAt: IsoDateTime,
  dueAt: IsoDateTime,
  overdue: z.boolean(),
});
export type OpenDocumentRequest = z.infer<typeof OpenDocumentRequest>;

/** `PUT /api/lenders/:lenderId/document-due-days`: the working days the lender's staff have to answer. */
export const DocumentDueDaysBody = z.strictObject({
  days: z.int().min(1).max(DOCUMENT_DUE_DAYS_MAX).nullable(),
});
export type DocumentDueDaysBody = z.infer<typeof DocumentDueDaysBody>;

const DAY_MS = 86_400_000;

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The offset of a time zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * When a request made at `from` is due: the end (23:59:59.999 local) of the `days`-th working day
 * after the day it was made, Saturdays and Sundays not counted. Public holidays are not known here
 * (they move each year); a lender that observes them sets more days.
 */
export function documentDueAt(from: Date, days: number, timeZone: string): Date {
  const [y, m, d] = localDate(from, timeZone).split('-').map(Number) as [number, number, number];
  let day = Date.UTC(y, m - 1, d);
  let left = days;
  while (left > 0) {
    day += DAY_MS;
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  const endLocal = day + DAY_MS - 1;
  return new Date(endLocal - offsetMs(new Date(endLocal), timeZone));
}
