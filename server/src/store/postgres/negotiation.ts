import { consentInsertParams, roundInsertParams, toConsent, toDocAuthor, toRound } from '../negotiation-rows';
import { num } from '../rows';
import type { NegotiationStore } from '../types';
import { all, lock, one, type PgDb } from './db';

/**
 * Clause consent, the agreement's Yjs authors and closed rounds. The next seq (or round number) of a
 * case is read and taken under the case's advisory lock, so two nodes never number two rows alike.
 */
export function postgresNegotiation(db: PgDb): NegotiationStore {
  const { pool } = db;
  return {
    async addConsent(entry) {
      return db.tx(async (c) => {
        await lock(c, `consent:${entry.caseId}`);
        const last = num(
          (await one(c, 'SELECT coalesce(max(seq), 0) AS last FROM clause_consent WHERE case_id = $1', [entry.caseId]))
            ?.last,
        );
        const record = { ...entry, seq: last + 1 };
        await c.query(
          `INSERT INTO clause_consent (case_id, seq, clause_id, hash, user_id, role, display_name, state, reason, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          consentInsertParams(record),
        );
        return record;
      });
    },

    async listConsent(caseId) {
      return (await all(pool, 'SELECT * FROM clause_consent WHERE case_id = $1 ORDER BY seq', [caseId])).map(toConsent);
    },

    async bindDocAuthor(caseId, a) {
      await pool.query(
        `INSERT INTO doc_authors (case_id, client, user_id, role, display_name) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (case_id, client) DO NOTHING`,
        [caseId, a.client, a.userId, a.role, a.displayName],
      );
    },

    async listDocAuthors(caseId) {
      return (await all(pool, 'SELECT * FROM doc_authors WHERE case_id = $1 ORDER BY client', [caseId])).map(
        toDocAuthor,
      );
    },

    async addRound(round) {
      return db.tx(async (c) => {
        await lock(c, `rounds:${round.caseId}`);
        const last = num(
          (
            await one(c, 'SELECT coalesce(max(n), 0) AS last FROM negotiation_rounds WHERE case_id = $1', [
              round.caseId,
            ])
          )?.last,
        );
        const record = { ...round, n: last + 1 };
        await c.query(
          `INSERT INTO negotiation_rounds (case_id, n, closed_at, closed_by, note, text, fingerprint, terms, clauses)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          roundInsertParams(record),
        );
        return record;
      });
    },

    async listRounds(caseId) {
      return (await all(pool, 'SELECT * FROM negotiation_rounds WHERE case_id = $1 ORDER BY n', [caseId])).map(toRound);
    },
  };
}
