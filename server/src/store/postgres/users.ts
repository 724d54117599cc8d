import { now, num, toUser, userInsertParams } from '../rows';
import type { UserStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresUsers({ pool }: PgDb): UserStore {
  return {
    async createUser(user) {
      const createdAt = now();
      await pool.query(
        `INSERT INTO users (id, kind, username, display_name, staff_role, password_hash, must_change_password, lender_id, created_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        userInsertParams(user, createdAt, (b) => b),
      );
      return { ...user, lenderId: user.lenderId ?? null, deactivatedAt: null, email: user.email ?? null, createdAt };
    },

    async getUser(id) {
      const r = await one(pool, 'SELECT * FROM users WHERE id = $1', [id]);
      return r ? toUser(r) : null;
    },

    async getUserByUsername(username) {
      const r = await one(pool, 'SELECT * FROM users WHERE username = $1', [username]);
      return r ? toUser(r) : null;
    },

    async setPassword(userId, passwordHash, mustChange) {
      await pool.query('UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3', [
        passwordHash,
        mustChange,
        userId,
      ]);
    },

    async countStaff() {
      return num((await one(pool, "SELECT count(*) AS n FROM users WHERE kind = 'staff'"))?.n);
    },

    async listStaff() {
      return (await all(pool, "SELECT * FROM users WHERE kind = 'staff' ORDER BY username")).map(toUser);
    },

    async updateUser(userId, patch) {
      // One statement: each column keeps its value unless the patch names it.
      const r = await one(
        pool,
        `UPDATE users SET
           display_name = CASE WHEN $2 THEN $3 ELSE display_name END,
           staff_role = CASE WHEN $4 THEN $5 ELSE staff_role END,
           lender_id = CASE WHEN $6 THEN $7 ELSE lender_id END,
           deactivated_at = CASE WHEN $8 THEN $9 ELSE deactivated_at END
         WHERE id = $1 RETURNING *`,
        [
          userId,
          patch.displayName !== undefined,
          patch.displayName ?? null,
          patch.staffRole !== undefined,
          patch.staffRole ?? null,
          patch.lenderId !== undefined,
          patch.lenderId ?? null,
          patch.deactivatedAt !== undefined,
          patch.deactivatedAt ?? null,
        ],
      );
      return r ? toUser(r) : null;
    },
  };
}
