import { consentInsertParams, roundInsertParams, toConsent, toDocAuthor, toRound } from '../negotiation-rows';
import type { Row } from '../rows';
import type { NegotiationStore } from '../types';
import type { SqliteDb } from './db';

/** Clause consent, the agreement's Yjs authors and closed rounds; each numbered per case inside its transaction. */
export function sqliteNegotiation(c: SqliteDb): NegotiationStore {
  return {
    async addConsent(entry) {
      return c.db
        .transaction(() => {
          const { last } = c
            .stmt('SELECT coalesce(max(seq), 0) AS last FROM clause_consent WHERE case_id = ?')
            .get(entry.caseId) as { last: number };
          const record = { ...entry, seq: last + 1 };
          c.stmt(
            `INSERT INTO clause_consent (case_id, seq, clause_id, hash, user_id, role, display_name, state, reason, at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(...consentInsertParams(record));
          return record;
        })
        .immediate();
    },

    async listConsent(caseId) {
      return (c.stmt('SELECT * FROM clause_consent WHERE case_id = ? ORDER BY seq').all(caseId) as Row[]).map(
        toConsent,
      );
    },

    async bindDocAuthor(caseId, a) {
      c.stmt(
        `INSERT INTO doc_authors (case_id, client, user_id, role, display_name) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (case_id, client) DO NOTHING`,
      ).run(caseId, a.client, a.userId, a.role, a.displayName);
    },

    async listDocAuthors(caseId) {
      return (c.stmt('SELECT * FROM doc_authors WHERE case_id = ? ORDER BY client').all(caseId) as Row[]).map(
        toDocAuthor,
      );
    },

    async addRound(round) {
      return c.db
        .transaction(() => {
          const { last } = c
            .stmt('SELECT coalesce(max(n), 0) AS last FROM negotiation_rounds WHERE case_id = ?')
            .get(round.caseId) as { last: number };
          const record = { ...round, n: last + 1 };
          c.stmt(
            `INSERT INTO negotiation_rounds (case_id, n, closed_at, closed_by, note, text, fingerprint, terms, clauses)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(...roundInsertParams(record));
          return record;
        })
        .immediate();
    },

    async listRounds(caseId) {
      return (c.stmt('SELECT * FROM negotiation_rounds WHERE case_id = ? ORDER BY n').all(caseId) as Row[]).map(
        toRound,
      );
    },
  };
}
