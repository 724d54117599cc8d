import { toRightsAck, type RightsStore } from '../rights-types';
import type { SqliteDb } from './db';

export function sqliteRights(c: SqliteDb): RightsStore {
  const get = (caseId: string, userId: string) =>
    c.stmt('SELECT * FROM rights_acks WHERE case_id = ? AND user_id = ?').get(caseId, userId) as
      Record<string, unknown> | undefined;
  return {
    async addRightsAck(a) {
      // The first is kept: a second (another tab, a retry) changes nothing.
      const { changes } = c
        .stmt(
          `INSERT INTO rights_acks (case_id, user_id, role, language, version, sha256, at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, user_id) DO NOTHING`,
        )
        .run(a.caseId, a.userId, a.role, a.language, a.version, a.sha256, a.at);
      return { record: toRightsAck(get(a.caseId, a.userId) as Record<string, unknown>), created: changes === 1 };
    },

    async getRightsAck(caseId, userId) {
      const r = get(caseId, userId);
      return r ? toRightsAck(r) : null;
    },

    async listRightsAcks(caseId) {
      const rows = c.stmt('SELECT * FROM rights_acks WHERE case_id = ? ORDER BY at, user_id').all(caseId) as Record<
        string,
        unknown
      >[];
      return rows.map(toRightsAck);
    },
  };
}
