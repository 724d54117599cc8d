import { toHardship, type Row } from '../rows';
import type { HardshipStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteHardship(c: SqliteDb): HardshipStore {
  const get = (caseId: string) => c.stmt('SELECT * FROM hardships WHERE case_id = ?').get(caseId) as Row | undefined;
  return {
    async putHardship(h) {
      return c.db
        .transaction(() => {
          const created = get(h.caseId) === undefined;
          // A later declaration replaces the first but keeps when it was first made.
          c.stmt(
            `INSERT INTO hardships (case_id, kind, since, description, evidence_ids, declared_by, declared_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, since = excluded.since,
               description = excluded.description, evidence_ids = excluded.evidence_ids,
               declared_by = excluded.declared_by, updated_at = excluded.updated_at`,
          ).run(
            h.caseId,
            h.kind,
            h.since,
            h.description,
            JSON.stringify(h.evidenceIds),
            h.declaredBy,
            h.declaredAt,
            h.updatedAt,
          );
          return { record: toHardship(get(h.caseId) as Row), created };
        })
        .immediate();
    },

    async getHardship(caseId) {
      const r = get(caseId);
      return r ? toHardship(r) : null;
    },
  };
}
