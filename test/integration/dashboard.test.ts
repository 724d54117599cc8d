import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DASHBOARD_CSV_COLUMNS,
  DashboardFigures,
  type ErrorBody,
  type OutcomeStatus,
  type RoomInviteResult,
} from '@accord/shared';
import { seedAgreement } from '../helpers/agreement';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { STAFF_PASSWORD as PASSWORD, staffAccounts, fileComplaint as fileComplaintAt } from '../helpers/cases';
import { httpClient } from '../helpers/http';
import { agreeToEveryClause } from '../helpers/negotiation';
import { acceptInvite, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

type Who = 'admin' | 'reviewer' | 'mediator1' | 'mediator2' | 'lenderA' | 'lenderB';
const NAMES: Record<Who, string> = {
  admin: '管理员',
  reviewer: '审核员',
  mediator1: '张律师',
  mediator2: '刘调解员',
  lenderA: '李华',
  lenderB: '赵敏',
};
const CUSTOMER = '王小红';

interface Filed {
  caseId: string;
  number: string;
  /** The customer's tracking-link session. */
  token: string;
}

/**
 * The outcomes dashboard (issue 19) on a real server: five complaints against two lenders, moved by
 * the reviewers, two mediators and the parties through review, sessions with real caucuses over
 * sockets, a signed settlement, a case not settled, a withdrawal; survey responses stored through the
 * store. Figures, scoping (a lender sees its own cases, in the JSON and the CSV), refusals, bad filters.
 */
describe('outcomes dashboard', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;
  let lenderA: string;
  let lenderB: string;
  const cases = {} as Record<'a1' | 'a2' | 'a3' | 'b1' | 'b2', Filed>;
  const rooms: RoomClient[] = [];
  /** The caucus entries' times of each case, as the audit log has them. */
  const caucusMs = {} as Record<'a1' | 'b1', { customer: number; lender: number }>;

  const dashboard = (token: string | undefined, query = '') =>
    call<DashboardFigures & { error: ErrorBody }>('GET', `/api/dashboard${query}`, token);
  const fileComplaint = async (lenderId: string): Promise<Filed> => {
    const { filed, token } = await fileComplaintAt(t.url, lenderId, { name: CUSTOMER });
    const c = await t.server.store.getCase(filed.caseId);
    return { caseId: filed.caseId, number: c?.number ?? '', token };
  };
  const accept = async (c: Filed, rep: 'lenderA' | 'lenderB') => {
    expect((await call('POST', `/api/cases/${c.caseId}/review`, tokens.reviewer, { decision: 'start' })).status).toBe(
      200,
    );
    const res = await call('POST', `/api/cases/${c.caseId}/review`, tokens.reviewer, {
      decision: 'accept',
      platformUserId: ids[rep],
    });
    expect(res.status).toBe(200);
  };
  /** Accepted, assigned, scheduled; the mediator opens the room and lets the lender's representative in. */
  const openSession = async (c: Filed, mediator: 'mediator1' | 'mediator2', rep: 'lenderA' | 'lenderB') => {
    await accept(c, rep);
    const assigned = await call('POST', `/api/cases/${c.caseId}/assign`, tokens.admin, {
      mediatorUserId: ids[mediator],
    });
    expect(assigned.status).toBe(200);
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().slice(0, 16) + ':00';
    const scheduled = await call('POST', `/api/cases/${c.caseId}/schedule`, tokens[mediator], {
      startsAt,
      timeZone: 'Asia/Shanghai',
    });
    expect(scheduled.status).toBe(200);
    const m = await connectRoom(t.url, tokens[mediator], c.caseId);
    rooms.push(m);
    expect((await emit(m, 'room:phase', { phase: 'opening' })).ok).toBe(true);
    const lender = await connectRoom(t.url, tokens[rep], c.caseId, { waitFor: 'lobby' });
    rooms.push(lender);
    expect((await emit(m, 'lobby:admit', { userId: ids[rep] })).ok).toBe(true);
    await waitFor(() => lender.welcomes.length > 0, 'the lender rep admitted');
    expect((await emit(m, 'room:phase', { phase: 'joint' })).ok).toBe(true);
    const customerId = (await t.server.store.listMembers(c.caseId)).find((x) => x.role === 'customer')?.userId ?? '';
    return { m, lender, customerId };
  };
  /** Caucus time per side from the case's audit entries (opened → next opened / closed). */
  const caucusFromAudit = async (caseId: string, customerId: string, now: number) => {
    const entries = (await t.server.audit.all(caseId)).filter((e) => e.kind.startsWith('caucus.'));
    const out = { customer: 0, lender: 0 };
    entries.forEach((e, i) => {
      if (e.kind !== 'caucus.opened') return;
      const next = entries[i + 1];
      const ms = (next ? Date.parse(next.at) : now) - Date.parse(e.at);
      const target = (e.data.target as { userId: string }).userId;
      if (target === customerId) out.customer += ms;
      else out.lender += ms;
    });
    return out;
  };

  beforeAll(async () => {
    t = await startServer();
    lenderA = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    lenderB = (await t.server.accounts.createLender(null, '乙银行')).id;
    const roles: Record<Who, ['admin' | 'reviewer' | 'mediator' | 'platform', string | undefined, string]> = {
      admin: ['admin', undefined, NAMES.admin],
      reviewer: ['reviewer', undefined, NAMES.reviewer],
      mediator1: ['mediator', undefined, NAMES.mediator1],
      mediator2: ['mediator', undefined, NAMES.mediator2],
      lenderA: ['platform', lenderA, NAMES.lenderA],
      lenderB: ['platform', lenderB, NAMES.lenderB],
    };
    const made = await staffAccounts(t, 'dash', roles);
    Object.assign(ids, made.ids);
    Object.assign(tokens, made.tokens);
    for (const key of ['a1', 'a2', 'a3'] as const) cases[key] = await fileComplaint(lenderA);
    for (const key of ['b1', 'b2'] as const) cases[key] = await fileComplaint(lenderB);

    // A1: caucus with the customer, moved to the lender's representative, closed; then a signed settlement.
    const a1 = await openSession(cases.a1, 'mediator1', 'lenderA');
    expect((await emit(a1.m, 'caucus:open', { userId: a1.customerId })).ok).toBe(true);
    expect((await emit(a1.m, 'caucus:open', { userId: ids.lenderA })).ok).toBe(true);
    expect((await emit(a1.m, 'caucus:close', {})).ok).toBe(true);
    caucusMs.a1 = await caucusFromAudit(cases.a1.caseId, a1.customerId, Date.now());
    expect((await emit(a1.m, 'room:phase', { phase: 'drafting' })).ok).toBe(true);
    const invite = await call<RoomInviteResult>('GET', `/api/cases/${cases.a1.caseId}/room-invite`, cases.a1.token);
    const inRoom = await acceptInvite(t.url, invite.body.url);
    const customer = await connectRoom(t.url, inRoom.token, cases.a1.caseId, { waitFor: 'lobby' });
    rooms.push(customer);
    expect((await emit(a1.m, 'lobby:admit', { userId: inRoom.userId })).ok).toBe(true);
    await waitFor(() => customer.welcomes.length > 0, 'the customer admitted');
    await seedAgreement(t.server.store, cases.a1.caseId);
    await agreeToEveryClause({ customer, platform: a1.lender }, { watchers: [a1.m], server: t.server });
    expect((await emit(a1.m, 'room:phase', { phase: 'signing' })).ok).toBe(true);
    const frozen = await waitFor(
      async () => ((await emit(customer, 'outcome:status', {})).data as OutcomeStatus).freeze,
      'frozen for signing',
    );
    const fp = frozen.fingerprint;
    const signed = await emit(customer, 'outcome:sign', {
      fingerprint: fp,
      fullName: CUSTOMER,
      secret: invite.body.pin ?? inRoom.pin ?? '',
    });
    expect(signed.error).toBeUndefined();
    const lenderSigned = await emit(a1.lender, 'outcome:sign', {
      fingerprint: fp,
      fullName: NAMES.lenderA,
      secret: PASSWORD,
    });
    expect(lenderSigned.error).toBeUndefined();
    const mediatorSigned = await emit(a1.m, 'outcome:sign', {
      fingerprint: fp,
      fullName: NAMES.mediator1,
      secret: PASSWORD,
    });
    expect(mediatorSigned.error).toBeUndefined();
    await waitFor(async () => (await t.server.store.getCase(cases.a1.caseId))?.status === 'settled', 'A1 settled');

    // A2: a session without a caucus, ended not settled.
    const a2 = await openSession(cases.a2, 'mediator2', 'lenderA');
    expect(
      (await emit(a2.m, 'outcome:seal', { outcome: 'not_settled', reason: '双方未能就分期方案达成一致。' })).ok,
    ).toBe(true);
    // A3: still being reviewed.
    expect(
      (await call('POST', `/api/cases/${cases.a3.caseId}/review`, tokens.reviewer, { decision: 'start' })).status,
    ).toBe(200);
    // B1: a caucus with the lender's representative, still open.
    const b1 = await openSession(cases.b1, 'mediator1', 'lenderB');
    expect((await emit(b1.m, 'caucus:open', { userId: ids.lenderB })).ok).toBe(true);
    // B2: accepted, then withdrawn by the customer.
    await accept(cases.b2, 'lenderB');
    expect((await call('POST', `/api/cases/${cases.b2.caseId}/withdraw`, cases.b2.token, {})).status).toBe(200);

    // Survey responses, as the survey stores them (anonymous: case and role only).
    const seed = async (c: Filed, role: 'customer' | 'platform', satisfaction: number, comment = '') =>
      t.server.store.submitSurvey(
        { caseId: c.caseId, userId: randomUUID(), at: new Date().toISOString() },
        {
          id: randomUUID(),
          caseId: c.caseId,
          role,
          day: new Date().toISOString().slice(0, 10),
          satisfaction,
          heard: satisfaction >= 3,
          fair: satisfaction >= 4,
          again: satisfaction === 5,
          comment,
        },
      );
    for (const [s, comment] of [
      [5, '调解员很耐心'],
      [4, ''],
      [3, ''],
      [5, ''],
    ] as const)
      await seed(cases.a1, 'customer', s, comment);
    await seed(cases.a2, 'customer', 2, '希望更快一些');
    await seed(cases.a1, 'platform', 4);
    await seed(cases.a2, 'platform', 3);
    await seed(cases.b1, 'customer', 1, '乙银行的案子');
  });
  afterAll(async () => {
    for (const r of rooms) r.close();
    await t.close();
  });

  it('the centre sees every case: by state, times, settlement by type, lender and mediator, surveys, neutrality', async () => {
    const before = Date.now();
    const res = await dashboard(tokens.admin);
    expect(res.status).toBe(200);
    const f = DashboardFigures.parse(res.body);
    expect(f.cases).toBe(5);
    expect(f.lenderId).toBeNull();
    expect(f.lenders.map((l) => l.name).sort()).toEqual(['乙银行', '甲消费金融'].sort());
    expect(Object.fromEntries(f.byState.map((s) => [s.state, s.count]))).toEqual({
      under_review: 1,
      in_mediation: 1,
      settled: 1,
      not_settled: 1,
      withdrawn: 1,
    });
    expect(f.timeToAcceptance.count).toBe(4);
    expect(f.timeToResolution.count).toBe(2);
    expect(f.timeToResolution.p90Hours).toBeGreaterThanOrEqual(f.timeToResolution.medianHours ?? 0);
    expect(f.settlement.overall).toEqual({ settled: 1, concluded: 2, rate: 0.5 });
    expect(f.settlement.byLender).toEqual([
      { lenderId: lenderA, name: '甲消费金融', settled: 1, concluded: 2, rate: 0.5 },
    ]);
    expect(f.settlement.byMediator).toEqual(
      [
        { mediatorId: ids.mediator2, name: NAMES.mediator2, settled: 0, concluded: 1, rate: 0 },
        { mediatorId: ids.mediator1, name: NAMES.mediator1, settled: 1, concluded: 1, rate: 1 },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    // Each case's type is the classifier's reading at intake (the same complaint text: one type).
    const types = await t.server.store.listDisputeTypes();
    const typeOfA1 = types.find((x) => x.caseId === cases.a1.caseId)?.type ?? 'unknown';
    expect(f.settlement.byDisputeType.reduce((n, g) => n + g.concluded, 0)).toBe(2);
    expect(f.settlement.byDisputeType.find((g) => g.type === typeOfA1)?.settled).toBe(1);

    // Surveys: 8 responses; the customers' 6 shown, the lenders' 2 not; comments for admins, sorted.
    expect(f.surveys.groups).toEqual([
      expect.objectContaining({ group: 'all', shown: true, count: 8 }),
      expect.objectContaining({ group: 'customer', shown: true, count: 6, meanSatisfaction: 3.33 }),
      { group: 'platform', shown: false },
    ]);
    expect(f.surveys.comments).toEqual(
      ['乙银行的案子', '希望更快一些', '调解员很耐心'].sort((a, b) => a.localeCompare(b)),
    );

    // Neutrality: A1's caucus time as the audit log has it, A2 without caucus, B1's caucus still open.
    const session = (c: Filed) => f.sessions.find((s) => s.caseNumber === c.number);
    expect(f.sessions.map((s) => s.caseNumber).sort()).toEqual(
      [cases.a1, cases.a2, cases.b1].map((c) => c.number).sort(),
    );
    const a1 = session(cases.a1);
    const total = caucusMs.a1.customer + caucusMs.a1.lender;
    expect(a1).toMatchObject({
      lenderName: '甲消费金融',
      mediatorName: NAMES.mediator1,
      open: false,
      customerMinutes: Math.round((caucusMs.a1.customer / 60_000) * 10) / 10,
      lenderMinutes: Math.round((caucusMs.a1.lender / 60_000) * 10) / 10,
    });
    expect(a1?.balance).not.toBe('none');
    if (total > 0) expect(a1?.customerShare).toBeCloseTo(caucusMs.a1.customer / total, 2);
    expect(session(cases.a2)).toMatchObject({
      balance: 'none',
      customerShare: null,
      open: false,
      mediatorName: NAMES.mediator2,
    });
    const b1 = session(cases.b1);
    expect(b1).toMatchObject({ open: true, customerMinutes: 0, balance: 'one_sided', customerShare: 0 });
    const openedAt = Date.parse(
      (await t.server.audit.all(cases.b1.caseId)).find((e) => e.kind === 'caucus.opened')?.at ?? '',
    );
    // Counted up to the moment of the figures.
    expect(b1?.lenderMinutes).toBeGreaterThanOrEqual(Math.floor((before - openedAt) / 6000) / 10);
  });

  it("a lender's staff see only their lender's cases, counts and sessions; never comments; another lender's id is refused", async () => {
    const res = await dashboard(tokens.lenderA);
    expect(res.status).toBe(200);
    const f = res.body;
    expect(f.lenderId).toBe(lenderA);
    expect(f.lenders).toEqual([]);
    expect(f.cases).toBe(3);
    expect(Object.fromEntries(f.byState.map((s) => [s.state, s.count]))).toEqual({
      under_review: 1,
      settled: 1,
      not_settled: 1,
    });
    expect(f.settlement.byLender.map((l) => l.lenderId)).toEqual([lenderA]);
    expect(f.sessions.map((s) => s.caseNumber).sort()).toEqual([cases.a1.number, cases.a2.number].sort());
    expect(f.surveys.comments).toBeNull();
    // Their 5 customer responses are shown; their 2 lender responses (and so nothing about B's one) are not.
    expect(f.surveys.groups).toEqual([
      expect.objectContaining({ group: 'all', shown: true, count: 7 }),
      expect.objectContaining({ group: 'customer', shown: true, count: 5 }),
      { group: 'platform', shown: false },
    ]);
    const text = JSON.stringify(f);
    for (const c of [cases.b1, cases.b2]) expect(text).not.toContain(c.number);
    expect(text).not.toContain('乙银行');

    expect((await dashboard(tokens.lenderA, `?lenderId=${lenderA}`)).body.cases).toBe(3);
    const other = await dashboard(tokens.lenderA, `?lenderId=${lenderB}`);
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'FORBIDDEN', reason: 'dashboard.otherLender' });
    const otherCsv = await fetch(`${t.url}/api/dashboard/csv?lenderId=${lenderB}`, {
      headers: { authorization: `Bearer ${tokens.lenderA}` },
    });
    expect(otherCsv.status).toBe(403);

    const b = (await dashboard(tokens.lenderB)).body;
    expect(b.cases).toBe(2);
    expect(b.surveys.groups.every((g) => !g.shown)).toBe(true);
    // The centre filters by lender: the same figures as the lender's own.
    const centreOnA = (await dashboard(tokens.reviewer, `?lenderId=${lenderA}`)).body;
    expect(centreOnA.cases).toBe(3);
    expect(centreOnA.byState).toEqual(f.byState);
    // Filtered to lender A, the centre would see "everyone" minus B's single answer: those groups are hidden.
    expect(centreOnA.surveys.groups.map((g) => g.shown)).toEqual([false, false, false]);
    // A reviewer reads no comments either.
    expect((await dashboard(tokens.reviewer)).body.surveys.comments).toBeNull();
  });

  it('the CSV: a BOM, the header, one row per visible case without personal data', async () => {
    const get = (token: string, query = '') =>
      fetch(`${t.url}/api/dashboard/csv${query}`, { headers: { authorization: `Bearer ${token}` } });
    const res = await get(tokens.admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''accord-dashboard-/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes, { bom: true });
    expect(rows[0]).toEqual([...DASHBOARD_CSV_COLUMNS]);
    expect(rows).toHaveLength(6);
    const byNumber = new Map(
      rows.slice(1).map((r) => [r[0], Object.fromEntries(DASHBOARD_CSV_COLUMNS.map((k, i) => [k, r[i]]))]),
    );
    const today = new Date().toISOString().slice(0, 10);
    expect(byNumber.get(cases.a1.number)).toMatchObject({
      lender: '甲消费金融',
      mediator: NAMES.mediator1,
      state: 'settled',
      filed: today,
      accepted: today,
      resolved: today,
      settled: 'yes',
    });
    expect(byNumber.get(cases.a2.number)).toMatchObject({
      settled: 'no',
      mediator: NAMES.mediator2,
      caucus_minutes_customer: '0',
    });
    expect(byNumber.get(cases.b2.number)).toMatchObject({
      state: 'withdrawn',
      settled: '',
      resolved: '',
      lender: '乙银行',
    });
    const text = bytes.toString('utf8');
    for (const personal of [CUSTOMER, '13812345678', '110101199003071234', 'HT-2025-0042'])
      expect(text).not.toContain(personal);

    const mine = parse(Buffer.from(await (await get(tokens.lenderA)).arrayBuffer()), { bom: true });
    expect(
      mine
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([cases.a1, cases.a2, cases.a3].map((c) => c.number).sort());
    expect(mine.flat().join(',')).not.toContain('乙银行');
  });

  it('customers, mediators and strangers are refused; bad filters are named and change nothing', async () => {
    expect((await dashboard(undefined)).status).toBe(401);
    for (const token of [cases.a1.token, tokens.mediator1]) {
      const res = await dashboard(token);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', reason: 'dashboard.staffOnly' });
      expect(
        (await fetch(`${t.url}/api/dashboard/csv`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(403);
    }
    for (const query of [
      '?from=2026-13-01',
      '?to=yesterday',
      '?lenderId=nope',
      '?from=2026-12-05&to=2026-12-01',
      '?colour=red',
    ]) {
      const res = await dashboard(tokens.admin, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('VALIDATION_FAILED');
      expect(res.body.error.message, query).toMatch(/^invalid dashboard filter/);
    }
    // A date range without any case filed in it: empty figures, not an error.
    const empty = await dashboard(tokens.admin, '?from=2020-01-01&to=2020-12-31');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ cases: 0, byState: [], sessions: [], from: '2020-01-01', to: '2020-12-31' });
    expect(empty.body.timeToAcceptance).toEqual({ count: 0, medianHours: null, p90Hours: null });
    // Survey figures do not follow the dates: a narrower range could isolate one case's answers.
    expect(empty.body.surveys.groups[0]).toMatchObject({ group: 'all', shown: true, count: 8 });
    const today = new Date().toISOString().slice(0, 10);
    expect((await dashboard(tokens.admin, `?from=${today}&to=${today}`)).body.cases).toBe(5);
  });
});
