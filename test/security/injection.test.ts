import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore, type Store } from '@accord/server';
import type { ErrorBody, QueueItem } from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { httpClient } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';
import { DATABASE_URL, servicesOrSkip, testSchema } from '../helpers/services';

/**
 * Issue 8, item 13: injection in every search and filter parameter. The only store-backed search is
 * the review queue (`GET /api/review/queue?status&category&minWaitHours&q&sort`, `QueueQuery` in
 * `shared/src/intake.ts`); `q` is a substring of the case number, passed to SQL as a bound LIKE
 * pattern with `%`, `_` and `\` escaped. Each payload must return exactly the cases whose number
 * contains it literally (none, for these), on SQLite and on PostgreSQL, and change nothing.
 * Path parameters are schema-checked ids (`bad-input.test.ts` covers a case id; more below).
 */

const Q_PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE cases; --",
  "'); DELETE FROM cases; --",
  '" OR ""="',
  '%',
  '_',
  '%%',
  '\\',
  '\\%',
  'AC-2026-00000_',
  'AC%',
  '[0-9]',
  '*',
  '$1',
  '?',
  "' UNION SELECT * FROM users --",
  "0'||(SELECT 1)||'",
  "' AND pg_sleep(0)::text='",
];

const withPostgres = await servicesOrSkip('injection tests on PostgreSQL');

function suite(kind: 'sqlite' | 'postgres') {
  describe(`the review queue on ${kind}`, () => {
    let t: TestServer;
    let token: string;
    let numbers: string[] = [];
    const call = httpClient(() => t.url);
    const queue = (query: string) =>
      call<QueueItem[] & { error?: ErrorBody }>('GET', `/api/review/queue?${query}`, token);
    /** Everything the store holds that a query could change. */
    const state = async () => {
      const cases = await t.server.store.listCases({});
      return JSON.stringify(cases.map((c) => [c.id, c.number, c.status, c.title]));
    };

    beforeAll(async () => {
      let store: Store | undefined;
      if (kind === 'postgres') {
        store = await PostgresStore.open({ connectionString: DATABASE_URL, schema: testSchema('inj'), max: 4 });
      }
      t = await startServer(store ? { store: () => store } : {});
      for (const title of ['Fee %', 'Fee _', "O'Brien's loan"]) {
        const c = await t.server.cases.createCaseAsSystem({ title, category: 'other', amountInDisputeCents: 100 });
        numbers.push(c.number);
      }
      numbers = numbers.sort();
      await t.server.cases.createStaff(null, {
        username: 'queue.staff',
        displayName: 'Staff',
        staffRole: 'reviewer',
        password: 'correct horse battery',
      });
      token = (
        await call<{ token: string }>('POST', '/api/auth/login', undefined, {
          username: 'queue.staff',
          password: 'correct horse battery',
        })
      ).body.token;
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a plain search finds by number (the control: the search works)', async () => {
      expect((await queue('q=-')).body.map((i) => i.caseNumber).sort()).toEqual(numbers);
      const last = numbers.at(-1) ?? '';
      expect((await queue(`q=${encodeURIComponent(last.slice(-4))}`)).body.map((i) => i.caseNumber)).toEqual([last]);
    });

    it.each(Q_PAYLOADS)('q=%j returns exactly the literal matches and changes nothing', async (payload) => {
      const before = await state();
      const res = await queue(`q=${encodeURIComponent(payload)}`);
      expect(res.status).toBe(200);
      expect(res.body.map((i) => i.caseNumber).sort()).toEqual(numbers.filter((n) => n.includes(payload)));
      expect(await state()).toBe(before);
      // The store still answers whole.
      expect((await queue('')).body).toHaveLength(numbers.length);
    });

    it.each([
      ['status', "submitted' OR '1'='1"],
      ['status', 'submitted;DROP TABLE cases'],
      ['category', "other' --"],
      ['minWaitHours', '0 OR 1=1'],
      ['minWaitHours', "1'"],
      ['minWaitHours', 'NaN'],
      ['sort', 'created_at; DROP TABLE cases'],
      ['sort', 'oldest,(SELECT 1)'],
      ['q', 'x'.repeat(41)],
      // PostgreSQL cannot compare text with NUL: refused up front (was a 500 there).
      ['q', 'x\u0000y'],
      ['q', 'x\ny'],
    ])('%s=%j → 400 naming the parameter, nothing changed', async (param, value) => {
      const before = await state();
      const res = await queue(`${param}=${encodeURIComponent(value)}`);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('VALIDATION_FAILED');
      expect(res.body.error?.issues?.map((i) => i.path)).toContain(param);
      expect(await state()).toBe(before);
    });

    it('a repeated or nested parameter is refused, not merged into a wider query', async () => {
      for (const query of ['q=AC&q=%25', 'status=submitted&status=closed']) {
        const res = await queue(query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
      const nested = await queue('q[$ne]=x');
      // An unknown key is no filter: the same answer as no query at all, never more.
      expect(nested.body.map((i) => i.caseNumber).sort()).toEqual(numbers);
    });

    it('text holding NUL is refused before any store sees it (PostgreSQL cannot keep it: was INTERNAL)', async () => {
      const before = await state();
      const c = await t.createCase('nul');
      const room = await connectRoom(t.url, c.tokens.customer, c.caseId);
      const ack = await room.send('a\u0000b');
      room.close();
      expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', issues: [{ path: 'text' }] } });
      const res = await call<{ error: ErrorBody }>('POST', '/api/cases', token, {
        title: 'a\u0000b',
        category: 'other',
        amountInDisputeCents: 1,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.issues?.[0]?.path).toBe('title');
      expect(await t.server.store.headSeq(c.caseId, 'joint')).toBe(0);
      expect((await t.server.store.listCases({})).length).toBe((JSON.parse(before) as unknown[]).length + 1);
      numbers = [...numbers, (await t.server.store.getCase(c.caseId))?.number ?? ''].sort();
    });

    it('ids in the path are schema-checked before any query', async () => {
      for (const path of [
        `/api/cases/${encodeURIComponent("' OR 1=1 --")}/progress`,
        `/api/cases/${encodeURIComponent('00000000-0000-0000-0000-000000000000 OR 1=1')}/detail`,
        `/api/track/${encodeURIComponent("' OR '1'='1")}/sign-in`,
      ]) {
        const post = path.endsWith('sign-in');
        const res = await call<{ error: ErrorBody }>(
          post ? 'POST' : 'GET',
          path,
          token,
          post ? { pin: '000000' } : undefined,
        );
        expect({ path, status: res.status, code: res.body.error.code }).toEqual({
          path,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
    });
  });
}

suite('sqlite');
if (withPostgres) suite('postgres');
