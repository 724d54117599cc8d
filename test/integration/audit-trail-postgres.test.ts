import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '@accord/server';
import { caucusChannel, type SealedOutcome } from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { runCli } from '../helpers/process';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { DATABASE_URL, REDIS_URL, databaseUrlIn, servicesOrSkip, testSchema } from '../helpers/services';

const withPostgres = await servicesOrSkip('accord audit verify on PostgreSQL');

/**
 * `accord audit verify` on PostgreSQL (DATABASE_URL), as on SQLite (audit-trail.test.ts, which covers
 * every tamper): each tamper is made in the database, checked by the real CLI, and undone.
 */
describe.runIf(withPostgres)('accord audit verify on PostgreSQL', () => {
  let t: TestServer;
  let c: TestCase;
  let schema: string;
  let db: pg.Pool;
  let sealed: SealedOutcome;
  const auditVerify = (caseId = c.caseId) =>
    runCli(['audit', 'verify', caseId], t.dataDir, {
      DATABASE_URL: databaseUrlIn(schema),
      REDIS_URL,
      ACCORD_LOG_LEVEL: 'silent',
    }).then(
      (out) => ({ code: 0, out, err: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );
  /** Runs `check` with `tamper` applied, then puts the database back. */
  const tampered = async <T>(tamper: string, undo: string, params: unknown[], check: () => Promise<T>) => {
    await db.query(tamper, params);
    try {
      return await check();
    } finally {
      await db.query(undo, params);
    }
  };

  beforeAll(async () => {
    schema = testSchema('audit');
    const store = await PostgresStore.open({ connectionString: DATABASE_URL, schema, max: 4 });
    t = await startServer({ store: () => store });
    db = new pg.Pool({ connectionString: databaseUrlIn(schema), max: 1 });
    c = await t.createCase('Audit trail on PostgreSQL');
    const m = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const cu = await connectRoom(t.url, c.tokens.customer, c.caseId);
    expect((await cu.send('服务费我不认可。')).ok).toBe(true);
    expect((await emit(m, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    const caucus = caucusChannel(c.userIds.customer);
    expect((await emit(cu, 'chat:send', { clientId: 'pg-caucus-1', text: '640 元。', channel: caucus })).ok).toBe(true);
    expect((await emit(m, 'caucus:close', {})).ok).toBe(true);
    const done = await emit(m, 'outcome:seal', { outcome: 'not_settled', reason: '双方未能达成一致。' });
    expect(done.ok).toBe(true);
    sealed = done.data as SealedOutcome;
    m.close();
    cu.close();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('an intact case verifies; an unknown case is refused', async () => {
    expect(await auditVerify()).toMatchObject({ code: 0, out: expect.stringContaining('chain intact') });
    const unknown = await auditVerify('0190a8c4-0000-7000-8000-000000000000');
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining('no case') });
  });

  it('a caucus message rewritten is caught', async () => {
    const r = await tampered(
      "UPDATE messages SET text = text || '!' WHERE case_id = $1 AND channel LIKE 'caucus:%' AND seq = 1",
      "UPDATE messages SET text = rtrim(text, '!') WHERE case_id = $1 AND channel LIKE 'caucus:%' AND seq = 1",
      [c.caseId],
      () => auditVerify(),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken link: chat message #1 \(caucus [^)]+\): .*does not match its audit entry/);
  });

  it('the sealed record edited is caught', async () => {
    const r = await tampered(
      "UPDATE outcomes SET record = replace(record, '双方未能达成一致。', '双方已达成一致。') WHERE case_id = $1",
      "UPDATE outcomes SET record = replace(record, '双方已达成一致。', '双方未能达成一致。') WHERE case_id = $1",
      [c.caseId],
      () => auditVerify(),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('sealed record');
    expect(sealed.record.outcome.reason).toBe('双方未能达成一致。');
  });
});
