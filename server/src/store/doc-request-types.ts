import type { DocumentKind } from '@accord/shared';

/** Who answered a document request: the case's lender's staff, or the centre on its behalf. */
export type DocumentAnswerRole = 'lender' | 'centre';

/** A customer's request for a named document from the case's lender, and its answer once given. */
export interface DocumentRequestRecord {
  /** Made by the client once per request: a request sent again with the same id is stored once. */
  id: string;
  caseId: string;
  kind: DocumentKind;
  note: string;
  requestedBy: string;
  requestedAt: string;
  /** Counted in working days from `requestedAt` when it was made (the lender's setting then). */
  dueAt: string;
  status: 'open' | 'provided' | 'declined';
  answeredAt: string | null;
  answeredById: string | null;
  answeredByRole: DocumentAnswerRole | null;
  /** The staff member's display name at the time of the answer. */
  answeredByName: string | null;
  /** Why not (declined); null otherwise. */
  reason: string | null;
}

export type NewDocumentRequest = Omit<
  DocumentRequestRecord,
  'status' | 'answeredAt' | 'answeredById' | 'answeredByRole' | 'answeredByName' | 'reason'
>;

export interface DocumentAnswer {
  status: 'provided' | 'declined';
  at: string;
  byId: string;
  byRole: DocumentAnswerRole;
  byName: string;
  reason: string | null;
}

export interface DocumentRequestStore {
  /**
   * Stores a request, open. Idempotent by id: a request whose id is already stored is not stored
   * again; the stored one is returned (`created` false).
   */
  addDocumentRequest(request: NewDocumentRequest): Promise<{ record: DocumentRequestRecord; created: boolean }>;
  getDocumentRequest(id: string): Promise<DocumentRequestRecord | null>;
  /** The case's requests, oldest first. */
  listDocumentRequests(caseId: string): Promise<DocumentRequestRecord[]>;
  /**
   * Answers an open request, atomically: only an open one is answered. NOT_FOUND when there is no
   * such request, CONFLICT when it was answered already (the first answer stands).
   */
  answerDocumentRequest(id: string, answer: DocumentAnswer): Promise<DocumentRequestRecord>;
  /** Every open request of every case, soonest due first. */
  listOpenDocumentRequests(): Promise<DocumentRequestRecord[]>;
}
