import { now, type Row, toUser, userInsertParams } from '../rows';
import type { UserStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteUsers(c: SqliteDb): UserStore {
  return {
    async createUser(user) {
      const createdAt = now();
      c.stmt(
        `INSERT INTO users (id, kind, username, display_name, staff_role, password_hash, must_change_password, lender_id, created_at, email)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...userInsertParams(user, createdAt, (b) => (b ? 1 : 0)));
      return { ...user, lenderId: user.lenderId ?? null, deactivatedAt: null, email: user.email ?? null, createdAt };
    },

    async getUser(id) {
      const r = c.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      return r ? toUser(r) : null;
    },

    async getUserByUsername(username) {
      const r = c.stmt('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
      return r ? toUser(r) : null;
    },

    async setPassword(userId, passwordHash, mustChange) {
      c.stmt('UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?').run(
        passwordHash,
        mustChange ? 1 : 0,
        userId,
      );
    },

    async countStaff() {
      return (c.stmt("SELECT count(*) AS n FROM users WHERE kind = 'staff'").get() as { n: number }).n;
    },

    async listStaff() {
      return (c.stmt("SELECT * FROM users WHERE kind = 'staff' ORDER BY username").all() as Row[]).map(toUser);
    },

    async updateUser(userId, patch) {
      return c.db.transaction(() => {
        const r = c.stmt('SELECT * FROM users WHERE id = ?').get(userId) as Row | undefined;
        if (!r) return null;
        const next = { ...toUser(r), ...patch };
        c.stmt('UPDATE users SET display_name = ?, staff_role = ?, lender_id = ?, deactivated_at = ? WHERE id = ?').run(
          next.displayName,
          next.staffRole,
          next.lenderId,
          next.deactivatedAt,
          userId,
        );
        return next;
      })();
    },
  };
}
