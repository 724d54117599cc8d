import { AccordError } from '@accord/shared';
import { caseInsertParams, caseUpdateParams, now, num, type Row, toCase } from '../rows';
import type { CaseRecord, CaseStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresCases(db: PgDb): CaseStore {
  const { pool } = db;
  return {
    async createCase(input) {
      const createdAt = now();
      const year = new Date(createdAt).getUTCFullYear();
      return db.tx(async (c) => {
        const { last } = (await one(
          c,
          `INSERT INTO case_numbers (year, last) VALUES ($1, 1)
           ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last`,
          [year],
        )) as { last: number };
        const number = `AC-${year}-${String(last).padStart(6, '0')}`;
        const r = await one(
          c,
          `INSERT INTO cases (id, number, title, summary, category, status, status_since, amount_in_dispute_cents,
             created_at, desired_outcome, customer_id, tracking_id, tracking_pin_hash, language, lender_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *`,
          caseInsertParams(input, number, createdAt),
        );
        return toCase(r as Row);
      });
    },

    async getCase(id) {
      const r = await one(pool, 'SELECT * FROM cases WHERE id = $1', [id]);
      return r ? toCase(r) : null;
    },

    async getCaseByTracking(trackingId) {
      const r = await one(pool, 'SELECT * FROM cases WHERE tracking_id = $1', [trackingId]);
      return r ? toCase(r) : null;
    },

    async countCases() {
      return num((await one(pool, 'SELECT count(*) AS n FROM cases'))?.n);
    },

    async listCases(q) {
      const where: string[] = [];
      const params: string[] = [];
      const add = (sql: string, value: string | undefined) => {
        if (value === undefined) return;
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      add('status = ?', q.status);
      add('category = ?', q.category);
      add("number LIKE ? ESCAPE '\\'", q.q === undefined ? undefined : `%${q.q.replace(/[%_\\]/g, '\\$&')}%`);
      const sql = `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at LIMIT 1000`;
      return (await all(pool, sql, params)).map(toCase);
    },

    async updateCase(id, patch, expectedStatus) {
      return db.tx(async (c) => {
        const row = await one(c, 'SELECT * FROM cases WHERE id = $1 FOR UPDATE', [id]);
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
        await c.query(
          `UPDATE cases SET status = $1, status_since = $2, mediator_id = $3, session_starts_at = $4,
             session_time_zone = $5, session_minutes = $6, question = $7, rejection_reason = $8, tracking_id = $9,
             tracking_pin_hash = $10, tracking_revoked_at = $11, purged_at = $12 WHERE id = $13`,
          caseUpdateParams(next, id),
        );
        return next;
      });
    },

    async putPii(caseId, data) {
      await pool.query(
        'INSERT INTO case_pii (case_id, data) VALUES ($1, $2) ON CONFLICT (case_id) DO UPDATE SET data = excluded.data',
        [caseId, Buffer.from(data)],
      );
    },

    async getPii(caseId) {
      const r = await one(pool, 'SELECT data FROM case_pii WHERE case_id = $1', [caseId]);
      return r ? new Uint8Array(r.data as Buffer) : null;
    },

    async purgeCase(caseId, at) {
      await db.tx(async (c) => {
        await c.query('DELETE FROM case_pii WHERE case_id = $1', [caseId]);
        await c.query('DELETE FROM evidence WHERE case_id = $1', [caseId]);
        await c.query('DELETE FROM hardships WHERE case_id = $1', [caseId]);
        await c.query('DELETE FROM messages WHERE case_id = $1', [caseId]);
        // Sealed offers are the parties' private numbers; the results (public in the room) stay.
        await c.query('DELETE FROM blind_offers WHERE case_id = $1', [caseId]);
        await c.query("DELETE FROM doc_updates WHERE doc_name = $1 OR doc_name LIKE $1 || '/%'", [caseId]);
        await c.query("DELETE FROM doc_snapshots WHERE doc_name = $1 OR doc_name LIKE $1 || '/%'", [caseId]);
        // Objection reasons, names and the rounds' texts are the case's content; the sealed record keeps its own.
        await c.query('DELETE FROM clause_consent WHERE case_id = $1', [caseId]);
        await c.query('DELETE FROM doc_authors WHERE case_id = $1', [caseId]);
        await c.query('DELETE FROM negotiation_rounds WHERE case_id = $1', [caseId]);
        // The questions, the corrected facts and the clauses taken from a proposal are the case's content; the
        // dispute type and the surveys' marks stay for the outcome figures, without their free text.
        await c.query('DELETE FROM case_questions WHERE case_id = $1', [caseId]);
        // A document request's note and reason are content; the request stays for the figures.
        await c.query("UPDATE document_requests SET note = '', reason = NULL WHERE case_id = $1", [caseId]);
        await c.query('DELETE FROM proposal_uses WHERE case_id = $1', [caseId]);
        await c.query('UPDATE case_assistant SET corrected_facts = NULL WHERE case_id = $1', [caseId]);
        await c.query("UPDATE survey_responses SET comment = '' WHERE case_id = $1", [caseId]);
        // rights_acks stay: which text a party acknowledged and when, no free text (the sealed record lists them).
        await c.query(
          "UPDATE cases SET summary = '', desired_outcome = '', question = NULL, purged_at = $1 WHERE id = $2",
          [at, caseId],
        );
      });
    },
  };
}
