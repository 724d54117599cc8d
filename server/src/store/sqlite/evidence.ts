import { AccordError } from '@accord/shared';
import { toEvidence, type Row } from '../rows';
import type { EvidenceStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteEvidence(c: SqliteDb): EvidenceStore {
  return {
    async addEvidence(e, max) {
      return c.db
        .transaction(() => {
          const { n } = c.stmt('SELECT count(*) AS n FROM evidence WHERE case_id = ?').get(e.caseId) as {
            n: number;
          };
          if (n >= max)
            throw AccordError.because('CONFLICT', 'evidence.tooMany', `a case holds at most ${max} evidence files`, {
              max,
            });
          c.stmt(
            `INSERT INTO evidence (id, case_id, uploaded_by, uploader_role, name, stored_name, type, size, sha256, uploaded_at,
                                   uploader_name, shown_to, caucus_side, request_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            e.id,
            e.caseId,
            e.uploadedBy,
            e.uploaderRole,
            e.name,
            e.storedName,
            e.type,
            e.size,
            e.sha256,
            e.uploadedAt,
            e.uploaderName,
            e.shownTo,
            e.shownTo === 'caucus' ? e.caucusSide : null,
            e.requestId,
          );
          return e;
        })
        .immediate();
    },

    async listEvidence(caseId) {
      return (c.stmt('SELECT * FROM evidence WHERE case_id = ? ORDER BY uploaded_at, id').all(caseId) as Row[]).map(
        toEvidence,
      );
    },

    async getEvidence(id) {
      const r = c.stmt('SELECT * FROM evidence WHERE id = ?').get(id) as Row | undefined;
      return r ? toEvidence(r) : null;
    },

    async setEvidenceSharing(id, shownTo, caucusSide) {
      const r = c
        .stmt('UPDATE evidence SET shown_to = ?, caucus_side = ? WHERE id = ? RETURNING *')
        .get(shownTo, shownTo === 'caucus' ? caucusSide : null, id) as Row | undefined;
      return r ? toEvidence(r) : null;
    },
  };
}
