import { now, str, toSession } from '../rows';
import type { SessionRecord, SessionStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresSessions({ pool }: PgDb): SessionStore {
  return {
    async createSession(session) {
      const record: SessionRecord = { ...session, createdAt: now(), revokedAt: null };
      await pool.query(
        'INSERT INTO sessions (id, user_id, case_id, invite_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [record.id, record.userId, record.caseId, record.inviteId, record.createdAt, record.expiresAt],
      );
      return record;
    },

    async getSession(id) {
      const r = await one(pool, 'SELECT * FROM sessions WHERE id = $1', [id]);
      return r ? toSession(r) : null;
    },

    async revokeSession(id, at) {
      await pool.query('UPDATE sessions SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2', [at, id]);
    },

    async revokeUserSessions(userId, exceptId, at) {
      const rows = await all(
        pool,
        'UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id IS DISTINCT FROM $3 RETURNING id',
        [at, userId, exceptId],
      );
      return rows.map((r) => str(r.id));
    },
  };
}
