import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  documentDueAt,
  type CaseHistoryEntry,
  type CaseProgress,
  type DashboardFigures,
  type DocumentRequestList,
  type ErrorBody,
  type IntakeResult,
  type OpenDocumentRequest,
} from '@accord/shared';
import { staffAccounts, fileComplaint } from '../helpers/cases';
import { form, pdf, png } from '../helpers/files';
import { connectRoom } from '../helpers/clients';
import { httpClient } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

type Who = 'admin' | 'reviewer' | 'mediator' | 'otherMediator' | 'lenderA' | 'lenderB';
type Reply = DocumentRequestList & { error: ErrorBody };

/**
 * Document requests (issue 21): the customer asks the case's lender for named documents; its staff (or
 * the centre) answer once, with files (stored as evidence, encrypted, linked to the request, shown to
 * both parties) or a reason, before a due date in working days (the lender's setting). Overdue is
 * computed when viewed. Everyone else is refused and nothing is stored; every step is audited without
 * its text; the dashboard counts them.
 */
describe('document requests', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  let lenderA: string;
  let lenderB: string;
  let filed: IntakeResult;
  let customer: string;
  let stranger: { caseId: string; token: string };
  let contractRequest: string;
  let feeRequest: string;

  const list = (token: string | undefined, caseId = filed.caseId) =>
    call<Reply>('GET', `/api/cases/${caseId}/document-requests`, token);
  const ask = (token: string, body: unknown, caseId = filed.caseId) =>
    call<Reply>('POST', `/api/cases/${caseId}/document-requests`, token, body);
  const provide = (token: string, requestId: string, files: { name: string; data: Buffer }[], caseId = filed.caseId) =>
    call<Reply>('POST', `/api/cases/${caseId}/document-requests/${requestId}/documents`, token, form({}, files));
  const decline = (token: string, requestId: string, body: unknown, caseId = filed.caseId) =>
    call<Reply>('POST', `/api/cases/${caseId}/document-requests/${requestId}/decline`, token, body);
  const docAudit = async (caseId = filed.caseId) =>
    (await t.server.audit.all(caseId)).filter((e) => e.kind.startsWith('documents.'));
  const storedFiles = (caseId = filed.caseId) => {
    try {
      return readdirSync(join(t.dataDir, 'evidence', caseId));
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    t = await startServer();
    lenderA = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    lenderB = (await t.server.accounts.createLender(null, '乙银行')).id;
    const made = await staffAccounts(t, 'docreq', {
      admin: ['admin', undefined, 'admin 名'],
      reviewer: ['reviewer', undefined, 'reviewer 名'],
      mediator: ['mediator', undefined, 'mediator 名'],
      otherMediator: ['mediator', undefined, 'otherMediator 名'],
      lenderA: ['platform', lenderA, '李经理'],
      lenderB: ['platform', lenderB, 'lenderB 名'],
    });
    Object.assign(tokens, made.tokens);
    ({ filed, token: customer } = await fileComplaint(t.url, lenderA));
    const theirs = await fileComplaint(t.url, lenderA);
    stranger = { caseId: theirs.filed.caseId, token: theirs.token };
    await t.server.store.putMember({
      caseId: filed.caseId,
      userId: made.ids.mediator,
      role: 'mediator',
      displayName: 'mediator 名',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("the admin sets the lender's due days (audited as an account event); only an admin may", async () => {
    const path = `/api/lenders/${lenderA}/document-due-days`;
    expect((await call('PUT', path, tokens.lenderA, { days: 2 })).status).toBe(403);
    expect((await call('PUT', path, tokens.admin, { days: 0 })).status).toBe(400);
    expect((await call('PUT', path, tokens.admin, { days: 31 })).status).toBe(400);
    const set = await call<{ documentDueDays: number | null }>('PUT', path, tokens.admin, { days: 3 });
    expect(set).toMatchObject({ status: 200, body: { id: lenderA, documentDueDays: 3 } });
    const events = await t.server.store.listAccountEvents(lenderA);
    expect(events.find((e) => e.kind === 'lender.documentDueDays')).toMatchObject({
      targetId: lenderA,
      data: { from: null, to: 3 },
    });
  });

  it('the customer asks: due from the lender’s setting, stored and audited once, on the timeline without its text', async () => {
    const empty = await list(customer);
    expect(empty).toMatchObject({ status: 200, body: { requests: [], mayRequest: true, mayAnswer: false } });
    expect(empty.body.dueWorkingDays).toBe(3);
    contractRequest = randomUUID();
    const before = Date.now();
    const res = await ask(customer, {
      id: contractRequest,
      kind: 'loan_contract',
      note: '  2024年签订的借款合同全文  ',
    });
    expect(res.status).toBe(201);
    const [made] = res.body.requests;
    expect(made).toMatchObject({
      id: contractRequest,
      kind: 'loan_contract',
      note: '2024年签订的借款合同全文',
      status: 'open',
      overdue: false,
      answeredAt: null,
      answeredBy: null,
      reason: null,
      documents: [],
    });
    // Three working days in the centre's zone (the case has no session yet), counted from when it was made.
    const requestedAt = new Date(made!.requestedAt);
    expect(requestedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(made!.dueAt).toBe(documentDueAt(requestedAt, 3, 'Asia/Shanghai').toISOString());
    // Sent again after a lost answer: stored and audited once.
    const again = await ask(customer, { id: contractRequest, kind: 'loan_contract', note: '2024年签订的借款合同全文' });
    expect(again.body.requests).toHaveLength(1);
    expect((await docAudit()).map((e) => [e.kind, e.data])).toEqual([
      [
        'documents.requested',
        { requestId: contractRequest, kind: 'loan_contract', dueAt: made!.dueAt, status: 'submitted' },
      ],
    ]);
    expect(JSON.stringify(await t.server.audit.all(filed.caseId))).not.toContain('借款合同全文');
    const progress = await call<CaseProgress>('GET', `/api/cases/${filed.caseId}/progress`, customer);
    expect(progress.body.timeline.at(-1)).toMatchObject({ by: 'customer', note: null, event: 'documents_requested' });
    feeRequest = randomUUID();
    expect((await ask(customer, { id: feeRequest, kind: 'fee_list' })).status).toBe(201);
  });

  it("staff see open requests: the case's lender and the centre, not another lender; not the customer", async () => {
    const open = async (who: Who) =>
      (await call<OpenDocumentRequest[]>('GET', '/api/document-requests/open', tokens[who])).body;
    for (const who of ['lenderA', 'reviewer', 'admin'] as const) {
      const mine = (await open(who)).filter((r) => r.caseId === filed.caseId);
      expect(mine.map((r) => r.requestId).sort()).toEqual([contractRequest, feeRequest].sort());
      expect(mine[0]).toMatchObject({ caseNumber: filed.caseNumber, overdue: false });
    }
    expect(await open('lenderB')).toEqual([]);
    expect((await call('GET', '/api/document-requests/open', customer)).status).toBe(403);
  });

  it('bad input is refused and nothing is stored: strangers, other lenders, the customer answering, wrong files', async () => {
    const before = await t.server.store.listDocumentRequests(filed.caseId);
    const auditBefore = (await t.server.audit.all(filed.caseId)).length;
    const filesBefore = storedFiles();
    // Reading: not another customer, another lender's staff, another mediator, nobody signed in.
    for (const token of [stranger.token, tokens.lenderB, tokens.otherMediator]) {
      expect((await list(token)).status).toBe(403);
    }
    expect((await list(undefined)).status).toBe(401);
    // Asking: the case's own customer only, refused before the body is read.
    for (const token of [stranger.token, tokens.lenderA, tokens.reviewer, tokens.mediator]) {
      expect((await ask(token, { id: randomUUID(), kind: 'fee_list' })).status).toBe(403);
    }
    expect((await ask(tokens.lenderA, {})).body.error.reason).toBe('documents.customerOnly');
    // A request for a case the customer is not party to.
    expect((await ask(customer, { id: randomUUID(), kind: 'fee_list' }, stranger.caseId)).status).toBe(403);
    // A bad body names the field.
    for (const [body, path] of [
      [{ id: randomUUID(), kind: 'passport' }, 'kind'],
      [{ id: randomUUID(), kind: 'other' }, 'note'],
      [{ id: randomUUID(), kind: 'fee_list', note: '费'.repeat(501) }, 'note'],
      [{ id: 'x', kind: 'fee_list' }, 'id'],
    ] as const) {
      const res = await ask(customer, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain(path);
    }
    // Answering: the case's lender's staff and the centre only.
    for (const token of [customer, tokens.lenderB, tokens.mediator, stranger.token]) {
      expect((await provide(token, contractRequest, [{ name: '合同.pdf', data: pdf() }])).status).toBe(403);
      expect((await decline(token, contractRequest, { reason: '该文件无法提供，原因如下。' })).status).toBe(403);
    }
    expect((await provide(customer, contractRequest, [{ name: 'a.pdf', data: pdf() }])).body.error.reason).toBe(
      'documents.answerersOnly',
    );
    // A file that is not a PDF, JPEG or PNG (whatever its name), none at all, a request of another case.
    const wrong = await provide(tokens.lenderA, contractRequest, [
      { name: '合同.pdf', data: pdf() },
      { name: '合同.pdf', data: Buffer.from('MZ\x90\x00 not a pdf at all', 'latin1') },
    ]);
    expect(wrong).toMatchObject({ status: 400, body: { error: { reason: 'evidence.wrongType' } } });
    expect((await provide(tokens.lenderA, contractRequest, [])).body.error.reason).toBe('documents.none');
    expect((await provide(tokens.lenderA, randomUUID(), [{ name: 'a.pdf', data: pdf() }])).status).toBe(404);
    expect((await decline(tokens.lenderA, contractRequest, { reason: '太短' })).status).toBe(400);
    expect(await t.server.store.listDocumentRequests(filed.caseId)).toEqual(before);
    expect((await t.server.audit.all(filed.caseId)).length).toBe(auditBefore);
    expect(storedFiles()).toEqual(filesBefore);
  });

  it('the lender answers with a PDF: evidence linked to the request, encrypted on disk, downloadable by the customer', async () => {
    const filesBefore = storedFiles().length;
    const res = await provide(tokens.lenderA, contractRequest, [
      { name: '借款合同.pdf', data: pdf('Full loan contract HT-2025-0042 text') },
      { name: '签字页.png', data: png },
    ]);
    expect(res.status).toBe(201);
    const answered = res.body.requests.find((r) => r.id === contractRequest);
    expect(answered).toMatchObject({
      status: 'provided',
      overdue: false,
      answeredBy: { role: 'lender', name: '李经理' },
      reason: null,
    });
    const byName = [...(answered?.documents ?? [])].sort((a, b) => a.type.localeCompare(b.type));
    expect(byName.map((d) => [d.name, d.type, d.requestId, d.shownTo])).toEqual([
      ['借款合同.pdf', 'application/pdf', contractRequest, 'both'],
      ['签字页.png', 'image/png', contractRequest, 'both'],
    ]);
    const stored = storedFiles();
    expect(stored).toHaveLength(filesBefore + 2);
    for (const name of stored) {
      const bytes = readFileSync(join(t.dataDir, 'evidence', filed.caseId, name));
      expect(bytes.includes(Buffer.from('Full loan contract'))).toBe(false);
    }
    // The customer sees it, and downloads the very file.
    const seen = (await list(customer)).body.requests.find((r) => r.id === contractRequest);
    expect(seen?.documents).toHaveLength(2);
    const contract = seen?.documents.find((d) => d.type === 'application/pdf');
    const download = await fetch(`${t.url}/api/cases/${filed.caseId}/evidence/${contract?.id}`, {
      headers: { authorization: `Bearer ${customer}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf('Full loan contract HT-2025-0042 text'))).toBe(true);
    const entry = (await docAudit()).find((e) => e.kind === 'documents.provided');
    expect(entry?.data).toEqual({
      requestId: contractRequest,
      kind: 'loan_contract',
      role: 'lender',
      evidenceIds: answered?.documents.map((d) => d.id),
      status: 'submitted',
    });
    const progress = await call<CaseProgress>('GET', `/api/cases/${filed.caseId}/progress`, customer);
    expect(progress.body.timeline.at(-1)).toMatchObject({ by: 'staff', event: 'documents_provided' });
  });

  it('a second answer is refused and stores nothing; a decline shows its reason (the centre answers too)', async () => {
    const filesBefore = storedFiles();
    const again = await provide(tokens.reviewer, contractRequest, [{ name: 'again.pdf', data: pdf() }]);
    expect(again).toMatchObject({ status: 409, body: { error: { reason: 'documents.answered' } } });
    expect((await decline(tokens.lenderA, contractRequest, { reason: '已经提供过了，请查看附件。' })).status).toBe(409);
    expect(storedFiles()).toEqual(filesBefore);
    const res = await decline(tokens.reviewer, feeRequest, { reason: '该费用清单已包含在合同附件三中，请查阅。' });
    expect(res.status).toBe(200);
    const seen = (await list(customer)).body.requests.find((r) => r.id === feeRequest);
    expect(seen).toMatchObject({
      status: 'declined',
      reason: '该费用清单已包含在合同附件三中，请查阅。',
      answeredBy: { role: 'centre', name: 'reviewer 名' },
      documents: [],
    });
    const history = await call<CaseHistoryEntry[]>('GET', `/api/cases/${filed.caseId}/history`, tokens.reviewer);
    expect(history.body.filter((e) => e.kind === 'documents').map((e) => e.kind === 'documents' && e.step)).toEqual([
      'requested',
      'requested',
      'provided',
      'declined',
    ]);
    const entry = (await docAudit()).find((e) => e.kind === 'documents.declined');
    expect(entry?.data).toEqual({ requestId: feeRequest, kind: 'fee_list', role: 'centre', status: 'submitted' });
    expect(JSON.stringify(await t.server.audit.all(filed.caseId))).not.toContain('附件三');
    expect(((await list(tokens.mediator)).body as DocumentRequestList).requests).toHaveLength(2);
    const open = await call<OpenDocumentRequest[]>('GET', '/api/document-requests/open', tokens.lenderA);
    expect(open.body.filter((r) => r.caseId === filed.caseId)).toEqual([]);
  });

  it('a request past its due date is overdue: to the customer, the mediator, the staff list and the figures', async () => {
    const late = randomUUID();
    // Made eight days ago (the store takes what the service would have written then): no sleeping.
    const requestedAt = new Date(Date.now() - 8 * 86_400_000);
    await t.server.store.addDocumentRequest({
      id: late,
      caseId: filed.caseId,
      kind: 'transaction_records',
      note: '',
      requestedBy: 'someone',
      requestedAt: requestedAt.toISOString(),
      dueAt: documentDueAt(requestedAt, 3, 'Asia/Shanghai').toISOString(),
    });
    for (const token of [customer, tokens.mediator, tokens.lenderA]) {
      const r = (await list(token)).body.requests.find((x) => x.id === late);
      expect(r).toMatchObject({ status: 'open', overdue: true });
    }
    const open = await call<OpenDocumentRequest[]>('GET', '/api/document-requests/open', tokens.lenderA);
    expect(open.body.find((r) => r.requestId === late)).toMatchObject({ overdue: true });
    // Answered after its due date: counted as late.
    const lateTwo = randomUUID();
    await t.server.store.addDocumentRequest({
      id: lateTwo,
      caseId: filed.caseId,
      kind: 'repayment_schedule',
      note: '',
      requestedBy: 'someone',
      requestedAt: requestedAt.toISOString(),
      dueAt: documentDueAt(requestedAt, 3, 'Asia/Shanghai').toISOString(),
    });
    expect((await provide(tokens.lenderA, lateTwo, [{ name: '还款计划.pdf', data: pdf() }])).status).toBe(201);
    const figures = await call<DashboardFigures>('GET', '/api/dashboard', tokens.admin);
    expect(figures.status).toBe(200);
    expect(figures.body.documents).toEqual({
      requested: 4,
      provided: 2,
      declined: 1,
      answeredLate: 1,
      open: 1,
      overdue: 1,
    });
    const theirs = await call<DashboardFigures>('GET', '/api/dashboard', tokens.lenderB);
    expect(theirs.body.documents.requested).toBe(0);
  });

  it('a closed case takes no more requests or answers', async () => {
    await t.server.store.updateCase(stranger.caseId, { status: 'withdrawn' });
    const res = await ask(stranger.token, { id: randomUUID(), kind: 'fee_list' }, stranger.caseId);
    expect(res).toMatchObject({ status: 409, body: { error: { reason: 'documents.closed' } } });
    expect((await list(stranger.token, stranger.caseId)).body.mayRequest).toBe(false);
  });
});

/**
 * Live: a request made or answered reaches the room's members as a content-free `documents:changed`
 * (each then reads what their side may see) and the customer's tracking socket as its progress, whose
 * timeline has the step. The lender's representative in the room (a guest of the case) reads the list.
 */
describe('document requests, live', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('the room and the tracking page hear of a request and of its answer', async () => {
    const c = await t.createCase('Documents live');
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const platform = await connectRoom(t.url, c.tokens.platform, c.caseId);
    const nudges: { who: string; caseId: string }[] = [];
    mediator.socket.on('documents:changed', (e) => nudges.push({ who: 'mediator', ...e }));
    platform.socket.on('documents:changed', (e) => nudges.push({ who: 'platform', ...e }));
    const track = io(`${t.url}/track`, {
      transports: ['websocket'],
      auth: { token: c.tokens.customer, caseId: c.caseId },
      reconnection: false,
    });
    sockets.push(track, mediator.socket, platform.socket);
    const progress: CaseProgress[] = [];
    track.on('case:progress', (p: CaseProgress) => progress.push(p));
    await waitFor(() => track.connected, 'the tracking socket to connect');

    const id = randomUUID();
    const asked = await call<Reply>('POST', `/api/cases/${c.caseId}/document-requests`, c.tokens.customer, {
      id,
      kind: 'repayment_schedule',
    });
    expect(asked.status).toBe(201);
    await waitFor(() => nudges.length >= 2, 'documents:changed in the room');
    expect(nudges.sort((a, b) => a.who.localeCompare(b.who))).toEqual([
      { who: 'mediator', caseId: c.caseId },
      { who: 'platform', caseId: c.caseId },
    ]);
    await waitFor(
      () => progress.some((p) => p.timeline.at(-1)?.event === 'documents_requested'),
      'the request on the tracking socket',
    );
    const seen = await call<Reply>('GET', `/api/cases/${c.caseId}/document-requests`, c.tokens.platform);
    expect(seen.body).toMatchObject({ mayRequest: false, mayAnswer: false, requests: [{ id, status: 'open' }] });

    const made = await staffAccounts(t, 'live', { reviewer: ['reviewer', undefined, '审核员'] });
    const declined = await call<Reply>(
      'POST',
      `/api/cases/${c.caseId}/document-requests/${id}/decline`,
      made.tokens.reviewer,
      { reason: '本案借款尚未放款，没有还款计划表。' },
    );
    expect(declined.status).toBe(200);
    await waitFor(() => nudges.length >= 4, 'documents:changed for the answer');
    await waitFor(
      () => progress.some((p) => p.timeline.at(-1)?.event === 'documents_declined'),
      'the answer on the tracking socket',
    );
    const customerSees = await call<Reply>('GET', `/api/cases/${c.caseId}/document-requests`, c.tokens.customer);
    expect(customerSees.body.requests[0]).toMatchObject({
      status: 'declined',
      reason: '本案借款尚未放款，没有还款计划表。',
    });
  });
});
