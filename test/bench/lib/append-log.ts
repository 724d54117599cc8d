import { GroupCommit } from '../../../server/src/store/group-commit.js';
import { SqliteDb } from '../../../server/src/store/sqlite/db.js';

/** A durable append-only log (see `appendLog`). */
export interface AppendLog {
  /** Resolves once `body` is stored and fsynced. */
  append(body: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The floor under any store that makes each message durable before answering it: one SQLite table with
 * no index, no seq, no idempotence and no hash chain, appended by the same group commit and deferred
 * fdatasync as Accord's chat store (SqliteDb, GroupCommit: synchronous=FULL made durable off the event
 * loop). Used by the chat-store benchmark's "floor" row and the bare server's BARE_DURABLE mode.
 */
export function appendLog(filename: string): AppendLog {
  const db = new SqliteDb({ filename });
  db.db.exec('CREATE TABLE IF NOT EXISTS append_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const commits = new GroupCommit<string, void>({
    held: () => db.syncing,
    commit: (batch) =>
      db.commitThenSync(
        () =>
          db.db.transaction(() => {
            const insert = db.stmt('INSERT INTO append_log (body) VALUES (?)');
            for (const p of batch) insert.run(p.item);
          })(),
        () => batch.forEach((p) => p.resolve()),
        (error) => batch.forEach((p) => p.reject(error)),
      ),
  });
  db.afterSync = () => commits.schedule();
  return {
    append: (body) => commits.add(body),
    close: async () => {
      commits.flush();
      await db.close();
    },
  };
}
