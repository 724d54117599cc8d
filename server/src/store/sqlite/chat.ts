import { AccordError } from '@accord/shared';
import { GroupCommit, type Outcome, type Pending } from '../group-commit';
import {
  clientIdReused,
  MESSAGE_COLUMNS,
  messageValues,
  sameMessage,
  storedMessage,
  toMessage,
  type Row,
} from '../rows';
import type { AppendResult, ChatStore, MessageAudit, NewMessage, PendingMessage } from '../types';
import { insertAudit } from './audit';
import type { SqliteDb } from './db';

/**
 * The shortest time between two chat commits. A commit costs its BEGIN/COMMIT, the WAL frames of the
 * pages its messages share and an fdatasync, whatever it carries; at 4,500 messages a second, commits
 * as fast as the disk allowed cost about a tenth of the server's CPU more than one every 2 ms
 * (measured: CPU per 1,000 deliveries 101–105 → 91–92 ms, p99 unchanged). At most 2 ms of extra wait,
 * and only while messages keep coming.
 */
const CHAT_COMMIT_GAP_MS = 2;

/**
 * The last seq of a channel as stored: its newest message, or, for a channel whose messages were purged,
 * the head `room_heads` keeps for it (seqs are never reused).
 */
export function storedChatHead(c: SqliteDb, caseId: string, channel: string): number {
  const newest = c
    .stmt('SELECT seq FROM messages WHERE case_id = ? AND channel = ? ORDER BY seq DESC LIMIT 1')
    .get(caseId, channel) as { seq: number } | undefined;
  const floor = c.stmt('SELECT seq FROM room_heads WHERE case_id = ? AND channel = ?').get(caseId, channel) as
    { seq: number } | undefined;
  return Math.max(newest?.seq ?? 0, floor?.seq ?? 0);
}

const INSERT_MESSAGE = `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT DO NOTHING`;

/**
 * Inside a write transaction (after `c.heads.check()`): the message stored with the next seq, or the
 * existing row for a known clientId. The insert itself finds a retry (its clientId is unique per case
 * and sender), so a new message costs two statements (the message, its audit entry) and a retry one
 * more read.
 */
function insertMessage(c: SqliteDb, m: NewMessage, audit?: MessageAudit): AppendResult {
  const seq = (c.heads.chatHead(m.caseId, m.channel) ?? storedChatHead(c, m.caseId, m.channel)) + 1;
  const { changes } = c.stmt(INSERT_MESSAGE).run(...messageValues(m, seq));
  if (changes === 0) {
    const existing = c
      .stmt('SELECT * FROM messages WHERE case_id = ? AND sender_id = ? AND client_id = ?')
      .get(m.caseId, m.senderId, m.clientId) as Row | undefined;
    // Not the clientId: the seq (or the id) was taken, so the head kept here is wrong. An error that is
    // not the client's: the batch is rolled back, everything kept forgotten, and it is run again.
    if (!existing) {
      c.heads.forget();
      throw new Error(`chat head of ${m.caseId}/${m.channel} out of date at seq ${seq}`);
    }
    const stored = toMessage(existing);
    if (!sameMessage(stored, m)) throw clientIdReused(m.clientId);
    return { message: stored, duplicate: true };
  }
  const message = storedMessage(m, seq);
  if (audit) insertAudit(c, m.caseId, (previous) => audit(message, previous));
  c.heads.setChatHead(m.caseId, m.channel, seq);
  return { message, duplicate: false };
}

/**
 * Group commit: the chat messages that arrive in one turn of the event loop are stored in one
 * transaction, so one fsync (synchronous=FULL) covers them all; each is acknowledged only after
 * that commit. Each message runs in a savepoint of its own, so one refused (a clientId reused for
 * other text) leaves the others stored.
 *
 * A batch commits at the end of a turn of the event loop, but not while the WAL is being synced (the
 * batch gathers and goes when the sync ends: one commit and one fdatasync per disk round, however many
 * messages) and not within CHAT_COMMIT_GAP_MS of the last chat commit: under load the batches grow
 * instead of the commits; after a quiet spell there is no delay. The fsync runs off the event loop
 * (SqliteDb.commitThenSync); closing, it is in the commit itself.
 */
export function sqliteChatCommit(c: SqliteDb): GroupCommit<PendingMessage, AppendResult> {
  type Batch = readonly Pending<PendingMessage, AppendResult>[];
  // One transaction per batch. A message refused (a clientId reused for other text) is refused before
  // it writes anything, so it needs no savepoint; any other failure rolls the whole batch back, and it
  // is run again with each message in a savepoint of its own (a nested transaction), so that message
  // undoes only itself.
  const inBatch = (each: (m: NewMessage, audit: MessageAudit | undefined) => AppendResult, rethrow: boolean) =>
    c.db.transaction((batch: Batch): Outcome<AppendResult>[] => {
      c.heads.check();
      return batch.map(({ item: { m, audit } }): Outcome<AppendResult> => {
        try {
          return { ok: true, value: each(m, audit) };
        } catch (error) {
          if (error instanceof AccordError) return { ok: false, error };
          // Its savepoint is rolled back (or, first time round, the whole batch): forget what it advanced.
          c.heads.forget();
          if (rethrow) throw error;
          return { ok: false, error };
        }
      });
    });
  const inSavepoint = c.db.transaction((m: NewMessage, audit: MessageAudit | undefined) => insertMessage(c, m, audit));
  const chatCommit = inBatch((m, audit) => insertMessage(c, m, audit), true);
  const chatCommitCareful = inBatch(inSavepoint, false);
  return new GroupCommit({
    gapMs: CHAT_COMMIT_GAP_MS,
    held: () => c.syncing,
    commit: (batch) =>
      c.commitThenSync(
        () => {
          try {
            return chatCommit.immediate(batch);
          } catch {
            // Rolled back: what it advanced of the heads was never stored.
            c.heads.forget();
            try {
              return chatCommitCareful.immediate(batch);
            } catch (error) {
              c.heads.forget();
              throw error;
            }
          }
        },
        (outcomes) =>
          batch.forEach((p, i) => {
            const o = outcomes[i];
            if (o?.ok) p.resolve(o.value);
            else p.reject(o ? o.error : new Error('message not stored'));
          }),
        // The commit failed (nothing of the batch is stored), or it is not known to be on disk: an
        // error, so the client retries (and its clientId finds the row).
        (error) => batch.forEach((p) => p.reject(error)),
      ),
  });
}

export function sqliteChat(c: SqliteDb, commits: GroupCommit<PendingMessage, AppendResult>): ChatStore {
  return {
    async appendMessage(m, audit) {
      return commits.add({ m, audit });
    },

    async listMessages(caseId, channel, q) {
      await c.durable();
      if (q.afterSeq !== undefined) {
        return (
          c
            .stmt('SELECT * FROM messages WHERE case_id = ? AND channel = ? AND seq > ? ORDER BY seq LIMIT ?')
            .all(caseId, channel, q.afterSeq, q.limit) as Row[]
        ).map(toMessage);
      }
      const rows = c
        .stmt('SELECT * FROM messages WHERE case_id = ? AND channel = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
        .all(caseId, channel, q.beforeSeq ?? Number.MAX_SAFE_INTEGER, q.limit) as Row[];
      return rows.reverse().map(toMessage);
    },

    async headSeq(caseId, channel) {
      await c.durable();
      return storedChatHead(c, caseId, channel);
    },
  };
}
