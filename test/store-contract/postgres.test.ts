import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createGuest, registerBatchAtomicity, registerStoreContract } from './contract';
import { recordPgStatements } from '../helpers/pg-statements';
import { PostgresStore, type AuditHead, type AuditRecord, type NewMessage } from '@accord/server';
import { GENESIS_HASH, auditPayload, verifyAuditChain } from '@accord/shared';

/** The machine's PostgreSQL (tests never create a server of their own for it). */
const url = process.env.ACCORD_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const available = await reachable();
if (!available) {
  const message = `PostgreSQL is not reachable at ${url}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI)`);
  console.warn(`\n!!! SKIPPING POSTGRESQL STORE TESTS — ${message}\n`);
}

const schemas: string[] = [];
/** A schema of its own for one store, dropped when the file ends. */
const newSchema = (): string => {
  const schema = `accord_t_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
};

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 500) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
afterAll(async () => {
  if (!available) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

describe.skipIf(!available)('PostgresStore', () => {
  const open = async () => {
    // Each test gets a schema of its own, so runs never see each other's rows.
    const schema = newSchema();
    return PostgresStore.open({ connectionString: url, schema, max: 4 });
  };
  registerStoreContract('postgres', open);
  registerBatchAtomicity('postgres', open);

  it('a message stored alone after its batch failed takes the audit lock first, as batches do (no deadlock)', async () => {
    const schema = newSchema();
    const store = await PostgresStore.open({ connectionString: url, schema, max: 4 });
    // Another node's batch, by hand: it holds the case's audit lock, then takes the channel head.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      const userId = await createGuest(store);
      // The other node's lock request races the batch's rollback: when it reaches PostgreSQL only
      // after the lone write took the audit lock, the order under test did not happen; try again.
      let outcome: unknown = 'missed';
      for (let round = 0; round < 5 && outcome === 'missed'; round++) outcome = await lockOrderRound(round);
      // Holding the head while it waited for the audit lock, it would have been the deadlock's victim.
      expect(outcome).toBe(2);

      /** 'missed', the stored seq, or the error the write ended with. */
      async function lockOrderRound(round: number): Promise<unknown> {
        const { id: caseId } = await store.createCase({
          id: randomUUID(),
          title: 'Lock order',
          summary: '',
          category: 'other',
          amountInDisputeCents: 0,
        });
        await other.query(`SET search_path TO ${schema}`);
        await other.query('BEGIN');
        // The first build of its audit entry fails, so the batch is rolled back and the message stored
        // alone; the other node asks for the audit lock meanwhile, so it gets it when the batch lets go.
        let builds = 0;
        let otherLocked = null as Promise<unknown> | null;
        let settled = false;
        const sent = store.appendMessage(
          {
            id: randomUUID(),
            caseId,
            channel: 'joint',
            clientId: `lock-order-${round}`,
            senderId: userId,
            senderName: 'x',
            senderRole: 'customer',
            text: 'hello',
            createdAt: new Date().toISOString(),
          },
          (m, prev): AuditRecord => {
            if (builds++ === 0) {
              otherLocked = other.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit:${caseId}`]);
              throw new Error('cannot build this entry the first time');
            }
            return {
              caseId,
              seq: (prev?.seq ?? 0) + 1,
              at: new Date().toISOString(),
              actorId: userId,
              kind: 'chat.message',
              data: { seq: m.seq },
              prevHash: prev?.hash ?? GENESIS_HASH,
              hash: 'h'.repeat(64),
            };
          },
        );
        const stored = sent.then(
          (r) => r.message.seq,
          (err: unknown) => err,
        );
        void stored.then(() => (settled = true));
        await waitUntil(() => otherLocked !== null);
        await otherLocked;
        // Either the lone write now waits for the audit lock (the order under test), or it already
        // ran ahead of the other node's request (missed).
        for (const until = Date.now() + 20_000; ;) {
          if (settled) {
            await other.query('ROLLBACK');
            await stored;
            return 'missed';
          }
          // This case's audit lock only: other test files take advisory locks on the same server.
          const waiting = await other.query(
            `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
               AND objid = ((hashtext($1)::bigint & 4294967295)::text)::oid`,
            [`audit:${caseId}`],
          );
          if (waiting.rowCount) break;
          if (Date.now() > until) throw new Error('the lone write neither waited for the audit lock nor finished');
          await new Promise((r) => setTimeout(r, 10));
        }
        await other.query(
          `INSERT INTO room_heads (case_id, channel, seq) VALUES ($1, 'joint', 1)
           ON CONFLICT (case_id, channel) DO UPDATE SET seq = room_heads.seq + 1`,
          [caseId],
        );
        await other.query('COMMIT');
        return stored;
      }
    } finally {
      await other.end();
      await store.close();
    }
  }, 40_000);

  describe('the chat batch in two round trips (accord_chat_begin, accord_chat_store)', () => {
    const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    /** The server's audit entry of a chat message (audit/log.ts entryBuilder): hashed here, in Node. */
    const chained =
      (actorId: string) =>
      (m: { caseId: string; channel: string; seq: number }, prev: AuditHead | null): AuditRecord => {
        const body = {
          caseId: m.caseId,
          seq: (prev?.seq ?? 0) + 1,
          at: new Date().toISOString(),
          actorId,
          kind: 'chat.message',
          data: { channel: m.channel, seq: m.seq },
          prevHash: prev?.hash ?? GENESIS_HASH,
        };
        return { ...body, hash: sha256Hex(auditPayload(body)) };
      };
    const newCase = (store: PostgresStore) =>
      store.createCase({ id: randomUUID(), title: 'Batch', summary: '', category: 'other', amountInDisputeCents: 0 });
    const message = (caseId: string, senderId: string, clientId: string, text = `text of ${clientId}`): NewMessage => ({
      id: randomUUID(),
      caseId,
      channel: 'joint',
      clientId,
      senderId,
      senderName: 'x',
      senderRole: 'customer',
      text,
      createdAt: new Date().toISOString(),
    });
    /** Every statement the pool's connections send while `fn` runs (the round trips, one each). */
    async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
      const { statements, restore } = recordPgStatements(pg.Client.prototype);
      try {
        return { result: await fn(), statements };
      } finally {
        restore();
      }
    }
    /** Advisory locks on the case's audit chain held or awaited by any session. */
    async function auditLocks(admin: pg.Client, caseId: string): Promise<number> {
      const r = await admin.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'
           AND objid = ((hashtext($1)::bigint & 4294967295)::text)::oid`,
        [`audit:${caseId}`],
      );
      return (r.rows[0] as { n: number }).n;
    }

    it('a resend, a reused clientId, a repeat within the batch and new messages: one batch, two round trips', async () => {
      const schema = newSchema();
      const store = await PostgresStore.open({ connectionString: url, schema, max: 4 });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const userId = await createGuest(store);
        const { id: caseA } = await newCase(store);
        const { id: caseB } = await newCase(store);
        const audit = chained(userId);
        const first = await store.appendMessage(message(caseA, userId, 'first'), audit);
        const tricky = 'quote " backslash \\ tab \t nul-ish \u0001 é 中文 😀 \u2028 end';
        const { result: settled, statements } = await statementsOf(() =>
          Promise.allSettled([
            store.appendMessage(message(caseA, userId, 'first'), audit),
            store.appendMessage(message(caseA, userId, 'first', 'other text'), audit),
            store.appendMessage(message(caseA, userId, 'new-1', tricky), audit),
            store.appendMessage(message(caseA, userId, 'new-1', tricky), audit),
            store.appendMessage({ ...message(caseA, userId, 'new-2'), channel: `caucus:${userId}` }, audit),
            store.appendMessage(message(caseB, userId, 'new-1'), audit),
          ]),
        );
        expect(statements).toHaveLength(2);
        expect(statements[0]).toContain('accord_chat_begin');
        expect(statements[1]).toContain('accord_chat_store');
        const [resend, reused, fresh, repeat, caucus, otherCase] = settled;
        expect(resend).toEqual({ status: 'fulfilled', value: { message: first.message, duplicate: true } });
        expect(reused).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
        expect(fresh).toMatchObject({
          status: 'fulfilled',
          value: { message: { seq: 2, text: tricky }, duplicate: false },
        });
        expect(repeat).toMatchObject({ status: 'fulfilled', value: { message: { seq: 2 }, duplicate: true } });
        expect(caucus).toMatchObject({ status: 'fulfilled', value: { message: { seq: 1 }, duplicate: false } });
        expect(otherCase).toMatchObject({ status: 'fulfilled', value: { message: { seq: 1 }, duplicate: false } });
        // What was stored is what was acknowledged; nothing of the refused one.
        expect(await store.listMessages(caseA, 'joint', { afterSeq: 0, limit: 10 })).toEqual([
          first.message,
          fresh.status === 'fulfilled' ? fresh.value.message : null,
        ]);
        expect(await store.headSeq(caseA, 'joint')).toBe(2);
        expect(await store.headSeq(caseA, `caucus:${userId}`)).toBe(1);
        for (const [caseId, n] of [
          [caseA, 3],
          [caseB, 1],
        ] as const) {
          const log = await store.listAudit(caseId, { limit: 10 });
          expect(log).toHaveLength(n);
          expect(await verifyAuditChain(log, sha256Hex)).toMatchObject({ ok: true });
        }
        // The session locks of the first call are gone with the second's commit.
        expect(await auditLocks(admin, caseA)).toBe(0);
        expect(await auditLocks(admin, caseB)).toBe(0);
      } finally {
        await admin.end();
        await store.close();
      }
    });

    it('a batch that fails as a whole lets go of its locks, and its messages are stored one by one', async () => {
      const schema = newSchema();
      const store = await PostgresStore.open({ connectionString: url, schema, max: 1 });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const userId = await createGuest(store);
        const { id: caseId } = await newCase(store);
        const audit = chained(userId);
        let builds = 0;
        const settled = await Promise.allSettled([
          store.appendMessage(message(caseId, userId, 'ok-1'), audit),
          store.appendMessage(message(caseId, userId, 'bad'), (m, prev) => {
            if (builds++ === 0) throw new Error('cannot build this entry the first time');
            return audit(m, prev);
          }),
          store.appendMessage(message(caseId, userId, 'ok-2'), audit),
        ]);
        expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
        expect((await store.listMessages(caseId, 'joint', { afterSeq: 0, limit: 10 })).map((m) => m.clientId)).toEqual([
          'ok-1',
          'bad',
          'ok-2',
        ]);
        expect(await verifyAuditChain(await store.listAudit(caseId, { limit: 10 }), sha256Hex)).toMatchObject({
          ok: true,
        });
        expect(await auditLocks(admin, caseId)).toBe(0);
        // The one connection of the pool came back clean: the next batch locks and stores as usual.
        await store.appendMessage(message(caseId, userId, 'ok-3'), audit);
        expect(await store.headSeq(caseId, 'joint')).toBe(4);
      } finally {
        await admin.end();
        await store.close();
      }
    });

    it("two nodes' batches interleaving on one case: gap-free seqs, one valid chain, no batch failing", async () => {
      const schema = newSchema();
      const a = await PostgresStore.open({ connectionString: url, schema, max: 4 });
      const b = await PostgresStore.open({ connectionString: url, schema, max: 4 });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const userId = await createGuest(a);
        const { id: caseId } = await newCase(a);
        const audit = chained(userId);
        const node = async (store: PostgresStore, name: string) => {
          for (let round = 0; round < 30; round++) {
            await Promise.all(
              [0, 1, 2, 3].map((k) => store.appendMessage(message(caseId, userId, `${name}-${round}-${k}`), audit)),
            );
          }
        };
        const { statements } = await statementsOf(() => Promise.all([node(a, 'a'), node(b, 'b')]));
        // Every batch went through the two calls: none failed as a whole and fell back to BEGIN/COMMIT.
        expect(statements.filter((s) => s === 'BEGIN')).toEqual([]);
        const stored = await a.listMessages(caseId, 'joint', { afterSeq: 0, limit: 1000 });
        expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
        expect(new Set(stored.map((m) => m.clientId)).size).toBe(240);
        const log = await a.listAudit(caseId, { limit: 1000 });
        expect(await verifyAuditChain(log, sha256Hex)).toMatchObject({ ok: true });
        expect(log.map((e) => e.data.seq)).toEqual(stored.map((m) => m.seq));
        expect(await auditLocks(admin, caseId)).toBe(0);
      } finally {
        await admin.end();
        await a.close();
        await b.close();
      }
    }, 60_000);
  });
});
