import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createGuest, registerBatchAtomicity, registerStoreContract } from './contract';
import { PostgresStore, type AuditRecord } from '@accord/server';
import { GENESIS_HASH } from '@accord/shared';

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
    const schema = `accord_t_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return PostgresStore.open({ connectionString: url, schema, max: 4 });
  };
  registerStoreContract('postgres', open);
  registerBatchAtomicity('postgres', open);

  it('a message stored alone after its batch failed takes the audit lock first, as batches do (no deadlock)', async () => {
    const schema = `accord_t_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
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
});
