import { now, toSession, type Row } from '../rows';
import type { SessionRecord, SessionStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteSessions(c: SqliteDb): SessionStore {
  return {
    async createSession(session) {
      const record: SessionRecord = { ...session, createdAt: now(), revokedAt: null };
      c.stmt(
        `INSERT INTO sessions (id, user_id, case_id, invite_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(record.id, record.userId, record.caseId, record.inviteId, record.createdAt, record.expiresAt);
      return record;
    },

    async getSession(id) {
      const r = c.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
      return r ? toSession(r) : null;
    },

    async revokeSession(id, at) {
      c.stmt('UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id);
    },

    async revokeUserSessions(userId, exceptId, at) {
      const rows = c
        .stmt(
          `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ? RETURNING id`,
        )
        .all(at, userId, exceptId) as { id: string }[];
      return rows.map((r) => r.id);
    },
  };
}
