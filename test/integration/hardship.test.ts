import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CaseExport,
  CaseHistoryEntry,
  ErrorBody,
  EvidenceView,
  HardshipView,
  IntakeResult,
  LenderAdminView,
  PlanPolicyView,
  RoomInviteResult,
} from '@accord/shared';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { form, pdf, png } from '../helpers/files';
import { staffAccounts, fileComplaint as fileComplaintAt } from '../helpers/cases';
import { httpClient } from '../helpers/http';
import { acceptInvite, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

type Who = 'admin' | 'reviewer' | 'mediator' | 'lenderA' | 'lenderB';

/**
 * The customer's hardship (issue 18): declared with proof files before the session and changed
 * during it, seen by the mediator and the lender's staff (live in the room), by no one else; every
 * bad declaration refused with the problem named and nothing stored; part of the export. And each
 * lender's repayment-plan limits, set by an admin and read by the case's people.
 */
describe('hardship declaration and lender plan policy', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;
  let lenderA: string;
  let lenderB: string;
  let filed: IntakeResult;
  let customer: string;
  let other: { caseId: string; token: string; evidenceId: string };
  let proofs: EvidenceView[];
  const rooms: RoomClient[] = [];

  const hardship = (token: string | undefined, caseId = filed.caseId) =>
    call<HardshipView | null>('GET', `/api/cases/${caseId}/hardship`, token);
  const declare = (token: string, body: unknown, caseId = filed.caseId) =>
    call<HardshipView & { error: ErrorBody }>('PUT', `/api/cases/${caseId}/hardship`, token, body);
  const fileComplaint = (lenderId: string) => fileComplaintAt(t.url, lenderId);
  const upload = async (caseId: string, token: string, files: { name: string; data: Buffer }[]) => {
    const res = await call<EvidenceView[]>('POST', `/api/cases/${caseId}/evidence`, token, form({}, files));
    expect(res.status).toBe(201);
    return res.body;
  };
  const hardshipEntries = async (caseId: string) =>
    (await t.server.audit.all(caseId)).filter((e) => e.kind.startsWith('hardship.'));

  beforeAll(async () => {
    t = await startServer();
    lenderA = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    lenderB = (await t.server.accounts.createLender(null, '乙银行')).id;
    const roles: Record<Who, ['admin' | 'reviewer' | 'mediator' | 'platform', string | undefined]> = {
      admin: ['admin', undefined],
      reviewer: ['reviewer', undefined],
      mediator: ['mediator', undefined],
      lenderA: ['platform', lenderA],
      lenderB: ['platform', lenderB],
    };
    const made = await staffAccounts(t, 'hardship', roles);
    Object.assign(ids, made.ids);
    Object.assign(tokens, made.tokens);
    const mine = await fileComplaint(lenderA);
    filed = mine.filed;
    customer = mine.token;
    const theirs = await fileComplaint(lenderA);
    const [theirFile] = await upload(theirs.filed.caseId, theirs.token, [{ name: '别人的.png', data: png }]);
    other = { caseId: theirs.filed.caseId, token: theirs.token, evidenceId: theirFile?.id ?? '' };
  });
  afterAll(async () => {
    for (const r of rooms) r.close();
    await t.close();
  });

  it('the customer declares a hardship with proof before the session; the audit keeps its kind, not the words', async () => {
    proofs = await upload(filed.caseId, customer, [
      { name: '解除劳动合同证明.pdf', data: pdf('Termination notice') },
      { name: '失业登记.png', data: png },
    ]);
    expect(await hardship(customer)).toMatchObject({ status: 200, body: null });
    const res = await declare(customer, {
      kind: 'job_loss',
      since: '2026-09-30',
      description: '  公司裁员，我于九月底失业，目前没有收入来源。  ',
      evidenceIds: proofs.map((p) => p.id),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'job_loss',
      since: '2026-09-30',
      // Trimmed (and NFC).
      description: '公司裁员，我于九月底失业，目前没有收入来源。',
      proofs: proofs.map((p) => ({ id: p.id, name: p.name, type: p.type, size: p.size, sha256: p.sha256 })),
      declaredBy: { role: 'customer' },
    });
    expect(res.body.declaredAt).toBe(res.body.updatedAt);
    expect(await hardship(customer)).toMatchObject({ status: 200, body: res.body });
    const entries = await hardshipEntries(filed.caseId);
    expect(entries.map((e) => [e.kind, (e.data as { detail: unknown }).detail])).toEqual([
      ['hardship.declared', { kind: 'job_loss' }],
    ]);
    expect(JSON.stringify(entries)).not.toContain('裁员');
  });

  it("the case's lender staff and reviewers see it; another lender's staff, another customer and strangers do not", async () => {
    for (const who of ['lenderA', 'reviewer', 'admin'] as const) {
      const res = await hardship(tokens[who]);
      expect(res.status, who).toBe(200);
      expect(res.body?.kind, who).toBe('job_loss');
    }
    // The mediator is not assigned yet: not theirs to see.
    for (const token of [tokens.lenderB, tokens.mediator, other.token]) {
      const res = await call<{ error: ErrorBody }>('GET', `/api/cases/${filed.caseId}/hardship`, token);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await hardship(undefined)).status).toBe(401);
  });

  it('bad declarations are refused with the problem named, and nothing is stored', async () => {
    const before = (await hardship(customer)).body;
    const good = {
      kind: 'illness',
      since: null,
      description: '住院治疗三个月，无法工作。',
      evidenceIds: [proofs[0]?.id],
    };
    const cases: [string, string, unknown, Partial<ErrorBody>, string?][] = [
      ['unknown kind', customer, { ...good, kind: 'bankruptcy' }, { code: 'VALIDATION_FAILED' }, 'kind'],
      ['too short', customer, { ...good, description: '  没钱了  ' }, { code: 'VALIDATION_FAILED' }, 'description'],
      ['no proof', customer, { ...good, evidenceIds: [] }, { code: 'VALIDATION_FAILED' }, 'evidenceIds'],
      ['a future date', customer, { ...good, since: '2999-01-01' }, { code: 'VALIDATION_FAILED' }, 'since'],
      ['the same proof twice', customer, { ...good, evidenceIds: [proofs[0]?.id, proofs[0]?.id] }, {}, 'evidenceIds'],
      ['an unknown field', customer, { ...good, amountCents: 5 }, { code: 'VALIDATION_FAILED' }],
      [
        "another case's file",
        customer,
        { ...good, evidenceIds: [proofs[0]?.id, other.evidenceId] },
        { code: 'VALIDATION_FAILED', reason: 'hardship.proofNotInCase', params: { evidenceId: other.evidenceId } },
        'evidenceIds.1',
      ],
      [
        'a file that does not exist',
        customer,
        { ...good, evidenceIds: ['00000000-0000-4000-8000-000000000000'] },
        { reason: 'hardship.proofNotInCase' },
      ],
      ['the lender declaring', tokens.lenderA, good, { code: 'FORBIDDEN', reason: 'hardship.customerOnly' }],
      ['a reviewer declaring', tokens.reviewer, good, { code: 'FORBIDDEN', reason: 'hardship.customerOnly' }],
      ['another customer', other.token, good, { code: 'FORBIDDEN' }],
    ];
    for (const [what, token, body, error, path] of cases) {
      const res = await declare(token, body);
      expect(res.status, what).toBe(error.code === 'FORBIDDEN' ? 403 : 400);
      expect(res.body.error, what).toMatchObject({ code: 'VALIDATION_FAILED', ...error });
      if (path) expect(res.body.error.issues?.map((i) => i.path) ?? [], what).toContain(path);
    }
    // Someone who may not declare is refused before the body is looked at.
    expect((await declare(tokens.lenderA, { nonsense: true })).body.error.reason).toBe('hardship.customerOnly');
    expect((await hardship(customer)).body).toEqual(before);
    expect(await hardshipEntries(filed.caseId)).toHaveLength(1);
  });

  it('during the session the customer changes it from the room; the mediator and the lender rep learn of it live', async () => {
    const c = filed.caseId;
    expect((await call('POST', `/api/cases/${c}/review`, tokens.reviewer, { decision: 'start' })).status).toBe(200);
    const accepted = await call('POST', `/api/cases/${c}/review`, tokens.reviewer, {
      decision: 'accept',
      platformUserId: ids.lenderA,
    });
    expect(accepted.status).toBe(200);
    expect((await call('POST', `/api/cases/${c}/assign`, tokens.admin, { mediatorUserId: ids.mediator })).status).toBe(
      200,
    );
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().slice(0, 16) + ':00';
    expect(
      (await call('POST', `/api/cases/${c}/schedule`, tokens.mediator, { startsAt, timeZone: 'Asia/Shanghai' })).status,
    ).toBe(200);
    // Assigned now: the mediator sees it.
    expect((await hardship(tokens.mediator)).body?.kind).toBe('job_loss');

    const mediator = await connectRoom(t.url, tokens.mediator, c);
    rooms.push(mediator);
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'opening' })).ok).toBe(true);
    // The lender's representative waits in the lobby until the mediator lets them in.
    const lender = await connectRoom(t.url, tokens.lenderA, c, { waitFor: 'lobby' });
    rooms.push(lender);
    expect((await mediator.socket.emitWithAck('lobby:admit', { userId: ids.lenderA })).ok).toBe(true);
    await waitFor(() => lender.welcomes.length > 0, 'the lender rep admitted');
    expect((await t.server.store.getCase(c))?.status).toBe('in_mediation');

    // The customer in the room is signed in through the room's invite, not the tracking link.
    const invite = await call<RoomInviteResult>('GET', `/api/cases/${c}/room-invite`, customer);
    const inRoom = (await acceptInvite(t.url, invite.body.url)).token;
    const first = (await hardship(inRoom)).body;
    const changed = await declare(inRoom, {
      kind: 'illness',
      since: null,
      description: '失业后又确诊慢性病，需要长期治疗，医疗支出很大。',
      evidenceIds: [proofs[1]?.id],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ kind: 'illness', since: null, declaredAt: first?.declaredAt });
    expect(changed.body.proofs.map((p) => p.id)).toEqual([proofs[1]?.id]);
    expect(changed.body.updatedAt >= changed.body.declaredAt).toBe(true);

    for (const [who, room] of [
      ['mediator', mediator],
      ['lender', lender],
    ] as const) {
      const seen = await waitFor(
        () => room.activity.find((a) => a.kind === 'hardship.updated'),
        `${who} is told of the change`,
      );
      expect(seen, who).toMatchObject({ actor: { role: 'customer' }, detail: { kind: 'illness' } });
      expect(JSON.stringify(seen)).not.toContain('慢性病');
    }
    for (const who of ['mediator', 'lenderA'] as const) {
      expect((await hardship(tokens[who])).body, who).toMatchObject({
        kind: 'illness',
        description: changed.body.description,
      });
    }
    expect((await hardshipEntries(c)).map((e) => e.kind)).toEqual(['hardship.declared', 'hardship.updated']);
    // The staff history lists both, by kind.
    const history = await call<CaseHistoryEntry[]>('GET', `/api/cases/${c}/history`, tokens.lenderA);
    expect(history.body.filter((e) => e.kind === 'hardship')).toMatchObject([
      { hardship: 'job_loss', changed: false },
      { hardship: 'illness', changed: true },
    ]);
    // The mediator still may not declare for the customer.
    const byMediator = await declare(tokens.mediator, { ...changed.body, evidenceIds: [proofs[0]?.id] });
    expect(byMediator.body.error).toMatchObject({ code: 'FORBIDDEN', reason: 'hardship.customerOnly' });
  });

  it("the customer's export carries the declaration; the sealed record's summary names the proofs by hash", async () => {
    const res = await call<CaseExport>('GET', `/api/cases/${filed.caseId}/export`, customer);
    expect(res.status).toBe(200);
    expect(res.body.hardship).toMatchObject({
      kind: 'illness',
      proofs: [{ id: proofs[1]?.id, sha256: proofs[1]?.sha256 }],
    });
    // Every proof is among the exported documents.
    expect(res.body.documents.map((d) => d.sha256)).toContain(proofs[1]?.sha256);
    expect(await t.server.hardship.sealedSummary(filed.caseId)).toEqual({
      kind: 'illness',
      declaredAt: res.body.hardship?.declaredAt,
      proofs: [{ name: proofs[1]?.name, sha256: proofs[1]?.sha256 }],
    });
    expect(await t.server.hardship.sealedSummary(other.caseId)).toBeNull();
  });

  it('a concluded case takes no declaration', async () => {
    const withdrawn = await call('POST', `/api/cases/${other.caseId}/withdraw`, other.token, {});
    expect(withdrawn.status).toBe(200);
    const res = await declare(
      other.token,
      { kind: 'other', since: null, description: '家中突发变故，收入中断。', evidenceIds: [other.evidenceId] },
      other.caseId,
    );
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ reason: 'hardship.caseConcluded', params: { status: 'withdrawn' } });
    expect((await hardship(other.token, other.caseId)).body).toBeNull();
  });

  it('an admin sets a lender’s plan policy (recorded); others are refused; bad values are named; the case’s people read it', async () => {
    const policy = { maxInstalments: 24, maxWaiverCents: 50_000, maxHolidayMonths: 3 };
    const path = `/api/lenders/${lenderA}/plan-policy`;
    const planPolicy = (token: string) =>
      call<PlanPolicyView & { error: ErrorBody }>('GET', `/api/cases/${filed.caseId}/plan-policy`, token);
    expect((await planPolicy(customer)).body).toEqual({ lenderName: '甲消费金融', policy: null });

    for (const token of [tokens.lenderA, tokens.reviewer, tokens.mediator, customer]) {
      const res = await call<{ error: ErrorBody }>('PUT', path, token, { policy });
      expect(res.status).toBe(403);
    }
    for (const [bad, field] of [
      [{ ...policy, maxInstalments: 0 }, 'policy.maxInstalments'],
      [{ ...policy, maxWaiverCents: -1 }, 'policy.maxWaiverCents'],
      [{ ...policy, maxWaiverCents: 12.5 }, 'policy.maxWaiverCents'],
      [{ ...policy, maxHolidayMonths: 99 }, 'policy.maxHolidayMonths'],
      [{ maxInstalments: 12 }, 'policy.maxWaiverCents'],
      [{ ...policy, maxRate: 24 }, 'policy'],
    ] as const) {
      const res = await call<{ error: ErrorBody }>('PUT', path, tokens.admin, { policy: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(
        res.body.error.issues?.map((i) => i.path),
        JSON.stringify(bad),
      ).toContain(field);
    }
    expect((await t.server.store.getLender(lenderA))?.planPolicy).toBeNull();
    const unknown = await call<{ error: ErrorBody }>(
      'PUT',
      '/api/lenders/00000000-0000-4000-8000-000000000000/plan-policy',
      tokens.admin,
      { policy },
    );
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', reason: 'accounts.noSuchLender' });

    const set = await call<LenderAdminView>('PUT', path, tokens.admin, { policy });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ id: lenderA, name: '甲消费金融', planPolicy: policy, documentDueDays: null });
    const listed = await call<LenderAdminView[]>('GET', '/api/admin/lenders', tokens.admin);
    expect(listed.body).toHaveLength(2);
    expect(listed.body).toContainEqual({ id: lenderA, name: '甲消费金融', planPolicy: policy, documentDueDays: null });
    expect(listed.body).toContainEqual({ id: lenderB, name: '乙银行', planPolicy: null, documentDueDays: null });
    expect((await call('GET', '/api/admin/lenders', tokens.lenderA)).status).toBe(403);
    // The public list of lenders (the complaint form) does not show the limits.
    const publicList = await call<Record<string, unknown>[]>('GET', '/api/lenders');
    expect(publicList.body.every((l) => !('planPolicy' in l))).toBe(true);
    const events = await t.server.store.listAccountEvents(lenderA);
    expect(events.at(-1)).toMatchObject({
      kind: 'lender.planPolicy',
      actorId: ids.admin,
      data: { from: null, to: policy },
    });

    for (const token of [customer, tokens.mediator, tokens.lenderA, tokens.reviewer]) {
      expect((await planPolicy(token)).body).toEqual({ lenderName: '甲消费金融', policy });
    }
    for (const token of [tokens.lenderB, other.token]) expect((await planPolicy(token)).status).toBe(403);

    const cleared = await call<LenderAdminView>('PUT', path, tokens.admin, { policy: null });
    expect(cleared.body.planPolicy).toBeNull();
    expect((await planPolicy(customer)).body.policy).toBeNull();
  });
});
