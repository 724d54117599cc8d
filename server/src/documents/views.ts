import {
  evidenceVisibleTo,
  type DocumentRequestView,
  type EvidenceView,
  type EvidenceViewer,
  type OpenDocumentRequest,
} from '@accord/shared';
import type { DocumentRequestRecord } from '../store/types';

/** Open and past its due date at `now`. */
export const isOverdue = (r: DocumentRequestRecord, now: Date): boolean =>
  r.status === 'open' && Date.parse(r.dueAt) < now.getTime();

/** A request as one viewer sees it: the documents among the case's evidence linked to it, that this viewer may see. */
export function toRequestView(
  r: DocumentRequestRecord,
  evidence: readonly EvidenceView[],
  viewer: EvidenceViewer,
  now: Date,
): DocumentRequestView {
  return {
    id: r.id,
    caseId: r.caseId,
    kind: r.kind,
    note: r.note,
    requestedAt: r.requestedAt,
    dueAt: r.dueAt,
    status: r.status,
    overdue: isOverdue(r, now),
    answeredAt: r.answeredAt,
    answeredBy: r.answeredByRole ? { role: r.answeredByRole, name: r.answeredByName ?? '' } : null,
    reason: r.reason,
    documents: evidence.filter((e) => e.requestId === r.id && evidenceVisibleTo(e, viewer)),
  };
}

export function toOpenRequest(r: DocumentRequestRecord, caseNumber: string, now: Date): OpenDocumentRequest {
  return {
    caseId: r.caseId,
    caseNumber,
    requestId: r.id,
    kind: r.kind,
    note: r.note,
    requestedAt: r.requestedAt,
    dueAt: r.dueAt,
    overdue: isOverdue(r, now),
  };
}
