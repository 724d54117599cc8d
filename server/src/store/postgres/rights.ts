import { toRightsAck, type RightsStore } from '../rights-types';
import { all, one, type PgDb } from './db';

export function postgresRights(db: PgDb): RightsStore {
  const get = (caseId: string, userId: string) =>
    one(db.pool, 'SELECT * FROM rights_acks WHERE case_id = $1 AND user_id = $2', [caseId, userId]);
  return {
    async addRightsAck(a) {
      // The first is kept, whichever node wins: a second (another tab, a retry) changes nothing.
      const inserted = await one(
        db.pool,
        `INSERT INTO rights_acks (case_id, user_id, role, language, version, sha256, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, user_id) DO NOTHING RETURNING *`,
        [a.caseId, a.userId, a.role, a.language, a.version, a.sha256, a.at],
      );
      if (inserted) return { record: toRightsAck(inserted), created: true };
      return { record: toRightsAck((await get(a.caseId, a.userId)) ?? {}), created: false };
    },

    async getRightsAck(caseId, userId) {
      const r = await get(caseId, userId);
      return r ? toRightsAck(r) : null;
    },

    async listRightsAcks(caseId) {
      return (await all(db.pool, 'SELECT * FROM rights_acks WHERE case_id = $1 ORDER BY at, user_id', [caseId])).map(
        toRightsAck,
      );
    },
  };
}
