import { AccordError } from '@accord/shared';
import { toDocumentRequest } from '../doc-request-rows';
import type { Row } from '../rows';
import type { DocumentRequestStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteDocRequests(c: SqliteDb): DocumentRequestStore {
  const byId = (id: string) => c.stmt('SELECT * FROM document_requests WHERE id = ?').get(id) as Row | undefined;
  return {
    async addDocumentRequest(r) {
      // INSERT OR IGNORE: a request sent twice (even at once) is stored once.
      const { changes } = c
        .stmt(
          `INSERT OR IGNORE INTO document_requests (id, case_id, kind, note, requested_by, requested_at, due_at, status)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'open')`,
        )
        .run(r.id, r.caseId, r.kind, r.note, r.requestedBy, r.requestedAt, r.dueAt);
      return { record: toDocumentRequest(byId(r.id) as Row), created: changes === 1 };
    },

    async getDocumentRequest(id) {
      const r = byId(id);
      return r ? toDocumentRequest(r) : null;
    },

    async listDocumentRequests(caseId) {
      const rows = c
        .stmt('SELECT * FROM document_requests WHERE case_id = ? ORDER BY requested_at, id')
        .all(caseId) as Row[];
      return rows.map(toDocumentRequest);
    },

    async answerDocumentRequest(id, a) {
      // One statement: only an open request is answered, whoever else answers at the same moment.
      const { changes } = c
        .stmt(
          `UPDATE document_requests SET status = ?, answered_at = ?, answered_by = ?, answered_role = ?,
                  answered_name = ?, reason = ?
            WHERE id = ? AND status = 'open'`,
        )
        .run(a.status, a.at, a.byId, a.byRole, a.byName, a.reason, id);
      const row = byId(id);
      if (!row) throw new AccordError('NOT_FOUND', 'no such document request');
      if (changes !== 1) throw new AccordError('CONFLICT', 'the document request was answered already');
      return toDocumentRequest(row);
    },

    async listOpenDocumentRequests() {
      const rows = c
        .stmt("SELECT * FROM document_requests WHERE status = 'open' ORDER BY due_at, requested_at, id")
        .all() as Row[];
      return rows.map(toDocumentRequest);
    },
  };
}
