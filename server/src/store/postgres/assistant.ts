import { toCaseAssistant, toProposalUse, toSurveyResponse, proposalUseParams } from '../assistant-rows';
import { DisputeType } from '@accord/shared';
import { str, type Row } from '../rows';
import type { AssistantStore, SurveyStore } from '../types';
import { all, lock, one, type PgDb } from './db';

export function postgresAssistant(db: PgDb): AssistantStore {
  const { pool } = db;
  return {
    async putClassification(k) {
      const r = await one(
        pool,
        `INSERT INTO case_assistant (case_id, model_type, model_probability, model_version, classified_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (case_id) DO UPDATE SET model_type = excluded.model_type,
           model_probability = excluded.model_probability, model_version = excluded.model_version,
           classified_at = excluded.classified_at, updated_at = excluded.updated_at
         RETURNING *`,
        [k.caseId, k.modelType, k.modelProbability, k.modelVersion, k.at],
      );
      return toCaseAssistant(r as Row);
    },

    async putCorrections(caseId, k) {
      const r = await one(
        pool,
        `UPDATE case_assistant SET corrected_type = $1, corrected_facts = $2, corrected_by = $3, updated_at = $4
         WHERE case_id = $5 RETURNING *`,
        [k.type, k.facts === null ? null : JSON.stringify(k.facts), k.by, k.at, caseId],
      );
      return r ? toCaseAssistant(r) : null;
    },

    async getAssistant(caseId) {
      const r = await one(pool, 'SELECT * FROM case_assistant WHERE case_id = $1', [caseId]);
      return r ? toCaseAssistant(r) : null;
    },

    async listDisputeTypes() {
      const rows = await all(pool, 'SELECT case_id, COALESCE(corrected_type, model_type) AS type FROM case_assistant');
      return rows.map((r) => ({ caseId: str(r.case_id), type: DisputeType.parse(r.type) }));
    },

    async addProposalUse(u) {
      return db.tx(async (c) => {
        // One numbering per case, also across nodes.
        await lock(c, `proposal_uses:${u.caseId}`);
        const last = await one(c, 'SELECT MAX(seq) AS seq FROM proposal_uses WHERE case_id = $1', [u.caseId]);
        const record = { ...u, seq: Number(last?.seq ?? 0) + 1 };
        await c.query(
          `INSERT INTO proposal_uses (case_id, seq, item_id, action, clause_id, text, source, user_id, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          proposalUseParams(record),
        );
        return record;
      });
    },

    async listProposalUses(caseId) {
      return (await all(pool, 'SELECT * FROM proposal_uses WHERE case_id = $1 ORDER BY seq', [caseId])).map(
        toProposalUse,
      );
    },
  };
}

export function postgresSurveys(db: PgDb): SurveyStore {
  const { pool } = db;
  return {
    async submitSurvey(a, r) {
      return db.tx(async (c) => {
        const done = await c.query(
          'INSERT INTO survey_answered (case_id, user_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [a.caseId, a.userId, a.at],
        );
        if (done.rowCount === 0) return false;
        await c.query(
          `INSERT INTO survey_responses (id, case_id, role, satisfaction, heard, fair, again, comment, day)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [r.id, r.caseId, r.role, r.satisfaction, r.heard, r.fair, r.again, r.comment, r.day],
        );
        return true;
      });
    },

    async hasAnsweredSurvey(caseId, userId) {
      return (
        (await one(pool, 'SELECT 1 FROM survey_answered WHERE case_id = $1 AND user_id = $2', [caseId, userId])) !==
        undefined
      );
    },

    async listSurveyResponses(caseIds) {
      // By id (random): the order says nothing about who answered when.
      const rows =
        caseIds === null
          ? await all(pool, 'SELECT * FROM survey_responses ORDER BY id')
          : await all(pool, 'SELECT * FROM survey_responses WHERE case_id = ANY($1) ORDER BY id', [[...caseIds]]);
      return rows.map(toSurveyResponse);
    },
  };
}
