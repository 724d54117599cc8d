import { toAudit, type Row } from '../rows';
import type { AuditHead, AuditRecord, AuditStore } from '../types';
import type { SqliteDb } from './db';

/** Inside a transaction: reads the chain's last entry and appends the next (the chat commit's too). */
export function insertAudit(
  c: SqliteDb,
  caseId: string,
  build: (previous: AuditHead | null) => AuditRecord,
): AuditRecord {
  // Only what chains the next entry: decoding the whole row (its JSON data) for every chat message
  // showed in the profile.
  const last = c.stmt('SELECT seq, hash FROM audit_log WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(caseId) as
    AuditHead | undefined;
  const entry = build(last ?? null);
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
  return entry;
}

export function sqliteAudit(c: SqliteDb): AuditStore {
  return {
    async appendAudit(caseId, build) {
      return c.db.transaction(() => insertAudit(c, caseId, build)).immediate();
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
