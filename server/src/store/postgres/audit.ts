import type pg from 'pg';
import { toAudit } from '../rows';
import type { AuditHead, AuditRecord, AuditStore } from '../types';
import { all, lock, one, type PgDb } from './db';

/** Inside a transaction: holds the case's audit lock, reads the last entry, appends the next. */
export async function insertAudit(
  c: pg.PoolClient,
  caseId: string,
  build: (previous: AuditHead | null) => AuditRecord,
): Promise<AuditRecord> {
  await lock(c, `audit:${caseId}`);
  const last = await one(c, 'SELECT * FROM audit_log WHERE case_id = $1 ORDER BY seq DESC LIMIT 1', [caseId]);
  const e = build(last ? toAudit(last) : null);
  await c.query(
    `INSERT INTO audit_log (case_id, seq, at, actor_id, kind, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.caseId, e.seq, e.at, e.actorId, e.kind, JSON.stringify(e.data), e.prevHash, e.hash],
  );
  return e;
}

export function postgresAudit(db: PgDb): AuditStore {
  return {
    async appendAudit(caseId, build) {
      return db.tx((c) => insertAudit(c, caseId, build));
    },

    async listAudit(caseId, query) {
      const rows = await all(
        db.pool,
        'SELECT * FROM audit_log WHERE case_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
        [caseId, query.beforeSeq ?? 2_147_483_647, query.limit],
      );
      return rows.reverse().map(toAudit);
    },
  };
}
