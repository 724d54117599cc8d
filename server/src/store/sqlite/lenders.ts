import { now, type Row, toAccountEvent, toLender } from '../rows';
import type { AccountEventStore, LenderStore } from '../types';
import type { SqliteDb } from './db';

export function sqliteLenders(c: SqliteDb): LenderStore & AccountEventStore {
  const get = (id: string) => c.stmt('SELECT * FROM lenders WHERE id = ?').get(id) as Row | undefined;
  return {
    async createLender(lender) {
      const createdAt = now();
      c.stmt('INSERT INTO lenders (id, name, created_at) VALUES (?, ?, ?)').run(lender.id, lender.name, createdAt);
      return { ...lender, createdAt, planPolicy: null, documentDueDays: null };
    },

    async getLender(id) {
      const r = get(id);
      return r ? toLender(r) : null;
    },

    async listLenders() {
      return (c.stmt('SELECT * FROM lenders ORDER BY name, id').all() as Row[]).map(toLender);
    },

    async renameLender(id, name) {
      c.stmt('UPDATE lenders SET name = ? WHERE id = ?').run(name, id);
      const r = get(id);
      return r ? toLender(r) : null;
    },

    async setLenderPlanPolicy(id, policy) {
      c.stmt('UPDATE lenders SET plan_policy = ? WHERE id = ?').run(
        policy === null ? null : JSON.stringify(policy),
        id,
      );
      const r = get(id);
      return r ? toLender(r) : null;
    },

    async setLenderDocumentDueDays(id, days) {
      c.stmt('UPDATE lenders SET document_due_days = ? WHERE id = ?').run(days, id);
      const r = get(id);
      return r ? toLender(r) : null;
    },

    async appendAccountEvent(e) {
      c.stmt('INSERT INTO account_events (id, at, actor_id, kind, target_id, data) VALUES (?, ?, ?, ?, ?, ?)').run(
        e.id,
        e.at,
        e.actorId,
        e.kind,
        e.targetId,
        JSON.stringify(e.data),
      );
    },

    async listAccountEvents(targetId) {
      const rows =
        targetId === undefined
          ? c.stmt('SELECT * FROM account_events ORDER BY at, id').all()
          : c.stmt('SELECT * FROM account_events WHERE target_id = ? ORDER BY at, id').all(targetId);
      return (rows as Row[]).map(toAccountEvent);
    },
  };
}
