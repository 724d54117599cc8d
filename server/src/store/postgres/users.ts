import { now, num, toUser, userInsertParams } from '../rows';
import type { UserStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresUsers({ pool }: PgDb): UserStore {
  return {
    async createUser(user) {
      const createdAt = now();
      await pool.query(
        `INSERT INTO users (id, kind, username, display_name, staff_role, password_hash, must_change_password, created_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        userInsertParams(user, createdAt, (b) => b),
      );
      return { ...user, email: user.email ?? null, createdAt };
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
  };
}
