import type { CaseRole } from '@accord/shared';
import { now, str, toCase, toMember, type Row } from '../rows';
import type { MemberStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresMembers(db: PgDb): MemberStore {
  const { pool } = db;
  const getMember = async (caseId: string, userId: string) => {
    const r = await one(pool, 'SELECT * FROM case_members WHERE case_id = $1 AND user_id = $2', [caseId, userId]);
    return r ? toMember(r) : null;
  };
  return {
    async putMember(member) {
      const r = await one(
        pool,
        `INSERT INTO case_members (case_id, user_id, role, display_name, added_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (case_id, user_id) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
           removed_at = NULL
         RETURNING *`,
        [member.caseId, member.userId, member.role, member.displayName, now()],
      );
      return toMember(r as Row);
    },

    getMember,

    async listMembers(caseId) {
      return (
        await all(
          pool,
          'SELECT * FROM case_members WHERE case_id = $1 AND removed_at IS NULL ORDER BY added_at, user_id',
          [caseId],
        )
      ).map(toMember);
    },

    async listMemberships(userId) {
      const rows = await all(
        pool,
        `SELECT c.*, m.role AS member_role FROM case_members m JOIN cases c ON c.id = m.case_id
         WHERE m.user_id = $1 AND m.removed_at IS NULL ORDER BY c.created_at DESC`,
        [userId],
      );
      return rows.map((r) => ({ case: toCase(r), role: r.member_role as CaseRole }));
    },

    async setMemberFlags(caseId, userId, flags) {
      const columns = { admitted: 'admitted', muted: 'muted', handRaised: 'hand_raised' } as const;
      const changed = (Object.keys(columns) as (keyof typeof columns)[]).filter((k) => flags[k] !== undefined);
      if (changed.length === 0) return getMember(caseId, userId);
      const sets = changed.map((k, i) => `${columns[k]} = $${i + 1}`);
      const r = await one(
        pool,
        `UPDATE case_members SET ${sets.join(', ')} WHERE case_id = $${changed.length + 1} AND user_id = $${changed.length + 2}
           AND removed_at IS NULL RETURNING *`,
        [...changed.map((k) => flags[k] === true), caseId, userId],
      );
      return r ? toMember(r) : null;
    },

    async admitAll(caseId) {
      const rows = await all(
        pool,
        `UPDATE case_members SET admitted = true
         WHERE case_id = $1 AND admitted = false AND removed_at IS NULL AND role <> 'mediator' RETURNING user_id`,
        [caseId],
      );
      return rows.map((r) => str(r.user_id));
    },

    async removeMember(caseId, userId, at) {
      return db.tx(async (c) => {
        await c.query(
          'UPDATE case_members SET removed_at = coalesce(removed_at, $1) WHERE case_id = $2 AND user_id = $3',
          [at, caseId, userId],
        );
        await c.query('UPDATE invites SET revoked_at = coalesce(revoked_at, $1) WHERE case_id = $2 AND user_id = $3', [
          at,
          caseId,
          userId,
        ]);
        const rows = await all(
          c,
          'UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id = $2 AND case_id = $3 RETURNING id',
          [at, userId, caseId],
        );
        return rows.map((r) => str(r.id));
      });
    },
  };
}
