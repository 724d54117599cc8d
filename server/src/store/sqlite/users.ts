import { now, type Row, toUser, userInsertParams } from '../rows';
import type { UserStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteUsers(c: SqliteDb): UserStore {
  return {
    async createUser(user) {
      const createdAt = now();
      c.stmt(
        `INSERT INTO users (id, kind, username, display_name, staff_role, password_hash, must_change_password, created_at, email)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...userInsertParams(user, createdAt, (b) => (b ? 1 : 0)));
      return { ...user, email: user.email ?? null, createdAt };
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
  };
}
