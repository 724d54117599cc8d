import { AccordError } from '@accord/shared';
import { caseInsertParams, caseUpdateParams, now, type Row, toCase } from '../rows';
import type { CaseRecord, CaseStore } from '../types';
import type { SqliteDb } from './db';

/** `beforePurge` commits the Yjs updates still waiting for their group commit, so they are purged too. */
export function sqliteCases(c: SqliteDb, beforePurge: () => void): CaseStore {
  const getCase = (id: string) => c.stmt('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
  return {
    async createCase(input) {
      const createdAt = now();
      const year = new Date(createdAt).getUTCFullYear();
      return c.db.transaction(() => {
        const row = c
          .stmt(
            `INSERT INTO case_numbers (year, last) VALUES (?, 1)
               ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
          )
          .get(year) as { last: number };
        const number = `AC-${year}-${String(row.last).padStart(6, '0')}`;
        c.stmt(
          `INSERT INTO cases (id, number, title, summary, category, status, status_since, amount_in_dispute_cents,
               created_at, desired_outcome, customer_id, tracking_id, tracking_pin_hash, language, lender_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(...caseInsertParams(input, number, createdAt));
        return toCase(getCase(input.id) as Row);
      })();
    },

    async getCase(id) {
      const r = getCase(id);
      return r ? toCase(r) : null;
    },

    async getCaseByTracking(trackingId) {
      const r = c.stmt('SELECT * FROM cases WHERE tracking_id = ?').get(trackingId) as Row | undefined;
      return r ? toCase(r) : null;
    },

    async countCases() {
      return (c.stmt('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
    },

    async listCases(q) {
      const conditions: [string, string | undefined][] = [
        ['status = ?', q.status],
        ['category = ?', q.category],
        ["number LIKE ? ESCAPE '\\'", q.q === undefined ? undefined : `%${q.q.replace(/[%_\\]/g, '\\$&')}%`],
      ];
      const used = conditions.filter((cond): cond is [string, string] => cond[1] !== undefined);
      const where = used.map((cond) => cond[0]);
      const args = used.map((cond) => cond[1]);
      const sql = `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at LIMIT 1000`;
      return (c.stmt(sql).all(...args) as Row[]).map(toCase);
    },

    async updateCase(id, patch, expectedStatus) {
      return c.db
        .transaction(() => {
          const row = getCase(id);
          if (!row) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
          const current = toCase(row);
          if (expectedStatus !== undefined && current.status !== expectedStatus) {
            throw AccordError.because(
              'CONFLICT',
              'case.statusChanged',
              `the case is ${current.status} now, no longer ${expectedStatus}`,
              { status: current.status },
            );
          }
          const next: CaseRecord = { ...current, ...patch };
          if (patch.status !== undefined && patch.status !== current.status) next.statusSince = now();
          c.stmt(
            `UPDATE cases SET status = ?, status_since = ?, mediator_id = ?, session_starts_at = ?,
                 session_time_zone = ?, session_minutes = ?, question = ?, rejection_reason = ?, tracking_id = ?,
                 tracking_pin_hash = ?, tracking_revoked_at = ?, purged_at = ?
               WHERE id = ?`,
          ).run(...caseUpdateParams(next, id));
          return next;
        })
        .immediate();
    },

    async putPii(caseId, data) {
      c.stmt(
        'INSERT INTO case_pii (case_id, data) VALUES (?, ?) ON CONFLICT (case_id) DO UPDATE SET data = excluded.data',
      ).run(caseId, data);
    },

    async getPii(caseId) {
      const r = c.stmt('SELECT data FROM case_pii WHERE case_id = ?').get(caseId) as { data: Buffer } | undefined;
      return r ? new Uint8Array(r.data) : null;
    },

    async purgeCase(caseId, at) {
      beforePurge();
      c.db.transaction(() => {
        c.stmt('DELETE FROM case_pii WHERE case_id = ?').run(caseId);
        c.stmt('DELETE FROM evidence WHERE case_id = ?').run(caseId);
        c.stmt('DELETE FROM hardships WHERE case_id = ?').run(caseId);
        // The channels' heads stay, so a message after the purge is never given a seq a client holds.
        c.stmt(
          `INSERT INTO room_heads (case_id, channel, seq)
             SELECT case_id, channel, MAX(seq) FROM messages WHERE case_id = ? GROUP BY channel
             ON CONFLICT (case_id, channel) DO UPDATE SET seq = max(seq, excluded.seq)`,
        ).run(caseId);
        c.stmt('DELETE FROM messages WHERE case_id = ?').run(caseId);
        // Sealed offers are the parties' private numbers; the results (public in the room) stay.
        c.stmt('DELETE FROM blind_offers WHERE case_id = ?').run(caseId);
        c.stmt("DELETE FROM doc_updates WHERE doc_name = ? OR doc_name LIKE ? || '/%'").run(caseId, caseId);
        c.stmt("DELETE FROM doc_snapshots WHERE doc_name = ? OR doc_name LIKE ? || '/%'").run(caseId, caseId);
        // Objection reasons, names and the rounds' texts are the case's content; the sealed record keeps its own.
        c.stmt('DELETE FROM clause_consent WHERE case_id = ?').run(caseId);
        c.stmt('DELETE FROM doc_authors WHERE case_id = ?').run(caseId);
        c.stmt('DELETE FROM negotiation_rounds WHERE case_id = ?').run(caseId);
        // The questions, the corrected facts and the clauses taken from a proposal are the case's content; the
        // dispute type and the surveys' marks stay for the outcome figures, without their free text.
        c.stmt('DELETE FROM case_questions WHERE case_id = ?').run(caseId);
        // A document request's note and reason are content; the request stays for the figures.
        c.stmt("UPDATE document_requests SET note = '', reason = NULL WHERE case_id = ?").run(caseId);
        c.stmt('DELETE FROM proposal_uses WHERE case_id = ?').run(caseId);
        c.stmt('UPDATE case_assistant SET corrected_facts = NULL WHERE case_id = ?').run(caseId);
        c.stmt("UPDATE survey_responses SET comment = '' WHERE case_id = ?").run(caseId);
        // rights_acks stay: which text a party acknowledged and when, no free text (the sealed record lists them).
        c.stmt("UPDATE cases SET summary = '', desired_outcome = '', question = NULL, purged_at = ? WHERE id = ?").run(
          at,
          caseId,
        );
      })();
    },
  };
}
