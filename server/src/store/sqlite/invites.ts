import { inviteInsertParams, now, type Row, toInvite } from '../rows';
import type { InviteRecord, InviteStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteInvites(c: SqliteDb): InviteStore {
  return {
    async createInvite(invite) {
      const record: InviteRecord = { ...invite, createdAt: now(), revokedAt: null, pinResetAt: null };
      c.stmt(
        `INSERT INTO invites (id, case_id, user_id, role, display_name, created_by, created_at, expires_at, pin_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...inviteInsertParams(record));
      return record;
    },

    async getInvite(id) {
      const r = c.stmt('SELECT * FROM invites WHERE id = ?').get(id) as Row | undefined;
      return r ? toInvite(r) : null;
    },

    async listInvites(caseId) {
      return (c.stmt('SELECT * FROM invites WHERE case_id = ? ORDER BY created_at').all(caseId) as Row[]).map(toInvite);
    },

    async claimInvitePin(id, pinHash) {
      return c.stmt('UPDATE invites SET pin_hash = ? WHERE id = ? AND pin_hash IS NULL').run(pinHash, id).changes === 1;
    },

    async resetInvitePins(caseId, userId, at) {
      const rows = c
        .stmt(
          `UPDATE invites SET pin_hash = NULL, pin_reset_at = ?
             WHERE case_id = ? AND user_id = ? AND revoked_at IS NULL AND pin_hash IS NOT NULL RETURNING id`,
        )
        .all(at, caseId, userId) as { id: string }[];
      return rows.map((r) => r.id);
    },

    async revokeInvite(id, at) {
      return c.db.transaction(() => {
        c.stmt('UPDATE invites SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id);
        const rows = c
          .stmt('UPDATE sessions SET revoked_at = ? WHERE invite_id = ? AND revoked_at IS NULL RETURNING id')
          .all(at, id) as { id: string }[];
        return rows.map((r) => r.id);
      })();
    },
  };
}
