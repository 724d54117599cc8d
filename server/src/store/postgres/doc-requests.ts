import { AccordError } from '@accord/shared';
import { toDocumentRequest } from '../doc-request-rows';
import type { DocumentRequestStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresDocRequests(db: PgDb): DocumentRequestStore {
  const byId = (id: string) => one(db.pool, 'SELECT * FROM document_requests WHERE id = $1', [id]);
  return {
    async addDocumentRequest(r) {
      // ON CONFLICT DO NOTHING: a request sent twice (even at once, on two nodes) is stored once.
      const inserted = await one(
        db.pool,
        `INSERT INTO document_requests (id, case_id, kind, note, requested_by, requested_at, due_at, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')
         ON CONFLICT (id) DO NOTHING RETURNING *`,
        [r.id, r.caseId, r.kind, r.note, r.requestedBy, r.requestedAt, r.dueAt],
      );
      if (inserted) return { record: toDocumentRequest(inserted), created: true };
      const stored = await byId(r.id);
      if (!stored) throw new AccordError('INTERNAL', 'a document request was neither stored nor found');
      return { record: toDocumentRequest(stored), created: false };
    },

    async getDocumentRequest(id) {
      const r = await byId(id);
      return r ? toDocumentRequest(r) : null;
    },

    async listDocumentRequests(caseId) {
      return (
        await all(db.pool, 'SELECT * FROM document_requests WHERE case_id = $1 ORDER BY requested_at, id', [caseId])
      ).map(toDocumentRequest);
    },

    async answerDocumentRequest(id, a) {
      // One statement: only an open request is answered, whoever else answers at the same moment.
      const updated = await one(
        db.pool,
        `UPDATE document_requests SET status = $1, answered_at = $2, answered_by = $3, answered_role = $4,
                answered_name = $5, reason = $6
          WHERE id = $7 AND status = 'open' RETURNING *`,
        [a.status, a.at, a.byId, a.byRole, a.byName, a.reason, id],
      );
      if (updated) return toDocumentRequest(updated);
      if (!(await byId(id))) throw new AccordError('NOT_FOUND', 'no such document request');
      throw new AccordError('CONFLICT', 'the document request was answered already');
    },

    async listOpenDocumentRequests() {
      return (
        await all(db.pool, "SELECT * FROM document_requests WHERE status = 'open' ORDER BY due_at, requested_at, id")
      ).map(toDocumentRequest);
    },
  };
}
