import { inviteInsertParams, now, str, toInvite } from '../rows';
import type { InviteRecord, InviteStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresInvites(db: PgDb): InviteStore {
  const { pool } = db;
  return {
    async createInvite(invite) {
      const record: InviteRecord = { ...invite, createdAt: now(), revokedAt: null, pinResetAt: null };
      await pool.query(
        `INSERT INTO invites (id, case_id, user_id, role, display_name, created_by, created_at, expires_at, pin_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        inviteInsertParams(record),
      );
      return record;
    },

    async getInvite(id) {
      const r = await one(pool, 'SELECT * FROM invites WHERE id = $1', [id]);
      return r ? toInvite(r) : null;
    },

    async listInvites(caseId) {
      return (await all(pool, 'SELECT * FROM invites WHERE case_id = $1 ORDER BY created_at', [caseId])).map(toInvite);
    },

    async claimInvitePin(id, pinHash) {
      const res = await pool.query('UPDATE invites SET pin_hash = $1 WHERE id = $2 AND pin_hash IS NULL', [
        pinHash,
        id,
      ]);
      return res.rowCount === 1;
    },

    async resetInvitePins(caseId, userId, at) {
      const rows = await all(
        pool,
        `UPDATE invites SET pin_hash = NULL, pin_reset_at = $1
           WHERE case_id = $2 AND user_id = $3 AND revoked_at IS NULL AND pin_hash IS NOT NULL RETURNING id`,
        [at, caseId, userId],
      );
      return rows.map((r) => str(r.id));
    },

    async revokeInvite(id, at) {
      return db.tx(async (c) => {
        await c.query('UPDATE invites SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2', [at, id]);
        const rows = await all(
          c,
          'UPDATE sessions SET revoked_at = $1 WHERE invite_id = $2 AND revoked_at IS NULL RETURNING id',
          [at, id],
        );
        return rows.map((r) => str(r.id));
      });
    },
  };
}
