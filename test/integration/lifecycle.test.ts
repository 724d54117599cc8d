import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PRIVACY_NOTICE_VERSION,
  verifyOutcome,
  type CaseDetail,
  type CaseProgress,
  type ErrorBody,
  type IntakeResult,
  type QueueItem,
  type SealedOutcome,
} from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { complaint as complaintOf, form, pdf, png, type Complaint } from '../helpers/files';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { httpClient } from '../helpers/http';

describe('from complaint to closing', () => {
  let t: TestServer;
  const logLines: string[] = [];
  let staff: { token: string; id: string };
  let admin: { token: string; id: string };
  let mediator: { token: string; id: string };
  /** A staff account of the lender complained about: the room's platform party once accepted. */
  let lenderStaff: { token: string; id: string };
  let lenderId: string;
  const complaint = (over: Partial<Complaint> = {}) => complaintOf({ lenderId, ...over });

  const call = httpClient(() => t.url);
  const staffAccount = async (
    username: string,
    staffRole: 'platform' | 'reviewer' | 'admin' | 'mediator',
    lender?: string,
  ) => {
    const user = await t.server.cases.createStaff(null, {
      username,
      displayName: username,
      staffRole,
      password: 'correct horse battery',
      ...(lender ? { lenderId: lender } : {}),
    });
    const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
      username,
      password: 'correct horse battery',
    });
    return { token: login.body.token, id: user.id };
  };
  const file = (caseId: string) => {
    const dir = join(t.dataDir, 'evidence', caseId);
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const caseCount = () => t.server.store.listCases({}).then((l) => l.length);

  beforeAll(async () => {
    // Every log line of the whole run is kept, to check that no personal identifier reaches it.
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    t = await startServer({
      env: { ACCORD_EVIDENCE_MAX_BYTES: String(64 * 1024), ACCORD_EVIDENCE_MAX_FILES: '3' },
      log: pino({ level: 'trace' }, sink),
    });
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    staff = await staffAccount('reviewer.li', 'reviewer');
    lenderStaff = await staffAccount('lender.li', 'platform', lenderId);
    admin = await staffAccount('centre.admin', 'admin');
    mediator = await staffAccount('mediator.zhang', 'mediator');
  });
  afterAll(() => t.close());

  describe('bad uploads: a clear error and nothing stored', () => {
    it.each([
      [
        'a text file named .pdf',
        [{ name: 'contract.pdf', data: Buffer.from('just text, not a PDF') }],
        400,
        'not a PDF',
      ],
      ['an empty file', [{ name: 'empty.pdf', data: Buffer.alloc(0) }], 400, 'empty'],
      [
        'a file over the size limit',
        [{ name: 'big.pdf', data: Buffer.concat([pdf(), Buffer.alloc(70 * 1024)]) }],
        413,
        '',
      ],
      ['more files than allowed', [1, 2, 3, 4].map((i) => ({ name: `p${i}.png`, data: png })), 400, ''],
    ])('%s', async (_name, files, status, message) => {
      const before = await caseCount();
      const res = await call<{ error: ErrorBody }>('POST', '/api/intake', undefined, form(complaint(), files));
      expect(res.status).toBe(status);
      expect(res.body.error.message).toContain(message);
      expect(await caseCount()).toBe(before);
    });

    it('a complaint without both consents, or with an old notice, is refused and stores nothing', async () => {
      const before = await caseCount();
      for (const [over, path] of [
        [{ sensitiveConsent: '' }, 'sensitiveConsent'],
        [{ privacyNotice: '2020-01-01' }, 'privacyNotice'],
      ] as const) {
        const res = await call<{ error: ErrorBody }>('POST', '/api/intake', undefined, form(complaint(over), []));
        expect(res.status).toBe(400);
        expect(res.body.error.issues?.map((i) => i.path)).toEqual([path]);
      }
      const { sensitiveConsent: _omitted, ...withoutConsent } = complaint();
      const res = await call<{ error: ErrorBody }>('POST', '/api/intake', undefined, form(withoutConsent, []));
      expect(res.status).toBe(400);
      expect(await caseCount()).toBe(before);
    });

    it('a complaint with invalid fields names them and stores nothing', async () => {
      const before = await caseCount();
      const res = await call<{ error: ErrorBody }>(
        'POST',
        '/api/intake',
        undefined,
        form(complaint({ phone: '123', nationalId: 'abc', amountInDisputeCents: '12.5' }), []),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.issues?.map((i) => i.path).sort()).toEqual(['amountInDisputeCents', 'nationalId', 'phone']);
      expect(await caseCount()).toBe(before);
    });
  });

  let intake: IntakeResult;
  let customerToken: string;
  const trackingId = () => intake.trackingUrl.split('/track/')[1] ?? '';

  it('files a complaint with evidence: a case number, a private tracking link and a PIN', async () => {
    const res = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint(), [
        { name: '../../etc/合同 contract.pdf', data: pdf() },
        { name: 'receipt.png', data: png },
      ]),
    );
    expect(res.status).toBe(201);
    intake = res.body;
    expect(intake.caseNumber).toMatch(/^AC-\d{4}-\d{6}$/);
    // The consent (notice version, the separate one for sensitive data, when) is the case's first entry.
    const [first] = await t.server.audit.all(intake.caseId);
    expect(first).toMatchObject({
      kind: 'consent.given',
      data: { privacyNotice: PRIVACY_NOTICE_VERSION, sensitiveConsent: true },
    });
    expect(intake.trackingUrl).toMatch(/\/track\/[A-Za-z0-9_-]{32}$/);
    // Nothing about the case is reachable without signing in.
    expect((await call('GET', `/api/cases/${intake.caseId}/progress`)).status).toBe(401);
    expect(
      (
        await call('POST', `/api/track/${trackingId()}/sign-in`, undefined, {
          pin: '000000' === intake.pin ? '111111' : '000000',
        })
      ).status,
    ).toBe(401);
    const signIn = await call<{ token: string; caseId: string }>(
      'POST',
      `/api/track/${trackingId()}/sign-in`,
      undefined,
      {
        pin: intake.pin,
      },
    );
    expect(signIn.status).toBe(200);
    customerToken = signIn.body.token;
    const progress = await call<CaseProgress>('GET', `/api/cases/${intake.caseId}/progress`, customerToken);
    expect(progress.body).toMatchObject({ status: 'submitted', timeline: [{ status: 'submitted', by: 'customer' }] });
  });

  it('stores evidence encrypted under generated names; the download matches its SHA-256 and is audited', async () => {
    const detail = await call<CaseDetail>('GET', `/api/cases/${intake.caseId}/detail`, customerToken);
    const contract = detail.body.evidence.find((e) => e.type === 'application/pdf');
    expect(contract).toMatchObject({ name: '合同 contract.pdf', type: 'application/pdf' });
    const stored = file(intake.caseId);
    expect(stored).toHaveLength(2);
    expect(stored.every((n) => /^[0-9a-f-]{36}\.bin$/.test(n))).toBe(true);
    for (const name of stored) {
      const bytes = readFileSync(join(t.dataDir, 'evidence', intake.caseId, name));
      expect(bytes.includes(Buffer.from('HT-2025-0042'))).toBe(false);
      expect(bytes.subarray(0, 5).toString('latin1')).not.toBe('%PDF-');
    }
    const res = await fetch(`${t.url}/api/cases/${intake.caseId}/evidence/${contract?.id}`, {
      headers: { authorization: `Bearer ${staff.token}` },
    });
    const data = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(data).digest('hex')).toBe(contract?.sha256);
    expect(data.equals(pdf())).toBe(true);
    const log = await t.server.audit.all(intake.caseId);
    expect(log.some((e) => e.kind === 'evidence.downloaded')).toBe(true);
  });

  it('personal identifiers are masked; a reveal is for staff only and audited', async () => {
    const asStaff = await call<CaseDetail>('GET', `/api/cases/${intake.caseId}/detail`, staff.token);
    expect(asStaff.body.party).toMatchObject({ phone: '138****5678', nationalId: '110***********1234' });
    expect(JSON.stringify(asStaff.body)).not.toContain('110101199003071234');
    expect(
      (await call('POST', `/api/cases/${intake.caseId}/reveal`, customerToken, { field: 'nationalId' })).status,
    ).toBe(403);
    const revealed = await call<{ value: string }>('POST', `/api/cases/${intake.caseId}/reveal`, staff.token, {
      field: 'nationalId',
    });
    expect(revealed.body.value).toBe('110101199003071234');
    expect((await t.server.audit.all(intake.caseId)).find((e) => e.kind === 'pii.revealed')?.actorId).toBe(staff.id);
  });

  it('the review: a queue, the rules, questions and answers, refusals of wrong roles and transitions', async () => {
    const queue = await call<QueueItem[]>('GET', '/api/review/queue?status=submitted&sort=waiting', staff.token);
    expect(queue.body.map((q) => q.caseNumber)).toContain(intake.caseNumber);
    expect((await call('GET', '/api/review/queue', customerToken)).status).toBe(403);
    const byNumber = await call<QueueItem[]>('GET', `/api/review/queue?q=${intake.caseNumber.slice(-6)}`, staff.token);
    expect(byNumber.body).toHaveLength(1);

    const live: CaseProgress[] = [];
    const tracker = io(`${t.url}/track`, {
      transports: ['websocket'],
      auth: { token: customerToken, caseId: intake.caseId },
    });
    tracker.on('case:progress', (p: CaseProgress) => live.push(p));
    await waitFor(() => tracker.connected, 'tracking socket');

    const review = (token: string, decision: unknown) =>
      call<CaseProgress & { error?: ErrorBody }>('POST', `/api/cases/${intake.caseId}/review`, token, decision);
    expect((await review(customerToken, { decision: 'start' })).status).toBe(403);
    expect((await review(staff.token, { decision: 'accept', platformUserId: lenderStaff.id })).body.error?.code).toBe(
      'INVALID_TRANSITION',
    );
    expect((await review(staff.token, { decision: 'start' })).body.status).toBe('under_review');
    const asked = await review(staff.token, { decision: 'request_info', question: '请补充提前还款的日期。' });
    expect(asked.body).toMatchObject({ status: 'info_requested', question: '请补充提前还款的日期。' });
    await waitFor(() => live.some((p) => p.status === 'info_requested'), 'customer told live');
    const answered = await call<CaseProgress>('POST', `/api/cases/${intake.caseId}/answer`, customerToken, {
      answer: '2026年6月15日。',
    });
    expect(answered.body.status).toBe('under_review');
    const detail = await call<CaseDetail>('GET', `/api/cases/${intake.caseId}/detail`, staff.token);
    expect(detail.body.rules.every((r) => r.ok)).toBe(true);
    // Each rule has a code the client words in the reader's language.
    expect(detail.body.rules.map((r) => r.code)).toEqual([
      'identity',
      'contract_number',
      'description_30',
      'fee_document',
    ]);
    // The lender's own staff follow the case but never decide it.
    const byLender = await review(lenderStaff.token, { decision: 'accept', platformUserId: lenderStaff.id });
    expect(byLender.status).toBe(403);
    expect((await review(staff.token, { decision: 'accept' })).status).toBe(400);
    const accepted = await review(staff.token, {
      decision: 'accept',
      platformUserId: lenderStaff.id,
      reason: '材料齐全，费用争议属受理范围。',
    });
    expect(accepted.body.status).toBe('accepted');
    // The lender's representative chosen at acceptance is the room's platform party, not the reviewer.
    expect(await t.server.store.getMember(intake.caseId, lenderStaff.id)).toMatchObject({ role: 'platform' });
    expect(await t.server.store.getMember(intake.caseId, staff.id)).toBeNull();
    // The reviewer's reason for accepting is recorded on the timeline.
    expect(accepted.body.timeline.at(-1)).toMatchObject({ status: 'accepted', note: '材料齐全，费用争议属受理范围。' });
    tracker.close();
  });

  it('acceptance rules are enforced unless the reviewer overrides with a reason; a rejection reason reaches the customer', async () => {
    const res = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ category: 'repayment_hardship' }), []),
    );
    const id = res.body.caseId;
    await call('POST', `/api/cases/${id}/review`, staff.token, { decision: 'start' });
    const refused = await call<{ error: ErrorBody }>('POST', `/api/cases/${id}/review`, staff.token, {
      decision: 'accept',
      platformUserId: lenderStaff.id,
    });
    expect(refused.body.error.message).toMatch(/proof of hardship/);
    const rejected = await call<CaseProgress>('POST', `/api/cases/${id}/review`, staff.token, {
      decision: 'reject',
      reason: '未提供困难证明，且借款已结清。',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: '未提供困难证明，且借款已结清。' });
    // Another customer's tracking session reaches nothing of the first case.
    const other = await call<{ token: string }>(
      'POST',
      `/api/track/${res.body.trackingUrl.split('/track/')[1]}/sign-in`,
      undefined,
      {
        pin: res.body.pin,
      },
    );
    expect((await call('GET', `/api/cases/${intake.caseId}/progress`, other.body.token)).status).toBe(403);
    expect((await call('GET', `/api/cases/${intake.caseId}/evidence`, other.body.token)).status).toBe(403);
  });

  it('an admin manages mediators and assigns one; the mediator schedules; the customer gets the room and a PIN once', async () => {
    expect(
      (
        await call('PUT', '/api/mediators', staff.token, {
          userId: mediator.id,
          organisation: 'Some centre',
          languages: ['zh'],
          specialities: [],
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('PUT', '/api/mediators', admin.token, {
          userId: mediator.id,
          organisation: '北京金融纠纷调解中心',
          languages: ['zh-CN', 'en'],
          specialities: ['fees', 'repayment plans'],
        })
      ).status,
    ).toBe(204);
    const list = await call<{ userId: string; organisation: string }[]>('GET', '/api/mediators', admin.token);
    expect(list.body[0]).toMatchObject({ userId: mediator.id, organisation: '北京金融纠纷调解中心' });

    const schedule = { startsAt: '2026-12-15T14:00:00', timeZone: 'Asia/Shanghai', durationMinutes: 90 };
    expect(
      (await call<{ error: ErrorBody }>('POST', `/api/cases/${intake.caseId}/schedule`, staff.token, schedule)).body
        .error.code,
    ).toBe('INVALID_TRANSITION');
    expect(
      (await call('POST', `/api/cases/${intake.caseId}/assign`, lenderStaff.token, { mediatorUserId: mediator.id }))
        .status,
    ).toBe(403);
    const assigned = await call<CaseProgress>('POST', `/api/cases/${intake.caseId}/assign`, admin.token, {
      mediatorUserId: mediator.id,
    });
    expect(assigned.body).toMatchObject({
      status: 'mediator_assigned',
      handler: { role: 'mediator', name: 'mediator.zhang' },
    });
    expect(
      (
        await call<{ error: ErrorBody }>('POST', `/api/cases/${intake.caseId}/schedule`, mediator.token, {
          ...schedule,
          timeZone: 'Mars/Base',
        })
      ).body.error.code,
    ).toBe('VALIDATION_FAILED');
    const scheduled = await call<CaseProgress>(
      'POST',
      `/api/cases/${intake.caseId}/schedule`,
      mediator.token,
      schedule,
    );
    expect(scheduled.body).toMatchObject({ status: 'scheduled', session: schedule });
    const rescheduled = await call<CaseProgress>('POST', `/api/cases/${intake.caseId}/schedule`, mediator.token, {
      ...schedule,
      startsAt: '2026-12-16T10:00:00',
    });
    expect(rescheduled.body.session?.startsAt).toBe('2026-12-16T10:00:00');
    // Each step of the history carries its session, for the reader's words; no ISO text as a note.
    const steps = rescheduled.body.timeline.filter((e) => e.status === 'scheduled');
    expect(steps.map((e) => [e.session?.startsAt, e.note])).toEqual([
      [schedule.startsAt, null],
      ['2026-12-16T10:00:00', null],
    ]);

    const invite = await call<{ url: string; pin: string | null }>(
      'GET',
      `/api/cases/${intake.caseId}/room-invite`,
      customerToken,
    );
    expect(invite.body.pin).toMatch(/^\d{6}$/);
    const again = await call<{ url: string; pin: string | null }>(
      'GET',
      `/api/cases/${intake.caseId}/room-invite`,
      customerToken,
    );
    expect(again.body.pin).toBeNull();
  });

  it('the room drives the case: opened, then the sealed outcome; parties add evidence; the customer exports and withdraws nothing by mistake', async () => {
    const m = await connectRoom(t.url, mediator.token, intake.caseId);
    expect((await m.socket.emitWithAck('room:phase', { phase: 'opening' })).ok).toBe(true);
    expect((await call<CaseProgress>('GET', `/api/cases/${intake.caseId}/progress`, customerToken)).body.status).toBe(
      'in_mediation',
    );
    const added = await call<unknown[]>(
      'POST',
      `/api/cases/${intake.caseId}/evidence`,
      customerToken,
      form({}, [{ name: '失业证明.png', data: png }]),
    );
    expect(added.status).toBe(201);
    const tooMany = await call<{ error: ErrorBody }>(
      'POST',
      `/api/cases/${intake.caseId}/evidence`,
      customerToken,
      form({}, [{ name: 'x.png', data: png }]),
    );
    expect(tooMany.status).toBe(400);
    expect(file(intake.caseId)).toHaveLength(3);
    expect((await m.send('我们先确认一下事实。')).ok).toBe(true);
    const sealed = await m.socket.emitWithAck('outcome:seal', { outcome: 'not_settled', reason: '双方未达成一致。' });
    expect(sealed.ok).toBe(true);
    const progress = await call<CaseProgress>('GET', `/api/cases/${intake.caseId}/progress`, customerToken);
    expect(progress.body.status).toBe('not_settled');
    expect(progress.body.timeline.map((e) => e.status)).toEqual([
      'submitted',
      'under_review',
      'info_requested',
      'under_review',
      'accepted',
      'mediator_assigned',
      'scheduled',
      'scheduled',
      'in_mediation',
      'not_settled',
    ]);
    expect(
      (await call<{ error: ErrorBody }>('POST', `/api/cases/${intake.caseId}/withdraw`, customerToken, {})).body.error
        .code,
    ).toBe('INVALID_TRANSITION');

    const exported = await call<
      Record<string, unknown> & {
        personalData: { nationalId: string };
        documents: unknown[];
        transcript: unknown[];
        outcome: SealedOutcome;
      }
    >('GET', `/api/cases/${intake.caseId}/export`, customerToken);
    expect(exported.body.personalData.nationalId).toBe('110101199003071234');
    expect(exported.body.documents).toHaveLength(3);
    expect(exported.body.transcript).toHaveLength(1);
    expect((await verifyOutcome(exported.body.outcome)).ok).toBe(true);
    expect((await call('GET', `/api/cases/${intake.caseId}/export`, staff.token)).status).toBe(403);
    m.close();
  });

  it('after the retention period a closed case is purged; the sealed record stays and verifies', async () => {
    const closed = await t.server.store.updateCase(intake.caseId, { status: 'closed' });
    expect(closed.status).toBe('closed');
    const future = new Date(Date.now() + 400 * 24 * 3600_000);
    expect(await t.server.records.purgeExpired(365, future)).toContain(intake.caseId);
    expect(file(intake.caseId)).toEqual([]);
    expect(await t.server.store.getPii(intake.caseId)).toBeNull();
    expect(await t.server.store.listMessages(intake.caseId, 'joint', { limit: 10 })).toEqual([]);
    const outcome = await t.server.store.getOutcome(intake.caseId);
    expect(outcome).not.toBeNull();
    expect(
      (await verifyOutcome({ record: JSON.parse(outcome?.record ?? '{}'), signature: outcome?.signature })).ok,
    ).toBe(true);
    expect((await t.server.audit.verify(intake.caseId)).ok).toBe(true);
  });

  it('the logs of the whole run hold none of the personal identifiers', () => {
    const all = logLines.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of ['13812345678', '110101199003071234', '王小红']) expect(all).not.toContain(secret);
  });
});
