import { num } from '../rows';
import type { DocStore } from '../types';
import { all, one, type PgDb } from './db';

export function postgresDocs(db: PgDb): DocStore {
  return {
    async appendDocUpdate(docName, update) {
      const r = await one(db.pool, 'INSERT INTO doc_updates (doc_name, data) VALUES ($1, $2) RETURNING id', [
        docName,
        Buffer.from(update),
      ]);
      return num(r?.id);
    },

    async loadDoc(docName) {
      return db.tx(async (c) => {
        // One consistent view of snapshot and log.
        await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        const snap = await one(c, 'SELECT data FROM doc_snapshots WHERE doc_name = $1', [docName]);
        const updates = await all(c, 'SELECT id, data FROM doc_updates WHERE doc_name = $1 ORDER BY id', [docName]);
        return {
          snapshot: snap ? new Uint8Array(snap.data as Buffer) : null,
          updates: updates.map((u) => ({ id: num(u.id), data: new Uint8Array(u.data as Buffer) })),
        };
      });
    },

    async compactDoc(docName, snapshot, coveredIds) {
      if (coveredIds.length === 0) return;
      const throughId = Math.max(...coveredIds);
      await db.tx(async (c) => {
        // Only forward: a node compacting later with an older view must not replace a newer snapshot.
        const replaced = await c.query(
          `INSERT INTO doc_snapshots (doc_name, data, through_id) VALUES ($1, $2, $3)
           ON CONFLICT (doc_name) DO UPDATE SET data = excluded.data, through_id = excluded.through_id
           WHERE doc_snapshots.through_id < excluded.through_id`,
          [docName, Buffer.from(snapshot), throughId],
        );
        if (replaced.rowCount === 0) return;
        await c.query('DELETE FROM doc_updates WHERE doc_name = $1 AND id = ANY($2::bigint[])', [
          docName,
          [...coveredIds],
        ]);
      });
    },
  };
}
