import { AccordError } from '@accord/shared';
import type { DocumentAnswer, DocumentRequestRecord, DocumentRequestStore, NewDocumentRequest } from './types';

const oldestFirst = (a: DocumentRequestRecord, b: DocumentRequestRecord) =>
  a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id);

/** The memory store's document requests (a class of its own: the store's file stays readable). */
export class MemoryDocRequests implements DocumentRequestStore {
  private readonly byId = new Map<string, DocumentRequestRecord>();

  async addDocumentRequest(r: NewDocumentRequest): Promise<{ record: DocumentRequestRecord; created: boolean }> {
    const stored = this.byId.get(r.id);
    if (stored) return { record: structuredClone(stored), created: false };
    const record: DocumentRequestRecord = {
      ...structuredClone(r),
      status: 'open',
      answeredAt: null,
      answeredById: null,
      answeredByRole: null,
      answeredByName: null,
      reason: null,
    };
    this.byId.set(r.id, record);
    return { record: structuredClone(record), created: true };
  }

  async getDocumentRequest(id: string): Promise<DocumentRequestRecord | null> {
    const r = this.byId.get(id);
    return r ? structuredClone(r) : null;
  }

  async listDocumentRequests(caseId: string): Promise<DocumentRequestRecord[]> {
    return [...this.byId.values()]
      .filter((r) => r.caseId === caseId)
      .sort(oldestFirst)
      .map((r) => structuredClone(r));
  }

  async answerDocumentRequest(id: string, a: DocumentAnswer): Promise<DocumentRequestRecord> {
    const r = this.byId.get(id);
    if (!r) throw new AccordError('NOT_FOUND', 'no such document request');
    if (r.status !== 'open') throw new AccordError('CONFLICT', 'the document request was answered already');
    const next: DocumentRequestRecord = {
      ...r,
      status: a.status,
      answeredAt: a.at,
      answeredById: a.byId,
      answeredByRole: a.byRole,
      answeredByName: a.byName,
      reason: a.reason,
    };
    this.byId.set(id, next);
    return structuredClone(next);
  }

  async listOpenDocumentRequests(): Promise<DocumentRequestRecord[]> {
    return [...this.byId.values()]
      .filter((r) => r.status === 'open')
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || oldestFirst(a, b))
      .map((r) => structuredClone(r));
  }

  /** The request's note and the reason are the case's content; the request stays for the figures. */
  purge(caseId: string): void {
    for (const [id, r] of this.byId) if (r.caseId === caseId) this.byId.set(id, { ...r, note: '', reason: null });
  }
}
