import type { DocumentKind } from '@accord/shared';
import { str, strOrNull, type Row } from './rows';
import type { DocumentAnswerRole, DocumentRequestRecord } from './types';

/** A document request's row, the same in SQLite and PostgreSQL. */
export function toDocumentRequest(r: Row): DocumentRequestRecord {
  return {
    id: str(r.id),
    caseId: str(r.case_id),
    kind: str(r.kind) as DocumentKind,
    note: str(r.note),
    requestedBy: str(r.requested_by),
    requestedAt: str(r.requested_at),
    dueAt: str(r.due_at),
    status: str(r.status) as DocumentRequestRecord['status'],
    answeredAt: strOrNull(r.answered_at),
    answeredById: strOrNull(r.answered_by),
    answeredByRole: strOrNull(r.answered_role) as DocumentAnswerRole | null,
    answeredByName: strOrNull(r.answered_name),
    reason: strOrNull(r.reason),
  };
}
