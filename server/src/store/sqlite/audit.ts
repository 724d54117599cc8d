import { toAudit, type Row } from '../rows';
import type { AuditHead, AuditRecord, AuditStore } from '../types';
import type { SqliteDb } from './db';

/**
 * Inside a write transaction (after `c.heads.check()`): appends the chain's next entry (the chat
 * commit's too). The previous entry's seq and hash are kept between transactions (`c.heads`); read
 * from the table only for a case not kept.
 */
export function insertAudit(
  c: SqliteDb,
  caseId: string,
  build: (previous: AuditHead | null) => AuditRecord,
): AuditRecord {
  const last =
    c.heads.auditHead(caseId) ??
    (c.stmt('SELECT seq, hash FROM audit_log WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(caseId) as
      AuditHead | undefined) ??
    null;
  const entry = build(last);
  c.stmt(
    `INSERT INTO audit_log (case_id, seq, at, actor_id, kind, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    entry.caseId,
    entry.seq,
    entry.at,
    entry.actorId,
    entry.kind,
    JSON.stringify(entry.data),
    entry.prevHash,
    entry.hash,
  );
  c.heads.setAuditHead(caseId, entry);
  return entry;
}

export function sqliteAudit(c: SqliteDb): AuditStore {
  return {
    async appendAudit(caseId, build) {
      try {
        return c.db
          .transaction(() => {
            c.heads.check();
            return insertAudit(c, caseId, build);
          })
          .immediate();
      } catch (error) {
        c.heads.forget();
        throw error;
      }
    },

    async listAudit(caseId, query) {
      // The chat commit appends entries too: only what is durable is served.
      await c.durable();
      const rows = c
        .stmt('SELECT * FROM audit_log WHERE case_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
        .all(caseId, query.beforeSeq ?? Number.MAX_SAFE_INTEGER, query.limit) as Row[];
      return rows.reverse().map(toAudit);
    },
  };
}
