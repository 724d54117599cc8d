import { toCaseAssistant, toProposalUse, toSurveyResponse, proposalUseParams } from '../assistant-rows';
import { DisputeType } from '@accord/shared';
import { str, type Row } from '../rows';
import type { AssistantStore, SurveyStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteAssistant(c: SqliteDb): AssistantStore {
  const get = (caseId: string) =>
    c.stmt('SELECT * FROM case_assistant WHERE case_id = ?').get(caseId) as Row | undefined;
  return {
    async putClassification(k) {
      c.stmt(
        `INSERT INTO case_assistant (case_id, model_type, model_probability, model_version, classified_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (case_id) DO UPDATE SET model_type = excluded.model_type,
           model_probability = excluded.model_probability, model_version = excluded.model_version,
           classified_at = excluded.classified_at, updated_at = excluded.updated_at`,
      ).run(k.caseId, k.modelType, k.modelProbability, k.modelVersion, k.at, k.at);
      return toCaseAssistant(get(k.caseId) as Row);
    },

    async putCorrections(caseId, k) {
      const r = c
        .stmt(
          `UPDATE case_assistant SET corrected_type = ?, corrected_facts = ?, corrected_by = ?, updated_at = ?
           WHERE case_id = ? RETURNING *`,
        )
        .get(k.type, k.facts === null ? null : JSON.stringify(k.facts), k.by, k.at, caseId) as Row | undefined;
      return r ? toCaseAssistant(r) : null;
    },

    async getAssistant(caseId) {
      const r = get(caseId);
      return r ? toCaseAssistant(r) : null;
    },

    async listDisputeTypes() {
      const rows = c
        .stmt('SELECT case_id, COALESCE(corrected_type, model_type) AS type FROM case_assistant')
        .all() as Row[];
      return rows.map((r) => ({ caseId: str(r.case_id), type: DisputeType.parse(r.type) }));
    },

    async addProposalUse(u) {
      return c.db
        .transaction(() => {
          const last = c.stmt('SELECT MAX(seq) AS seq FROM proposal_uses WHERE case_id = ?').get(u.caseId) as Row;
          const record = { ...u, seq: Number(last.seq ?? 0) + 1 };
          c.stmt(
            `INSERT INTO proposal_uses (case_id, seq, item_id, action, clause_id, text, source, user_id, at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(...proposalUseParams(record));
          return record;
        })
        .immediate();
    },

    async listProposalUses(caseId) {
      return (c.stmt('SELECT * FROM proposal_uses WHERE case_id = ? ORDER BY seq').all(caseId) as Row[]).map(
        toProposalUse,
      );
    },
  };
}

export function sqliteSurveys(c: SqliteDb): SurveyStore {
  return {
    async submitSurvey(a, r) {
      return c.db
        .transaction(() => {
          const done = c
            .stmt('INSERT INTO survey_answered (case_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
            .run(a.caseId, a.userId, a.at);
          if (done.changes === 0) return false;
          c.stmt(
            `INSERT INTO survey_responses (id, case_id, role, satisfaction, heard, fair, again, comment, day)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            r.id,
            r.caseId,
            r.role,
            r.satisfaction,
            r.heard ? 1 : 0,
            r.fair ? 1 : 0,
            r.again ? 1 : 0,
            r.comment,
            r.day,
          );
          return true;
        })
        .immediate();
    },

    async hasAnsweredSurvey(caseId, userId) {
      return (
        c.stmt('SELECT 1 FROM survey_answered WHERE case_id = ? AND user_id = ?').get(caseId, userId) !== undefined
      );
    },

    async listSurveyResponses(caseIds) {
      // By id (random): the order says nothing about who answered when.
      const rows =
        caseIds === null
          ? (c.stmt('SELECT * FROM survey_responses ORDER BY id').all() as Row[])
          : (c
              .stmt('SELECT * FROM survey_responses WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id')
              .all(JSON.stringify(caseIds)) as Row[]);
      return rows.map(toSurveyResponse);
    },
  };
}
