import { AccordError } from '@accord/shared';
import { num, toEvidence } from '../rows';
import type { EvidenceStore } from '../types';
import { all, lock, one, type PgDb } from './db';

export function postgresEvidence(db: PgDb): EvidenceStore {
  const { pool } = db;
  return {
    async addEvidence(e, max) {
      return db.tx(async (c) => {
        await lock(c, `evidence:${e.caseId}`);
        const n = num((await one(c, 'SELECT count(*) AS n FROM evidence WHERE case_id = $1', [e.caseId]))?.n);
        if (n >= max)
          throw AccordError.because('CONFLICT', 'evidence.tooMany', `a case holds at most ${max} evidence files`, {
            max,
          });
        await c.query(
          `INSERT INTO evidence (id, case_id, uploaded_by, uploader_role, name, stored_name, type, size, sha256, uploaded_at,
                                 uploader_name, shown_to, caucus_side, request_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [
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
          ],
        );
        return e;
      });
    },

    async listEvidence(caseId) {
      return (await all(pool, 'SELECT * FROM evidence WHERE case_id = $1 ORDER BY uploaded_at, id', [caseId])).map(
        toEvidence,
      );
    },

    async getEvidence(id) {
      const r = await one(pool, 'SELECT * FROM evidence WHERE id = $1', [id]);
      return r ? toEvidence(r) : null;
    },

    async setEvidenceSharing(id, shownTo, caucusSide) {
      const r = await one(pool, 'UPDATE evidence SET shown_to = $1, caucus_side = $2 WHERE id = $3 RETURNING *', [
        shownTo,
        shownTo === 'caucus' ? caucusSide : null,
        id,
      ]);
      return r ? toEvidence(r) : null;
    },
  };
}
