import { toQuestionPost, type Row } from '../rows';
import type { QuestionStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteQuestions(c: SqliteDb): QuestionStore {
  const byId = (id: string) => c.stmt('SELECT * FROM case_questions WHERE id = ?').get(id) as Row | undefined;
  return {
    async addQuestionPost(p) {
      // One write transaction: the next seq is read and taken with nobody between.
      return c.db
        .transaction(() => {
          const stored = byId(p.id);
          if (stored) return { record: toQuestionPost(stored), created: false };
          c.stmt(
            `INSERT INTO case_questions (id, case_id, seq, kind, reply_to, author_id, author_role, author_name, body, at)
               SELECT ?, ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM case_questions WHERE case_id = ?`,
          ).run(p.id, p.caseId, p.kind, p.replyTo, p.authorId, p.authorRole, p.authorName, p.body, p.at, p.caseId);
          return { record: toQuestionPost(byId(p.id) as Row), created: true };
        })
        .immediate();
    },

    async listQuestionPosts(caseId) {
      const rows = c.stmt('SELECT * FROM case_questions WHERE case_id = ? ORDER BY seq').all(caseId) as Row[];
      return rows.map(toQuestionPost);
    },

    async openQuestionCounts() {
      const rows = c
        .stmt(
          `SELECT q.case_id, count(*) AS open FROM case_questions q
            WHERE q.kind = 'question'
              AND NOT EXISTS (SELECT 1 FROM case_questions a WHERE a.case_id = q.case_id AND a.reply_to = q.id)
            GROUP BY q.case_id`,
        )
        .all() as Row[];
      return rows.map((r) => ({ caseId: r.case_id as string, open: Number(r.open) }));
    },
  };
}
