import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseExport, ErrorBody, IntakeResult, RoomInviteResult, SurveyView } from '@accord/shared';
import { verifyCaseAudit } from '../../server/src/audit/verify';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { staffAccounts, fileComplaint as fileComplaintAt } from '../helpers/cases';
import { httpClient } from '../helpers/http';
import { acceptInvite, createTestCase, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const COMMENT = '调解员很耐心，但等待时间有点长。独特标记-7Q';
const PLATFORM_COMMENT = 'Clear process; marker-K9';
// Whole markers: two letters alone turn up by chance in tokens and base64 (a flaky pass or failure).
const MARKERS = ['独特标记-7Q', 'marker-K9'];

type Who = 'admin' | 'reviewer' | 'mediator' | 'rep' | 'colleague';

/**
 * The survey after the session (issue 19): open only once the session is over, to the case's two parties
 * only, once each; bad answers refused with the field named and nothing stored; the answers kept apart
 * from who gave them, never in the audit, a broadcast or any answer of the API.
 */
describe('the anonymous survey after the session', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;
  let filed: IntakeResult;
  let customer: string;
  let customerInRoom: string;
  let other: { caseId: string; token: string };
  let watcher: RoomClient;
  const frames: string[] = [];

  const view = (token: string, caseId = filed.caseId) =>
    call<SurveyView & { error: ErrorBody }>('GET', `/api/cases/${caseId}/survey`, token);
  const answer = (token: string, body: unknown, caseId = filed.caseId) =>
    call<SurveyView & { error: ErrorBody }>('POST', `/api/cases/${caseId}/survey`, token, body);
  const good = { satisfaction: 4, heard: true, fair: true, again: false, comment: COMMENT };
  const responses = () => t.server.store.listSurveyResponses([filed.caseId]);

  const fileComplaint = (lenderId: string) => fileComplaintAt(t.url, lenderId);

  beforeAll(async () => {
    t = await startServer();
    const lender = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    const roles: Record<Who, ['admin' | 'reviewer' | 'mediator' | 'platform', string?]> = {
      admin: ['admin'],
      reviewer: ['reviewer'],
      mediator: ['mediator'],
      rep: ['platform', lender],
      colleague: ['platform', lender],
    };
    const made = await staffAccounts(t, 'survey', roles);
    Object.assign(ids, made.ids);
    Object.assign(tokens, made.tokens);
    const mine = await fileComplaint(lender);
    filed = mine.filed;
    customer = mine.token;
    const theirs = await fileComplaint(lender);
    other = { caseId: theirs.filed.caseId, token: theirs.token };
  });
  afterAll(async () => {
    watcher?.close();
    await t.close();
  });

  it('before the session nobody answers: the parties see it is not open yet', async () => {
    for (const token of [customer, other.token]) {
      const caseId = token === customer ? filed.caseId : other.caseId;
      expect(await view(token, caseId)).toMatchObject({ status: 200, body: { state: 'not_yet', role: 'customer' } });
      const early = await answer(token, good, caseId);
      expect(early.status).toBe(409);
      expect(early.body.error).toMatchObject({ code: 'PHASE_RULES', reason: 'survey.notYet' });
    }
    // Withdrawn before any room opened: there was no session to ask about.
    expect((await call('POST', `/api/cases/${other.caseId}/withdraw`, other.token, {})).status).toBe(200);
    expect((await view(other.token, other.caseId)).body.state).toBe('not_yet');

    const c = filed.caseId;
    expect((await call('POST', `/api/cases/${c}/review`, tokens.reviewer, { decision: 'start' })).status).toBe(200);
    const accepted = await call('POST', `/api/cases/${c}/review`, tokens.reviewer, {
      decision: 'accept',
      platformUserId: ids.rep,
    });
    expect(accepted.status).toBe(200);
    expect((await call('POST', `/api/cases/${c}/assign`, tokens.admin, { mediatorUserId: ids.mediator })).status).toBe(
      200,
    );
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().slice(0, 16) + ':00';
    const scheduled = await call('POST', `/api/cases/${c}/schedule`, tokens.mediator, {
      startsAt,
      timeZone: 'Asia/Shanghai',
    });
    expect(scheduled.status).toBe(200);
    expect(await view(tokens.rep)).toMatchObject({ status: 200, body: { state: 'not_yet', role: 'platform' } });

    watcher = await connectRoom(t.url, tokens.mediator, c);
    // Everything the room sends the mediator from now on, to look for answers in it at the end.
    watcher.socket.onAny((event: string, ...args: unknown[]) => frames.push(JSON.stringify([event, ...args])));
    expect((await watcher.socket.emitWithAck('room:phase', { phase: 'opening' })).ok).toBe(true);
    const invite = await call<RoomInviteResult>('GET', `/api/cases/${c}/room-invite`, customer);
    customerInRoom = (await acceptInvite(t.url, invite.body.url)).token;
    expect((await t.server.store.getCase(c))?.status).toBe('in_mediation');
    // During the session: still not open.
    for (const token of [customer, customerInRoom, tokens.rep]) {
      expect((await view(token)).body.state).toBe('not_yet');
      expect((await answer(token, good)).body.error.reason).toBe('survey.notYet');
    }
    expect(await responses()).toEqual([]);
  });

  it('once the mediation ends without settlement, the survey opens to both parties, and only to them', async () => {
    const sealed = await watcher.socket.emitWithAck('outcome:seal', {
      outcome: 'not_settled',
      reason: '双方未达成一致。',
    });
    expect(sealed.ok).toBe(true);
    await waitFor(async () => (await t.server.store.getCase(filed.caseId))?.status === 'not_settled', 'not settled');
    expect(await view(customer)).toMatchObject({ status: 200, body: { state: 'open', role: 'customer' } });
    expect(await view(customerInRoom)).toMatchObject({ status: 200, body: { state: 'open', role: 'customer' } });
    expect(await view(tokens.rep)).toMatchObject({ status: 200, body: { state: 'open', role: 'platform' } });

    // The mediator (not a party), staff who are not the case's representative, another case's customer.
    for (const [who, token] of [
      ['mediator', tokens.mediator],
      ['reviewer', tokens.reviewer],
      ['admin', tokens.admin],
      ["the lender's other staff", tokens.colleague],
      ["another case's customer", other.token],
    ] as const) {
      const read = await view(token);
      expect(read.status, who).toBe(403);
      expect(read.body.error, who).toMatchObject({ code: 'FORBIDDEN', reason: 'survey.partiesOnly' });
      // Refused before the body is looked at: a stranger learns nothing of what a valid answer is.
      for (const body of [good, { nonsense: true }]) {
        const res = await answer(token, body);
        expect(res.body.error, who).toMatchObject({ code: 'FORBIDDEN', reason: 'survey.partiesOnly' });
      }
    }
    // A tracking session reaches its own case only.
    expect((await view(customer, other.caseId)).body.error.reason).toBe('survey.partiesOnly');
    expect((await view(customer, '00000000-0000-4000-8000-000000000000')).body.error.code).toBe('NOT_FOUND');
    expect((await call('GET', `/api/cases/${filed.caseId}/survey`)).status).toBe(401);
    expect(await responses()).toEqual([]);
  });

  it('bad answers are refused with the field named, and nothing is stored', async () => {
    const cases: [string, unknown, string][] = [
      ['satisfaction above 5', { ...good, satisfaction: 6 }, 'satisfaction'],
      ['satisfaction 0', { ...good, satisfaction: 0 }, 'satisfaction'],
      ['satisfaction not whole', { ...good, satisfaction: 3.5 }, 'satisfaction'],
      ['satisfaction as text', { ...good, satisfaction: '5' }, 'satisfaction'],
      ['heard missing', { satisfaction: 3, fair: true, again: true, comment: '' }, 'heard'],
      ['fair as text', { ...good, fair: 'yes' }, 'fair'],
      ['comment too long', { ...good, comment: '长'.repeat(1001) }, 'comment'],
      ['a key of its own', { ...good, userId: ids.rep }, ''],
    ];
    for (const [what, body, field] of cases) {
      const res = await answer(customer, body);
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('VALIDATION_FAILED');
      expect(res.body.error.message, what).toMatch(/survey answers/);
      if (field)
        expect(
          res.body.error.issues?.map((i) => i.path),
          what,
        ).toContain(field);
      else expect(res.body.error.message, what).toMatch(/userId/);
    }
    expect((await call('POST', `/api/cases/${filed.caseId}/survey`, customer)).status).toBe(400);
    expect(await responses()).toEqual([]);
    expect(await t.server.store.hasAnsweredSurvey(filed.caseId, ids.rep)).toBe(false);
    expect((await view(customer)).body.state).toBe('open');
  });

  it('each party answers once; a second answer, from any of their sessions or at the same moment, is refused', async () => {
    const first = await answer(customer, { ...good, comment: `  ${COMMENT}  ` });
    expect(first).toMatchObject({ status: 201, body: { state: 'answered', role: 'customer' } });
    // The same person through the room's invite: answered already.
    expect((await view(customerInRoom)).body.state).toBe('answered');
    for (const token of [customer, customerInRoom]) {
      const again = await answer(token, { ...good, satisfaction: 1 });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'CONFLICT', reason: 'survey.alreadyAnswered' });
    }
    // The lender's representative, twice at once (two tabs): one is taken.
    const both = await Promise.all(
      [1, 2].map(() =>
        answer(tokens.rep, { satisfaction: 2, heard: false, fair: true, again: true, comment: PLATFORM_COMMENT }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await view(tokens.rep)).body).toEqual({ state: 'answered', role: 'platform' });
    expect(await responses()).toHaveLength(2);
  });

  it('the store has the answers with their role and day, and nothing that names who gave them', async () => {
    const stored = await responses();
    const today = new Date().toISOString().slice(0, 10);
    expect(stored.sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        caseId: filed.caseId,
        role: 'customer',
        day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        satisfaction: 4,
        heard: true,
        fair: true,
        again: false,
        // Trimmed.
        comment: COMMENT,
      },
      {
        id: expect.any(String),
        caseId: filed.caseId,
        role: 'platform',
        day: expect.any(String),
        satisfaction: 2,
        heard: false,
        fair: true,
        again: true,
        comment: PLATFORM_COMMENT,
      },
    ]);
    // Today in UTC (or, across midnight, yesterday).
    expect([today, new Date(Date.now() - 60_000).toISOString().slice(0, 10)]).toContain(stored[0]?.day);
    const flat = JSON.stringify(stored);
    const customerId = (await t.server.store.getCase(filed.caseId))?.customerId ?? '';
    for (const id of [customerId, ids.rep]) expect(flat).not.toContain(id);
    expect(await t.server.store.hasAnsweredSurvey(filed.caseId, customerId)).toBe(true);
    expect(await t.server.store.hasAnsweredSurvey(filed.caseId, ids.rep)).toBe(true);
    expect(await t.server.store.hasAnsweredSurvey(filed.caseId, ids.mediator)).toBe(false);
  });

  it('the audit says who answered, never what; no broadcast and no answer of the API carries the answers', async () => {
    const audit = await t.server.audit.all(filed.caseId);
    const answered = audit.filter((e) => e.kind === 'survey.answered');
    expect(answered.map((e) => [(e.data as { actor: { role: string } }).actor.role, e.data.detail])).toEqual([
      ['customer', {}],
      ['platform', {}],
    ]);
    // The chain, with the survey's entries in it, still checks end to end (what `accord audit verify` runs).
    expect((await verifyCaseAudit(t.server.store, filed.caseId))?.findings).toEqual([]);
    const log = JSON.stringify(audit);
    for (const marker of [...MARKERS, 'satisfaction', '调解员很耐心']) expect(log).not.toContain(marker);
    expect(frames.length).toBeGreaterThan(0);
    for (const marker of [...MARKERS, 'survey']) expect(frames.join('\n')).not.toContain(marker);

    const c = filed.caseId;
    const reads: [string, string][] = [
      [`/api/cases/${c}/survey`, customer],
      [`/api/cases/${c}/survey`, tokens.rep],
      [`/api/cases/${c}/progress`, customer],
      [`/api/cases/${c}/detail`, tokens.reviewer],
      [`/api/cases/${c}/history`, tokens.reviewer],
      [`/api/cases/${c}/history`, tokens.rep],
      [`/api/cases/${c}/history`, tokens.mediator],
      [`/api/cases/${c}/outcome`, tokens.mediator],
      [`/api/cases/${c}`, tokens.rep],
      [`/api/review/queue`, tokens.admin],
    ];
    for (const [path, token] of reads) {
      const res = await call<unknown>('GET', path, token);
      expect(res.status, path).toBe(200);
      const text = JSON.stringify(res.body);
      for (const marker of MARKERS) expect(text, path).not.toContain(marker);
    }
    // The customer's own export: not their answers either (they are no longer linked to them).
    const exported = await call<CaseExport>('GET', `/api/cases/${c}/export`, customer);
    expect(exported.status).toBe(200);
    for (const marker of MARKERS) expect(JSON.stringify(exported.body)).not.toContain(marker);
  });

  it('a purged case takes no more answers: its comments are gone and none may come after', async () => {
    const c = await createTestCase(t.server, t.url, { roles: ['customer', 'platform', 'mediator'] });
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const sealed = await mediator.socket.emitWithAck('outcome:seal', { outcome: 'withdrawn', reason: '申请人撤回。' });
    mediator.close();
    expect(sealed.ok).toBe(true);
    expect((await view(c.tokens.platform, c.caseId)).body.state).toBe('open');
    expect((await answer(c.tokens.platform, good, c.caseId)).status).toBe(201);
    await t.server.store.purgeCase(c.caseId, new Date().toISOString());
    expect((await view(c.tokens.customer, c.caseId)).body).toEqual({ state: 'closed', role: 'customer' });
    const late = await answer(c.tokens.customer, good, c.caseId);
    expect(late.body.error).toMatchObject({ code: 'PHASE_RULES', reason: 'survey.closed' });
    const left = await t.server.store.listSurveyResponses([c.caseId]);
    expect(left.map((r) => [r.role, r.satisfaction, r.comment])).toEqual([['platform', 4, '']]);
  });
});
