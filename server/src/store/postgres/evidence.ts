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
          `INSERT INTO evidence (id, case_id, uploaded_by, uploader_role, name, stored_name, type, size, sha256, uploaded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [e.id, e.caseId, e.uploadedBy, e.uploaderRole, e.name, e.storedName, e.type, e.size, e.sha256, e.uploadedAt],
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
  };
}
