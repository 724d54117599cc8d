import { toHardship, type Row } from '../rows';
import type { HardshipStore } from '../types';
import { one, type PgDb } from './db';

export function postgresHardship({ pool }: PgDb): HardshipStore {
  return {
    async putHardship(h) {
      // One statement: a later declaration replaces the first but keeps when it was first made;
      // `xmax = 0` holds for a row this statement inserted (not one it updated).
      const r = (await one(
        pool,
        `INSERT INTO hardships (case_id, kind, since, description, evidence_ids, declared_by, declared_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, since = excluded.since,
           description = excluded.description, evidence_ids = excluded.evidence_ids,
           declared_by = excluded.declared_by, updated_at = excluded.updated_at
         RETURNING *, (xmax = 0) AS created`,
        [
          h.caseId,
          h.kind,
          h.since,
          h.description,
          JSON.stringify(h.evidenceIds),
          h.declaredBy,
          h.declaredAt,
          h.updatedAt,
        ],
      )) as Row;
      return { record: toHardship(r), created: r.created === true };
    },

    async getHardship(caseId) {
      const r = await one(pool, 'SELECT * FROM hardships WHERE case_id = $1', [caseId]);
      return r ? toHardship(r) : null;
    },
  };
}
