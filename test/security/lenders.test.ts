import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseProgress, ErrorBody, IntakeResult, QueueItem, UserView } from '@accord/shared';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';

/**
 * A lender's staff see and act on their own lender's complaints only: every case route refuses
 * another lender's staff, and the queue does not list that lender's cases.
 */
describe("lender staff reach only their own lender's cases", () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens: Record<'reviewer' | 'lenderA' | 'lenderB' | 'noLender', string> = {
    reviewer: '',
    lenderA: '',
    lenderB: '',
    noLender: '',
  };
  const ids: Record<string, string> = {};
  let lenderA: string;
  let lenderB: string;
  let caseA: IntakeResult;

  beforeAll(async () => {
    t = await startServer();
    lenderA = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    lenderB = (await t.server.accounts.createLender(null, '乙银行')).id;
    const account = async (name: keyof typeof tokens, staffRole: 'platform' | 'reviewer', lenderId?: string) => {
      const user = await t.server.cases.createStaff(null, {
        username: name.toLowerCase(),
        displayName: name,
        staffRole,
        password: PASSWORD,
        ...(lenderId ? { lenderId } : {}),
      });
      ids[name] = user.id;
      const res = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
        username: name.toLowerCase(),
        password: PASSWORD,
      });
      tokens[name] = res.body.token;
    };
    await account('reviewer', 'reviewer');
    await account('lenderA', 'platform', lenderA);
    await account('lenderB', 'platform', lenderB);
    await account('noLender', 'platform');
    const res = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId: lenderA }), [{ name: 'contract.pdf', data: pdf() }]),
    );
    expect(res.status).toBe(201);
    caseA = res.body;
  });
  afterAll(() => t.close());

  it('a complaint names an existing lender; the case keeps it', async () => {
    const { lenderId: _none, ...withoutLender } = complaint({ lenderId: lenderA });
    expect((await call('POST', '/api/intake', undefined, form(withoutLender, []))).status).toBe(400);
    const unknown = await call<{ error: ErrorBody }>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId: '00000000-0000-4000-8000-000000000000' }), []),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.reason).toBe('accounts.noSuchLender');
    expect((await t.server.store.getCase(caseA.caseId))?.lenderId).toBe(lenderA);
  });

  it("another lender's staff are refused on every case route, and its queue does not list the case", async () => {
    const c = caseA.caseId;
    const evidence = (await t.server.store.listEvidence(c))[0]?.id ?? '';
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/cases/${c}/detail`],
      ['GET', `/api/cases/${c}/progress`],
      ['GET', `/api/cases/${c}/evidence`],
      ['GET', `/api/cases/${c}/evidence/${evidence}`],
      ['POST', `/api/cases/${c}/evidence`, form({}, [{ name: 'x.pdf', data: pdf() }])],
      ['GET', `/api/cases/${c}/export`],
      ['POST', `/api/cases/${c}/reveal`, { field: 'nationalId' }],
      ['POST', `/api/cases/${c}/review`, { decision: 'start' }],
      ['POST', `/api/cases/${c}/tracking/revoke`],
      ['POST', `/api/cases/${c}/schedule`, { startsAt: '2026-12-15T14:00:00', timeZone: 'Asia/Shanghai' }],
      ['POST', `/api/cases/${c}/assign`, { mediatorUserId: ids.reviewer }],
      ['GET', `/api/cases/${c}/representatives`],
      ['GET', `/api/cases/${c}`],
      ['GET', `/api/cases/${c}/invites`],
    ];
    for (const who of ['lenderB', 'noLender'] as const) {
      for (const [method, path, body] of routes) {
        const res = await call<{ error: ErrorBody }>(method, path, tokens[who], body);
        expect([403, 404], `${who} ${method} ${path}`).toContain(res.status);
      }
      const queue = await call<QueueItem[]>('GET', '/api/review/queue', tokens[who]);
      if (who === 'lenderB') expect(queue.body.map((i) => i.caseId)).not.toContain(c);
      else expect(queue.status).toBe(403);
    }
    // Nothing happened to the case.
    expect((await t.server.store.getCase(c))?.status).toBe('submitted');
    expect(await t.server.store.listEvidence(c)).toHaveLength(1);
  });

  it("the lender's own staff follow the case (queue, detail, evidence) but never decide it", async () => {
    const c = caseA.caseId;
    const queue = await call<QueueItem[]>('GET', '/api/review/queue', tokens.lenderA);
    expect(queue.body.map((i) => i.caseId)).toEqual([c]);
    expect((await call('GET', `/api/cases/${c}/detail`, tokens.lenderA)).status).toBe(200);
    expect((await call('GET', `/api/cases/${c}/evidence`, tokens.lenderA)).status).toBe(200);
    for (const [path, body] of [
      ['review', { decision: 'start' }],
      ['reveal', { field: 'phone' }],
      ['assign', { mediatorUserId: ids.reviewer }],
      ['schedule', { startsAt: '2026-12-15T14:00:00', timeZone: 'Asia/Shanghai' }],
      ['tracking/revoke', undefined],
    ] as const) {
      const res = await call<{ error: ErrorBody }>('POST', `/api/cases/${c}/${path}`, tokens.lenderA, body);
      expect(res.status, path).toBe(403);
      expect(res.body.error.reason, path).toBe('review.reviewersOnly');
    }
    // The reviewer sees every lender's cases.
    expect((await call<QueueItem[]>('GET', '/api/review/queue', tokens.reviewer)).body.map((i) => i.caseId)).toContain(
      c,
    );
  });

  it("at acceptance the reviewer chooses a staff account of the case's lender as the room's platform party", async () => {
    const c = caseA.caseId;
    const review = (body: unknown) =>
      call<CaseProgress & { error: ErrorBody }>('POST', `/api/cases/${c}/review`, tokens.reviewer, body);
    expect((await review({ decision: 'start' })).status).toBe(200);
    const choices = await call<UserView[]>('GET', `/api/cases/${c}/representatives`, tokens.reviewer);
    expect(choices.body.map((u) => u.id)).toEqual([ids.lenderA]);
    for (const [userId, reason] of [
      [ids.lenderB, 'review.platformMemberWrongLender'],
      [ids.reviewer, 'review.platformMemberRequired'],
    ] as const) {
      const refused = await review({ decision: 'accept', platformUserId: userId });
      expect(refused.status).toBe(400);
      expect(refused.body.error.reason).toBe(reason);
    }
    const accepted = await review({ decision: 'accept', platformUserId: ids.lenderA });
    expect(accepted.body.status).toBe('accepted');
    const members = await t.server.store.listMembers(c);
    expect(members.filter((m) => m.role === 'platform').map((m) => m.userId)).toEqual([ids.lenderA]);
    expect(members.some((m) => m.userId === ids.reviewer)).toBe(false);
    expect((await t.server.audit.all(c)).find((e) => e.kind === 'case.representative')?.actorId).toBe(ids.reviewer);
  });
});
