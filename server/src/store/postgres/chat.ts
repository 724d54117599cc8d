import type pg from 'pg';
import type { ChatMessage } from '@accord/shared';
import { GroupCommit, type Outcome } from '../group-commit';
import {
  citesColumn,
  clientIdReused,
  num,
  sameMessage,
  storedMessage,
  str,
  toAudit,
  toMessage,
  type Row,
} from '../rows';
import type { AppendResult, AuditRecord, ChatStore, MessageAudit, NewMessage, PendingMessage } from '../types';
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
 * Which of a batch's messages are new (a clientId twice in one batch is stored once), which reuse a
 * clientId for other text (refused), and how many new ones each channel gets.
 */
function classify(batch: readonly PendingMessage[], existing: Map<string, Row>) {
  const outcomes: (Outcome<AppendResult> | null)[] = [];
  const fresh: { i: number; m: NewMessage }[] = [];
  const firstOf = new Map<string, number>();
  const perChannel = new Map<string, number>();
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
    const ch = `${m.caseId}\u0000${m.channel}`;
    perChannel.set(ch, (perChannel.get(ch) ?? 0) + 1);
    outcomes.push(null);
  });
  return { outcomes, fresh, firstOf, perChannel };
}

/** Each channel's head moves by its count; returns each channel's head before the batch. */
async function moveHeads(c: pg.PoolClient, perChannel: Map<string, number>): Promise<Map<string, number>> {
  const channels = [...perChannel.keys()].sort();
  const heads = new Map<string, number>();
  if (channels.length === 0) return heads;
  for (const r of await all(
    c,
    `INSERT INTO room_heads (case_id, channel, seq)
     SELECT case_id, channel, seq FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS t(case_id, channel, seq, i) ORDER BY i
     ON CONFLICT (case_id, channel) DO UPDATE SET seq = room_heads.seq + excluded.seq
     RETURNING case_id, channel, seq`,
    [
      channels.map((ch) => ch.split('\u0000')[0]),
      channels.map((ch) => ch.split('\u0000')[1]),
      channels.map((ch) => perChannel.get(ch)),
    ],
  )) {
    const ch = `${str(r.case_id)}\u0000${str(r.channel)}`;
    heads.set(ch, num(r.seq) - (perChannel.get(ch) ?? 0));
  }
  return heads;
}

async function insertMessages(c: pg.PoolClient, rows: ChatMessage[]): Promise<void> {
  if (rows.length === 0) return;
  await c.query(
    `INSERT INTO messages (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at,
       cites)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::text[], $9::text[], $10::text[], $11::text[])`,
    [
      rows.map((r) => r.caseId),
      rows.map((r) => r.channel),
      rows.map((r) => r.seq),
      rows.map((r) => r.id),
      rows.map((r) => r.clientId),
      rows.map((r) => r.senderId),
      rows.map((r) => r.senderName),
      rows.map((r) => r.senderRole),
      rows.map((r) => r.text),
      rows.map((r) => r.createdAt),
      rows.map((r) => citesColumn(r.cites)),
    ],
  );
}

/** Audit entries chained per case in batch order, after the last entry each case already has. */
async function insertAuditEntries(
  c: pg.PoolClient,
  audited: { m: NewMessage; stored: ChatMessage; build: MessageAudit }[],
): Promise<void> {
  if (audited.length === 0) return;
  const last = new Map<string, AuditRecord>();
  for (const r of await all(
    c,
    'SELECT DISTINCT ON (case_id) * FROM audit_log WHERE case_id = ANY($1::text[]) ORDER BY case_id, seq DESC',
    [[...new Set(audited.map(({ m }) => m.caseId))]],
  )) {
    last.set(str(r.case_id), toAudit(r));
  }
  const entries = audited.map(({ m, stored, build }) => {
    const entry = build(stored, last.get(m.caseId) ?? null);
    last.set(m.caseId, entry);
    return entry;
  });
  await c.query(
    `INSERT INTO audit_log (case_id, seq, at, actor_id, kind, data, prev_hash, hash)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      entries.map((e) => e.caseId),
      entries.map((e) => e.seq),
      entries.map((e) => e.at),
      entries.map((e) => e.actorId),
      entries.map((e) => e.kind),
      entries.map((e) => JSON.stringify(e.data)),
      entries.map((e) => e.prevHash),
      entries.map((e) => e.hash),
    ],
  );
}

/** Inside a transaction: stores a batch of messages and their audit entries, in batch order. */
async function appendBatch(c: pg.PoolClient, batch: readonly PendingMessage[]): Promise<Outcome<AppendResult>[]> {
  // The audit chains of the batch's cases, locked in one order on every node (no deadlock).
  const cases = [...new Set(batch.map((p) => p.m.caseId))].sort();
  await c.query(
    'SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i',
    [cases.map((id) => `audit:${id}`)],
  );
  const existing = new Map<string, Row>();
  for (const r of await all(
    c,
    `SELECT m.* FROM messages m
     JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(case_id, sender_id, client_id)
     USING (case_id, sender_id, client_id)`,
    [batch.map((p) => p.m.caseId), batch.map((p) => p.m.senderId), batch.map((p) => p.m.clientId)],
  )) {
    existing.set(keyOf(str(r.case_id), str(r.sender_id), str(r.client_id)), r);
  }
  const { outcomes, fresh, firstOf, perChannel } = classify(batch, existing);
  // The batch's messages take the numbers below each channel's new head, in order.
  const heads = await moveHeads(c, perChannel);
  const stored = new Map<number, ChatMessage>();
  for (const { i, m } of fresh) {
    const ch = `${m.caseId}\u0000${m.channel}`;
    const seq = (heads.get(ch) ?? 0) + 1;
    heads.set(ch, seq);
    stored.set(i, storedMessage(m, seq));
  }
  await insertMessages(c, [...stored.values()]);
  await insertAuditEntries(
    c,
    fresh.flatMap(({ i, m }) => {
      const build = batch[i]!.audit;
      return build ? [{ m, stored: stored.get(i)!, build }] : [];
    }),
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
      // another node: the other way round, each would hold what the other waits for.
      if (audit) await lock(c, `audit:${m.caseId}`);
      const dup = await existingOf(c);
      if (dup) return dup;
      const { seq } = (await one(
        c,
        `INSERT INTO room_heads (case_id, channel, seq) VALUES ($1, $2, 1)
         ON CONFLICT (case_id, channel) DO UPDATE SET seq = room_heads.seq + 1 RETURNING seq`,
        [m.caseId, m.channel],
      )) as { seq: number };
      await c.query(
        `INSERT INTO messages (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at,
           cites)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          m.caseId,
          m.channel,
          seq,
          m.id,
          m.clientId,
          m.senderId,
          m.senderName,
          m.senderRole,
          m.text,
          m.createdAt,
          citesColumn(m.cites),
        ],
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
 * together in one transaction with a fixed number of round trips (locks, duplicate check, heads,
 * messages, audit entries), however many there are; each is acknowledged only after the commit.
 * A batch that fails as a whole (a retry racing on another node, a deadlock) is stored again one
 * message per transaction, so one bad message cannot take the others down with it.
 */
function chatCommit(db: PgDb): GroupCommit<PendingMessage, AppendResult> {
  return new GroupCommit<PendingMessage, AppendResult>({
    maxBatch: CHAT_BATCH_MAX,
    commit: async (batch) => {
      const items = batch.map((p) => p.item);
      let outcomes: Outcome<AppendResult>[];
      try {
        outcomes = await db.tx((c) => appendBatch(c, items));
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
