import type { ChatMessage } from '@accord/shared';
import { GroupCommit, type Outcome } from '../group-commit';
import {
  clientIdReused,
  MESSAGE_COLUMNS,
  messageValues,
  num,
  sameMessage,
  storedMessage,
  str,
  toMessage,
  type Row,
} from '../rows';
import type {
  AppendResult,
  AuditHead,
  AuditRecord,
  ChatStore,
  MessageAudit,
  NewMessage,
  PendingMessage,
} from '../types';
import { insertAudit } from './audit';
import { all, isUniqueViolation, lock, one, type Db, type PgDb } from './db';

/** Most chat messages stored in one transaction (the arrays of one statement stay small). */
const CHAT_BATCH_MAX = 200;

const keyOf = (caseId: string, senderId: string, clientId: string) => `${caseId}\u0000${senderId}\u0000${clientId}`;
const reused = (m: NewMessage): Outcome<AppendResult> => ({
  ok: false,
  error: clientIdReused(m.clientId),
});

/**
 * Which of a batch's messages are new (a clientId twice in one batch is stored once) and which reuse
 * a clientId for other text (refused).
 */
function classify(batch: readonly PendingMessage[], existing: Map<string, Row>) {
  const outcomes: (Outcome<AppendResult> | null)[] = [];
  const fresh: { i: number; m: NewMessage }[] = [];
  const firstOf = new Map<string, number>();
  batch.forEach(({ m }, i) => {
    const k = keyOf(m.caseId, m.senderId, m.clientId);
    const row = existing.get(k);
    const earlier = firstOf.get(k);
    const prior = row ? toMessage(row) : earlier !== undefined ? storedMessage(batch[earlier]!.m, 0) : null;
    if (prior) {
      outcomes.push(sameMessage(prior, m) ? null : reused(m));
      return;
    }
    firstOf.set(k, i);
    fresh.push({ i, m });
    outcomes.push(null);
  });
  return { outcomes, fresh, firstOf };
}

/** What accord_chat_begin returns: read under the batch's audit locks. */
interface BatchState {
  audit: { case_id: string; seq: number; hash: string }[];
  heads: { case_id: string; channel: string; seq: number }[];
  existing: Row[];
}

const MESSAGE_COLUMN_COUNT = MESSAGE_COLUMNS.split(',').length;

/** The columns of a batch's rows, one array per column of MESSAGE_COLUMNS (the functions' parameters). */
function messageColumns(rows: readonly ChatMessage[]): unknown[][] {
  const values = rows.map((r) => messageValues(r, r.seq));
  return Array.from({ length: MESSAGE_COLUMN_COUNT }, (_, i) => values.map((v) => v[i]));
}

function auditColumns(entries: readonly AuditRecord[]): unknown[] {
  return [
    entries.map((e) => e.caseId),
    entries.map((e) => e.seq),
    entries.map((e) => e.at),
    entries.map((e) => e.actorId),
    entries.map((e) => e.kind),
    entries.map((e) => JSON.stringify(e.data)),
    entries.map((e) => e.prevHash),
    entries.map((e) => e.hash),
  ];
}

/**
 * Stores a batch of messages and their audit entries, in batch order, in two round trips and no
 * BEGIN/COMMIT of their own (migration 13): accord_chat_begin locks the cases' audit chains (session
 * locks, until the second call) and returns the chains' heads, the channels' heads and the rows the
 * batch's clientIds already have; the entries are hashed here; accord_chat_store stores everything in
 * its statement's transaction, committed before the call returns (so before anyone is acknowledged).
 */
async function appendBatch(db: PgDb, batch: readonly PendingMessage[]): Promise<Outcome<AppendResult>[]> {
  const cases = [...new Set(batch.map((p) => p.m.caseId))];
  const channels = [...new Set(batch.map((p) => `${p.m.caseId}\u0000${p.m.channel}`))];
  const c = await db.pool.connect();
  let broken: Error | undefined;
  try {
    const state = (
      await one(c, 'SELECT accord_chat_begin($1, $2, $3, $4, $5, $6) AS s', [
        cases,
        batch.map((p) => p.m.caseId),
        batch.map((p) => p.m.senderId),
        batch.map((p) => p.m.clientId),
        channels.map((ch) => ch.split('\u0000')[0]),
        channels.map((ch) => ch.split('\u0000')[1]),
      ])
    )?.s as BatchState;
    const existing = new Map<string, Row>();
    for (const r of state.existing) existing.set(keyOf(str(r.case_id), str(r.sender_id), str(r.client_id)), r);
    const { outcomes, fresh, firstOf } = classify(batch, existing);
    // The batch's messages take the numbers after each channel's head, in order.
    const before = new Map<string, number>(channels.map((ch) => [ch, 0]));
    for (const r of state.heads) before.set(`${r.case_id}\u0000${r.channel}`, num(r.seq));
    const heads = new Map(before);
    const stored = new Map<number, ChatMessage>();
    for (const { i, m } of fresh) {
      const ch = `${m.caseId}\u0000${m.channel}`;
      const seq = (heads.get(ch) ?? 0) + 1;
      heads.set(ch, seq);
      stored.set(i, storedMessage(m, seq));
    }
    // Audit entries chained per case in batch order, after the last entry each case already has.
    const last = new Map<string, AuditHead>(state.audit.map((a) => [a.case_id, { seq: num(a.seq), hash: a.hash }]));
    const entries: AuditRecord[] = [];
    for (const { i, m } of fresh) {
      const build = batch[i]!.audit;
      if (!build) continue;
      const entry = build(stored.get(i)!, last.get(m.caseId) ?? null);
      last.set(m.caseId, entry);
      entries.push(entry);
    }
    const moved = channels.filter((ch) => heads.get(ch) !== before.get(ch));
    await c.query(
      `SELECT accord_chat_store($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
         $20, $21, $22, $23, $24)`,
      [
        cases,
        moved.map((ch) => ch.split('\u0000')[0]),
        moved.map((ch) => ch.split('\u0000')[1]),
        moved.map((ch) => before.get(ch)),
        moved.map((ch) => heads.get(ch)),
        ...messageColumns([...stored.values()]),
        ...auditColumns(entries),
      ],
    );
    return batch.map(({ m }, i): Outcome<AppendResult> => {
      const o = outcomes[i];
      if (o) return o;
      const mine = stored.get(i);
      if (mine) return { ok: true, value: { message: mine, duplicate: false } };
      // A duplicate: of a stored row, or of a message earlier in this batch.
      const k = keyOf(m.caseId, m.senderId, m.clientId);
      const row = existing.get(k);
      const first = stored.get(firstOf.get(k) ?? -1);
      return { ok: true, value: { message: row ? toMessage(row) : first!, duplicate: true } };
    });
  } catch (err) {
    // Session locks outlive a failed statement: let go of any this batch holds before the connection
    // goes back to the pool, or close it (PostgreSQL then releases them).
    await c.query('SELECT pg_advisory_unlock_all()').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    throw err;
  } finally {
    c.release(broken);
  }
}

/** One message in a transaction of its own: the path a batch falls back to when it fails as a whole. */
async function appendOne(db: PgDb, m: NewMessage, audit?: MessageAudit): Promise<AppendResult> {
  const existingOf = async (d: Db) => {
    const existing = await one(d, 'SELECT * FROM messages WHERE case_id = $1 AND sender_id = $2 AND client_id = $3', [
      m.caseId,
      m.senderId,
      m.clientId,
    ]);
    if (!existing) return null;
    const stored = toMessage(existing);
    if (!sameMessage(stored, m)) throw clientIdReused(m.clientId);
    return { message: stored, duplicate: true };
  };
  try {
    return await db.tx(async (c) => {
      // The case's audit lock before the channel head, in the order of a batch (appendBatch) on
      // another node: the other way round, each would hold what the other waits for. Taken without an
      // audit entry too: a batch reads the channel's head under it and sets it in its second call.
      await lock(c, `audit:${m.caseId}`);
      const dup = await existingOf(c);
      if (dup) return dup;
      const { seq } = (await one(
        c,
        `INSERT INTO room_heads (case_id, channel, seq) VALUES ($1, $2, 1)
         ON CONFLICT (case_id, channel) DO UPDATE SET seq = room_heads.seq + 1 RETURNING seq`,
        [m.caseId, m.channel],
      )) as { seq: number };
      await c.query(
        `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        messageValues(m, num(seq)),
      );
      const message = storedMessage(m, num(seq));
      if (audit) await insertAudit(c, m.caseId, (previous) => audit(message, previous));
      return { message, duplicate: false };
    });
  } catch (err) {
    // The same retry racing on two nodes: the loser answers with the winner's row.
    if (isUniqueViolation(err)) {
      const dup = await existingOf(db.pool);
      if (dup) return dup;
    }
    throw err;
  }
}

/**
 * Group commit: the chat messages that arrive while the previous batch is being stored go
 * together in one transaction of two round trips (appendBatch), however many there are; each is
 * acknowledged only after the commit. A batch that fails as a whole (an audit entry that cannot be
 * built, a lost connection, a deadlock with a node of an older version) is stored again one message
 * per transaction, so one bad message cannot take the others down with it.
 */
function chatCommit(db: PgDb): GroupCommit<PendingMessage, AppendResult> {
  return new GroupCommit<PendingMessage, AppendResult>({
    maxBatch: CHAT_BATCH_MAX,
    commit: async (batch) => {
      const items = batch.map((p) => p.item);
      let outcomes: Outcome<AppendResult>[];
      try {
        outcomes = await appendBatch(db, items);
      } catch {
        outcomes = [];
        for (const { m, audit } of items) {
          outcomes.push(
            await appendOne(db, m, audit).then(
              (value): Outcome<AppendResult> => ({ ok: true, value }),
              (error: unknown): Outcome<AppendResult> => ({ ok: false, error }),
            ),
          );
        }
      }
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o?.ok) p.resolve(o.value);
        else p.reject(o ? o.error : new Error('message not stored'));
      });
    },
  });
}

export function postgresChat(db: PgDb): ChatStore {
  const commits = chatCommit(db);
  return {
    async appendMessage(m, audit) {
      return commits.add({ m, audit });
    },

    async listMessages(caseId, channel, q) {
      if (q.afterSeq !== undefined) {
        return (
          await all(
            db.pool,
            'SELECT * FROM messages WHERE case_id = $1 AND channel = $2 AND seq > $3 ORDER BY seq LIMIT $4',
            [caseId, channel, q.afterSeq, q.limit],
          )
        ).map(toMessage);
      }
      const rows = await all(
        db.pool,
        'SELECT * FROM messages WHERE case_id = $1 AND channel = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
        [caseId, channel, q.beforeSeq ?? 2_147_483_647, q.limit],
      );
      return rows.reverse().map(toMessage);
    },

    async headSeq(caseId, channel) {
      const r = await one(db.pool, 'SELECT seq FROM room_heads WHERE case_id = $1 AND channel = $2', [caseId, channel]);
      return r ? num(r.seq) : 0;
    },
  };
}
