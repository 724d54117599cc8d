import { toQuestionPost, type Row } from '../rows';
import type { QuestionStore } from '../types';
import { all, lock, one, type PgDb } from './db';

export function postgresQuestions(db: PgDb): QuestionStore {
  return {
    async addQuestionPost(p) {
      // Under the case's lock: two nodes never take the same seq, and a post sent twice at once is stored once.
      return db.tx(async (c) => {
        await lock(c, `questions:${p.caseId}`);
        const stored = await one(c, 'SELECT * FROM case_questions WHERE id = $1', [p.id]);
        if (stored) return { record: toQuestionPost(stored), created: false };
        const r = (await one(
          c,
          `INSERT INTO case_questions (id, case_id, seq, kind, reply_to, author_id, author_role, author_name, body, at)
             SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9 FROM case_questions WHERE case_id = $2
           RETURNING *`,
          [p.id, p.caseId, p.kind, p.replyTo, p.authorId, p.authorRole, p.authorName, p.body, p.at],
        )) as Row;
        return { record: toQuestionPost(r), created: true };
      });
    },

    async listQuestionPosts(caseId) {
      return (await all(db.pool, 'SELECT * FROM case_questions WHERE case_id = $1 ORDER BY seq', [caseId])).map(
        toQuestionPost,
      );
    },

    async openQuestionCounts() {
      const rows = await all(
        db.pool,
        `SELECT q.case_id, count(*) AS open FROM case_questions q
          WHERE q.kind = 'question'
            AND NOT EXISTS (SELECT 1 FROM case_questions a WHERE a.case_id = q.case_id AND a.reply_to = q.id)
          GROUP BY q.case_id`,
      );
      return rows.map((r) => ({ caseId: r.case_id as string, open: Number(r.open) }));
    },
  };
}
