import { now, outboxInsertParams, toOutbox } from '../rows';
import type { OutboxStore } from '../types';
import { all, type PgDb } from './db';

export function postgresOutbox(db: PgDb): OutboxStore {
  const { pool } = db;
  return {
    async enqueueMail(messages) {
      const at = now();
      await db.tx(async (c) => {
        for (const m of messages) {
          await c.query(
            `INSERT INTO outbox (id, case_id, kind, recipient, payload, not_before, expires_at, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            outboxInsertParams(m, at),
          );
        }
      });
    },

    async claimMail(owner, at, leaseUntil, limit) {
      // One statement; SKIP LOCKED lets two nodes claim at once without either taking the other's rows,
      // and the lease condition is checked again on the locked row by the UPDATE.
      const rows = await all(
        pool,
        `UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
           WHERE id IN (SELECT id FROM outbox
                         WHERE sent_at IS NULL AND dropped_at IS NULL AND not_before <= $3 AND next_attempt_at <= $3
                           AND (lease_until IS NULL OR lease_until <= $3)
                         ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
           RETURNING *`,
        [owner, leaseUntil, at, limit],
      );
      return rows.map(toOutbox);
    },

    async markMailSent(id, owner, at) {
      const r = await pool.query(
        `UPDATE outbox SET sent_at = $1, lease_until = NULL, last_error = NULL WHERE id = $2 AND lease_owner = $3 AND sent_at IS NULL`,
        [at, id, owner],
      );
      return r.rowCount === 1;
    },

    async markMailFailed(id, owner, nextAttemptAt, error) {
      await pool.query(
        `UPDATE outbox SET next_attempt_at = $1, last_error = $2, lease_owner = NULL, lease_until = NULL
           WHERE id = $3 AND lease_owner = $4 AND sent_at IS NULL`,
        [nextAttemptAt, error, id, owner],
      );
    },

    async markMailDropped(id, owner, at, reason) {
      await pool.query(
        `UPDATE outbox SET dropped_at = $1, drop_reason = $2, lease_owner = NULL, lease_until = NULL
           WHERE id = $3 AND lease_owner = $4 AND sent_at IS NULL`,
        [at, reason, id, owner],
      );
    },

    async cancelMail(caseId, kinds, at, reason) {
      if (kinds.length === 0) return 0;
      const r = await pool.query(
        `UPDATE outbox SET dropped_at = $1, drop_reason = $2
           WHERE case_id = $3 AND kind = ANY($4::text[])
             AND sent_at IS NULL AND dropped_at IS NULL AND (lease_until IS NULL OR lease_until <= $1)`,
        [at, reason, caseId, [...kinds]],
      );
      return r.rowCount ?? 0;
    },

    async releaseMail(owner) {
      await pool.query(
        `UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND sent_at IS NULL`,
        [owner],
      );
    },

    async listMail(caseId) {
      return (await all(pool, 'SELECT * FROM outbox WHERE case_id = $1 ORDER BY created_at, id', [caseId])).map(
        toOutbox,
      );
    },
  };
}
