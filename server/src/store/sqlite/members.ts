import type { CaseRole } from '@accord/shared';
import { now, toCase, toMember, type Row } from '../rows';
import type { MemberStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteMembers(c: SqliteDb): MemberStore {
  const getMember = (caseId: string, userId: string) => {
    const r = c.stmt('SELECT * FROM case_members WHERE case_id = ? AND user_id = ?').get(caseId, userId) as
      Row | undefined;
    return r ? toMember(r) : null;
  };
  return {
    async putMember(member) {
      const r = c
        .stmt(
          `INSERT INTO case_members (case_id, user_id, role, display_name, added_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (case_id, user_id) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
               removed_at = NULL
             RETURNING *`,
        )
        .get(member.caseId, member.userId, member.role, member.displayName, now()) as Row;
      return toMember(r);
    },

    async getMember(caseId, userId) {
      return getMember(caseId, userId);
    },

    async listMembers(caseId) {
      return (
        c
          .stmt('SELECT * FROM case_members WHERE case_id = ? AND removed_at IS NULL ORDER BY added_at, user_id')
          .all(caseId) as Row[]
      ).map(toMember);
    },

    async listMemberships(userId) {
      const rows = c
        .stmt(
          `SELECT c.*, m.role AS member_role FROM case_members m JOIN cases c ON c.id = m.case_id
             WHERE m.user_id = ? AND m.removed_at IS NULL ORDER BY c.created_at DESC`,
        )
        .all(userId) as Row[];
      return rows.map((r) => ({ case: toCase(r), role: r.member_role as CaseRole }));
    },

    async setMemberFlags(caseId, userId, flags) {
      const columns = { admitted: 'admitted', muted: 'muted', handRaised: 'hand_raised' } as const;
      const changed = (Object.keys(columns) as (keyof typeof columns)[]).filter((k) => flags[k] !== undefined);
      const sets = changed.map((k) => `${columns[k]} = ?`);
      const values = changed.map((k) => (flags[k] ? 1 : 0));
      if (sets.length === 0) return getMember(caseId, userId);
      const r = c
        .stmt(
          `UPDATE case_members SET ${sets.join(', ')} WHERE case_id = ? AND user_id = ? AND removed_at IS NULL RETURNING *`,
        )
        .get(...values, caseId, userId) as Row | undefined;
      return r ? toMember(r) : null;
    },

    async admitAll(caseId) {
      const rows = c
        .stmt(
          `UPDATE case_members SET admitted = 1
             WHERE case_id = ? AND admitted = 0 AND removed_at IS NULL AND role != 'mediator' RETURNING user_id`,
        )
        .all(caseId) as { user_id: string }[];
      return rows.map((r) => r.user_id);
    },

    async removeMember(caseId, userId, at) {
      return c.db.transaction(() => {
        c.stmt('UPDATE case_members SET removed_at = coalesce(removed_at, ?) WHERE case_id = ? AND user_id = ?').run(
          at,
          caseId,
          userId,
        );
        c.stmt('UPDATE invites SET revoked_at = coalesce(revoked_at, ?) WHERE case_id = ? AND user_id = ?').run(
          at,
          caseId,
          userId,
        );
        const rows = c
          .stmt(
            `UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id = ? AND case_id = ? RETURNING id`,
          )
          .all(at, userId, caseId) as { id: string }[];
        return rows.map((r) => r.id);
      })();
    },
  };
}
