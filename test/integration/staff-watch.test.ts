import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CaseEvidenceEvent,
  CaseHistoryEntry,
  CaseProgress,
  ErrorBody,
  IntakeResult,
  QueueItem,
} from '@accord/shared';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/** The staff case watch on `/track` (live evidence and history) and the reasons in the staff history. */
describe('staff case watch and recorded reasons', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const sockets: Socket[] = [];
  const account = async (
    username: string,
    staffRole: 'platform' | 'reviewer' | 'admin' | 'mediator',
    lenderId?: string,
  ) => {
    const user = await t.server.cases.createStaff(null, {
      username,
      displayName: `${username} name`,
      staffRole,
      password: 'correct horse battery',
      ...(lenderId ? { lenderId } : {}),
    });
    const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
      username,
      password: 'correct horse battery',
    });
    return { token: login.body.token, id: user.id };
  };
  /** A `/track` socket: resolves connected, or with the refusal's error body. */
  const connect = async (auth: Record<string, unknown>) => {
    const socket = io(`${t.url}/track`, { transports: ['websocket'], auth, reconnection: false });
    sockets.push(socket);
    const refused: { body: ErrorBody | null } = { body: null };
    socket.on('connect_error', (err: Error & { data?: ErrorBody }) => {
      refused.body = err.data ?? { code: 'INTERNAL', message: err.message };
    });
    await waitFor(() => socket.connected || refused.body, 'the /track handshake to be answered');
    return { socket, refused: refused.body };
  };

  let staff: { token: string; id: string };
  let admin: { token: string; id: string };
  let mediator: { token: string; id: string };
  let outsider: { token: string; id: string };
  /** The lender's staff member chosen as its representative at acceptance. */
  let lenderRep: { token: string; id: string };
  let intake: IntakeResult;
  let customerToken: string;

  beforeAll(async () => {
    t = await startServer();
    const lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    staff = await account('reviewer.watch', 'reviewer');
    lenderRep = await account('lender.watch', 'platform', lenderId);
    admin = await account('admin.watch', 'admin');
    mediator = await account('mediator.watch', 'mediator');
    outsider = await account('mediator.other', 'mediator');
    const filed = await call<IntakeResult>('POST', '/api/intake', undefined, form(complaint({ lenderId }), []));
    expect(filed.status).toBe(201);
    intake = filed.body;
    const signIn = await call<{ token: string }>(
      'POST',
      `/api/track/${intake.trackingUrl.split('/track/')[1] ?? ''}/sign-in`,
      undefined,
      { pin: intake.pin },
    );
    customerToken = signIn.body.token;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('refuses the watch to the customer, to a mediator not on the case, and without a case', async () => {
    const asCustomer = await connect({ token: customerToken, caseId: intake.caseId, watch: true });
    expect(asCustomer.refused?.code).toBe('FORBIDDEN');
    const asOutsider = await connect({ token: outsider.token, caseId: intake.caseId, watch: true });
    expect(asOutsider.refused?.code).toBe('FORBIDDEN');
    const noCase = await connect({ token: staff.token, watch: true });
    expect(noCase.refused?.code).toBe('VALIDATION_FAILED');
    // Nor does the history open to them.
    expect((await call('GET', `/api/cases/${intake.caseId}/history`, customerToken)).status).toBe(403);
    expect((await call('GET', `/api/cases/${intake.caseId}/history`, outsider.token)).status).toBe(403);
  });

  it('evidence the customer adds reaches a watching reviewer live, and not the customer’s tracking socket', async () => {
    const watch = await connect({ token: staff.token, caseId: intake.caseId, watch: true });
    expect(watch.refused).toBeNull();
    const evidence: CaseEvidenceEvent[] = [];
    const history: unknown[] = [];
    watch.socket.on('case:evidence', (e: CaseEvidenceEvent) => evidence.push(e));
    watch.socket.on('case:history', (e: unknown) => history.push(e));
    const tracker = await connect({ token: customerToken, caseId: intake.caseId });
    expect(tracker.refused).toBeNull();
    const customerSaw: string[] = [];
    tracker.socket.onAny((event: string) => customerSaw.push(event));

    const upload = await call(
      'POST',
      `/api/cases/${intake.caseId}/evidence`,
      customerToken,
      form({}, [{ name: '还款明细 statement.pdf', data: pdf('statement') }]),
    );
    expect(upload.status).toBe(201);
    const [event] = await waitFor(() => (evidence.length > 0 ? evidence : null), 'case:evidence on the watch');
    expect(event?.caseId).toBe(intake.caseId);
    expect(event?.evidence.map((e) => e.name)).toEqual(['还款明细 statement.pdf']);

    // A status change goes to both, after the evidence: the customer's socket had no evidence event before it.
    const started = await call<CaseProgress>('POST', `/api/cases/${intake.caseId}/review`, staff.token, {
      decision: 'start',
    });
    expect(started.status).toBe(200);
    await waitFor(() => customerSaw.includes('case:progress'), 'case:progress on the tracking socket');
    expect(customerSaw).not.toContain('case:evidence');

    // A reveal is a history step: the watch is told, the reason is recorded with who revealed.
    const revealed = await call('POST', `/api/cases/${intake.caseId}/reveal`, staff.token, {
      field: 'phone',
      reason: '需要电话联系投诉人核实',
    });
    expect(revealed.status).toBe(200);
    await waitFor(() => history.length > 0, 'case:history on the watch');
    expect(customerSaw).not.toContain('case:history');
    const entries = await call<CaseHistoryEntry[]>('GET', `/api/cases/${intake.caseId}/history`, staff.token);
    expect(entries.body.find((e) => e.kind === 'pii_revealed')).toMatchObject({
      field: 'phone',
      reason: '需要电话联系投诉人核实',
      byName: 'reviewer.watch name',
    });
    expect(entries.body.find((e) => e.kind === 'evidence_added')).toBeTruthy();
  });

  it('a status change made by someone else reaches the watching reviewer live', async () => {
    const watch = await connect({ token: staff.token, caseId: intake.caseId, watch: true });
    const seen: CaseProgress[] = [];
    watch.socket.on('case:progress', (p: CaseProgress) => seen.push(p));
    const accepted = await call<CaseProgress>('POST', `/api/cases/${intake.caseId}/review`, admin.token, {
      decision: 'accept',
      platformUserId: lenderRep.id,
      reason: '材料齐全，属于受理范围',
    });
    expect(accepted.status).toBe(200);
    await waitFor(() => seen.some((p) => p.status === 'accepted'), 'the acceptance on the watch');
  });

  it('records the reason of each staff step in the history: accept, assign, schedule', async () => {
    const assigned = await call('POST', `/api/cases/${intake.caseId}/assign`, admin.token, {
      mediatorUserId: mediator.id,
      reason: '熟悉费用类纠纷',
    });
    expect(assigned.status).toBe(200);
    // The assigned mediator may now watch the case; the other one still may not.
    expect((await connect({ token: mediator.token, caseId: intake.caseId, watch: true })).refused).toBeNull();
    expect((await connect({ token: outsider.token, caseId: intake.caseId, watch: true })).refused?.code).toBe(
      'FORBIDDEN',
    );
    const scheduled = await call<CaseProgress>('POST', `/api/cases/${intake.caseId}/schedule`, mediator.token, {
      startsAt: '2027-03-01T10:00:00',
      timeZone: 'Asia/Shanghai',
      reason: '双方均确认周一上午可参加',
    });
    expect(scheduled.status).toBe(200);
    // The reason is the history's, not part of the session the parties are shown.
    expect(scheduled.body.session).toEqual({
      startsAt: '2027-03-01T10:00:00',
      timeZone: 'Asia/Shanghai',
      durationMinutes: 90,
    });

    const history = (await call<CaseHistoryEntry[]>('GET', `/api/cases/${intake.caseId}/history`, mediator.token)).body;
    const step = (to: string) => history.find((e) => e.kind === 'status' && e.to === to);
    expect(step('accepted')).toMatchObject({ note: '材料齐全，属于受理范围', byName: 'admin.watch name', by: 'admin' });
    expect(step('mediator_assigned')).toMatchObject({ note: 'mediator.watch name', reason: '熟悉费用类纠纷' });
    expect(step('scheduled')).toMatchObject({ reason: '双方均确认周一上午可参加', by: 'mediator' });
    expect(step('submitted')).toMatchObject({ by: 'customer', byName: expect.any(String) });

    // The queue names the assigned mediator.
    const queue = await call<QueueItem[]>('GET', `/api/review/queue?q=${intake.caseNumber.slice(-6)}`, staff.token);
    expect(queue.body[0]?.mediatorName).toBe('mediator.watch name');
  });

  it('refuses a reason that is not a short text, storing nothing', async () => {
    const before = (await t.server.audit.all(intake.caseId)).length;
    const res = await call<{ error: ErrorBody }>('POST', `/api/cases/${intake.caseId}/reveal`, staff.token, {
      field: 'nationalId',
      reason: 'x'.repeat(1001),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.server.audit.all(intake.caseId)).length).toBe(before);
  });
});
