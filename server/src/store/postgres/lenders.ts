import { now, toAccountEvent, toLender } from '../rows';
import type { AccountEventStore, LenderStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresLenders({ pool }: PgDb): LenderStore & AccountEventStore {
  return {
    async createLender(lender) {
      const createdAt = now();
      await pool.query('INSERT INTO lenders (id, name, created_at) VALUES ($1, $2, $3)', [
        lender.id,
        lender.name,
        createdAt,
      ]);
      return { ...lender, createdAt, planPolicy: null, documentDueDays: null };
    },

    async getLender(id) {
      const r = await one(pool, 'SELECT * FROM lenders WHERE id = $1', [id]);
      return r ? toLender(r) : null;
    },

    async listLenders() {
      return (await all(pool, 'SELECT * FROM lenders ORDER BY name, id')).map(toLender);
    },

    async renameLender(id, name) {
      const r = await one(pool, 'UPDATE lenders SET name = $2 WHERE id = $1 RETURNING *', [id, name]);
      return r ? toLender(r) : null;
    },

    async setLenderPlanPolicy(id, policy) {
      const r = await one(pool, 'UPDATE lenders SET plan_policy = $2 WHERE id = $1 RETURNING *', [
        id,
        policy === null ? null : JSON.stringify(policy),
      ]);
      return r ? toLender(r) : null;
    },

    async setLenderDocumentDueDays(id, days) {
      const r = await one(pool, 'UPDATE lenders SET document_due_days = $2 WHERE id = $1 RETURNING *', [id, days]);
      return r ? toLender(r) : null;
    },

    async appendAccountEvent(e) {
      await pool.query(
        'INSERT INTO account_events (id, at, actor_id, kind, target_id, data) VALUES ($1, $2, $3, $4, $5, $6)',
        [e.id, e.at, e.actorId, e.kind, e.targetId, JSON.stringify(e.data)],
      );
    },

    async listAccountEvents(targetId) {
      const rows =
        targetId === undefined
          ? await all(pool, 'SELECT * FROM account_events ORDER BY at, id')
          : await all(pool, 'SELECT * FROM account_events WHERE target_id = $1 ORDER BY at, id', [targetId]);
      return rows.map(toAccountEvent);
    },
  };
}
