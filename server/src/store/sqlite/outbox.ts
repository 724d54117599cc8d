import { now, outboxInsertParams, toOutbox, type Row } from '../rows';
import type { OutboxStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteOutbox(c: SqliteDb): OutboxStore {
  return {
    async enqueueMail(messages) {
      const insert = c.stmt(
        `INSERT INTO outbox (id, case_id, kind, recipient, payload, not_before, expires_at, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const at = now();
      c.db.transaction(() => {
        for (const m of messages) insert.run(...outboxInsertParams(m, at));
      })();
    },

    async claimMail(owner, at, leaseUntil, limit) {
      // One statement: SQLite has one writer at a time, so two processes never lease the same row.
      const rows = c
        .stmt(
          `UPDATE outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox
                           WHERE sent_at IS NULL AND dropped_at IS NULL AND not_before <= ? AND next_attempt_at <= ?
                             AND (lease_until IS NULL OR lease_until <= ?)
                           ORDER BY next_attempt_at LIMIT ?)
             RETURNING *`,
        )
        .all(owner, leaseUntil, at, at, at, limit) as Row[];
      return rows.map(toOutbox);
    },

    async markMailSent(id, owner, at) {
      const r = c
        .stmt(
          `UPDATE outbox SET sent_at = ?, lease_until = NULL, last_error = NULL WHERE id = ? AND lease_owner = ? AND sent_at IS NULL`,
        )
        .run(at, id, owner);
      return r.changes === 1;
    },

    async markMailFailed(id, owner, nextAttemptAt, error) {
      c.stmt(
        `UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
           WHERE id = ? AND lease_owner = ? AND sent_at IS NULL`,
      ).run(nextAttemptAt, error, id, owner);
    },

    async markMailDropped(id, owner, at, reason) {
      c.stmt(
        `UPDATE outbox SET dropped_at = ?, drop_reason = ?, lease_owner = NULL, lease_until = NULL
           WHERE id = ? AND lease_owner = ? AND sent_at IS NULL`,
      ).run(at, reason, id, owner);
    },

    async cancelMail(caseId, kinds, at, reason) {
      if (kinds.length === 0) return 0;
      const r = c
        .stmt(
          `UPDATE outbox SET dropped_at = ?, drop_reason = ?
             WHERE case_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})
               AND sent_at IS NULL AND dropped_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)`,
        )
        .run(at, reason, caseId, ...kinds, at);
      return r.changes;
    },

    async releaseMail(owner) {
      c.stmt(`UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND sent_at IS NULL`).run(
        owner,
      );
    },

    async listMail(caseId) {
      return (c.stmt('SELECT * FROM outbox WHERE case_id = ? ORDER BY created_at, id').all(caseId) as Row[]).map(
        toOutbox,
      );
    },
  };
}
