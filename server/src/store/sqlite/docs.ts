import { GroupCommit } from '../group-commit';
import type { DocStore, StoredDoc } from '../types';
import type { SqliteDb } from './db';

/** A Yjs update waiting for the group commit of document updates. */
export interface PendingDocUpdate {
  docName: string;
  update: Uint8Array;
}

/**
 * The shortest time between two commits of Yjs updates. A commit costs CPU whether it carries one
 * update or twenty: its transaction, its WAL frames (a page for each document it touches, however
 * few bytes each update adds) and the fdatasync's work in the kernel; under load, its share was the
 * largest part of an update's cost. At most one commit every 10 ms bounds that at ~100 commits a
 * second (1,600 updates a second in the co-editing benchmark: 3 ms cost about 20 % more CPU per
 * update, 6 ms about 12 %), for at most 10 ms of extra wait and only while updates keep coming: after
 * a quiet spell an update is committed at the end of the turn it arrived in.
 */
const DOC_COMMIT_GAP_MS = 10;

/**
 * Group commit, as for chat: the Yjs updates of all documents that arrive in one turn of the event
 * loop are inserted in one transaction, so one fsync (synchronous=FULL) covers them all; each call
 * resolves only after that commit, so the caller relays an update only once it is durable. Commits
 * are at least DOC_COMMIT_GAP_MS apart, so under load the batches grow instead of the fsyncs; after
 * a quiet spell a batch goes at the end of the turn, adding no delay. As for chat, with
 * synchronous=FULL the fsync is not on the event loop (SqliteDb.commitThenSync); unlike chat, a
 * batch does not wait for a sync under way to end.
 */
export function sqliteDocCommit(c: SqliteDb): GroupCommit<PendingDocUpdate, number> {
  return new GroupCommit<PendingDocUpdate, number>({
    gapMs: DOC_COMMIT_GAP_MS,
    commit: (batch) =>
      c.commitThenSync(
        () =>
          c.db.transaction(() => {
            const insert = c.stmt('INSERT INTO doc_updates (doc_name, data) VALUES (?, ?)');
            return batch.map((p) => Number(insert.run(p.item.docName, p.item.update).lastInsertRowid));
          })(),
        (ids) => batch.forEach((p, i) => p.resolve(ids[i]!)),
        // The commit failed (none of the batch is stored), or it is not known to be on disk: refused,
        // so the document is reloaded and the clients resync.
        (error) => batch.forEach((p) => p.reject(error)),
      ),
  });
}

export function sqliteDocs(c: SqliteDb, commits: GroupCommit<PendingDocUpdate, number>): DocStore {
  return {
    async appendDocUpdate(docName, update) {
      return commits.add({ docName, update });
    },

    async loadDoc(docName) {
      // A read sees every update handed to the store before it, durable.
      commits.flush();
      await c.durable();
      return c.db.transaction((): StoredDoc => {
        const snap = c.stmt('SELECT data FROM doc_snapshots WHERE doc_name = ?').get(docName) as
          { data: Buffer } | undefined;
        const updates = c.stmt('SELECT id, data FROM doc_updates WHERE doc_name = ? ORDER BY id').all(docName) as {
          id: number;
          data: Buffer;
        }[];
        return {
          snapshot: snap ? new Uint8Array(snap.data) : null,
          updates: updates.map((u) => ({ id: u.id, data: new Uint8Array(u.data) })),
        };
      })();
    },

    async compactDoc(docName, snapshot, coveredIds) {
      commits.flush();
      if (coveredIds.length === 0) return;
      const throughId = Math.max(...coveredIds);
      // Committed like the updates (SqliteDb.commitThenSync): resolved after an fdatasync run off the
      // event loop, not one inside the commit, on it (most of a compaction's cost). A crash before that
      // sync loses the whole compaction (the snapshot and the deletions are one transaction), never
      // an update.
      await new Promise<void>((resolve, reject) =>
        c.commitThenSync(
          () =>
            c.db.transaction(() => {
              // Only forward: a compaction with an older view must not replace a newer snapshot.
              const replaced = c
                .stmt(
                  `INSERT INTO doc_snapshots (doc_name, data, through_id) VALUES (?, ?, ?)
                     ON CONFLICT (doc_name) DO UPDATE SET data = excluded.data, through_id = excluded.through_id
                     WHERE doc_snapshots.through_id < excluded.through_id`,
                )
                .run(docName, snapshot, throughId);
              if (replaced.changes === 0) return;
              // One statement for all of them (a compaction covers up to ACCORD_DOC_COMPACT_EVERY ids: one
              // statement each cost more than the snapshot's write).
              c.stmt('DELETE FROM doc_updates WHERE doc_name = ? AND id IN (SELECT value FROM json_each(?))').run(
                docName,
                JSON.stringify(coveredIds),
              );
            })(),
          resolve,
          reject,
        ),
      );
    },
  };
}
