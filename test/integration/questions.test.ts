import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CaseExport,
  CaseHistoryEntry,
  CaseProgress,
  ErrorBody,
  IntakeResult,
  OpenQuestionCount,
  QuestionThread,
} from '@accord/shared';
import { SqliteStore } from '@accord/server';
import { complaint, form, pdf } from '../helpers/files';
import { STAFF_PASSWORD as PASSWORD, staffAccounts, fileComplaint } from '../helpers/cases';
import { httpClient } from '../helpers/http';
import { freePort } from '../helpers/net';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { makeTempDir, startServer, type TestServer } from '../helpers/server';

type Who = 'admin' | 'reviewer' | 'mediator' | 'otherMediator' | 'lenderA' | 'lenderB';
type Reply = QuestionThread & { error: ErrorBody };

/**
 * The pre-session question thread (issue 19): the customer asks about the contract, the case's lender
 * staff and the centre answer, the case's mediator reads; everyone else is refused. A bad post is
 * refused with the problem named and nothing stored; a closed case takes no more; the audit log and
 * the timeline keep that a question was asked or answered, never its text.
 */
describe('pre-session questions', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  let lenderA: string;
  let lenderB: string;
  let filed: IntakeResult;
  let customer: string;
  let stranger: { caseId: string; token: string };
  let questionId: string;

  const thread = (token: string | undefined, caseId = filed.caseId) =>
    call<Reply>('GET', `/api/cases/${caseId}/questions`, token);
  const ask = (token: string, body: unknown, caseId = filed.caseId) =>
    call<Reply>('POST', `/api/cases/${caseId}/questions`, token, body);
  const answer = (token: string, qid: string, body: unknown, caseId = filed.caseId) =>
    call<Reply>('POST', `/api/cases/${caseId}/questions/${qid}/answers`, token, body);
  const questionAudit = async (caseId = filed.caseId) =>
    (await t.server.audit.all(caseId)).filter((e) => e.kind.startsWith('question.'));

  beforeAll(async () => {
    t = await startServer();
    lenderA = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    lenderB = (await t.server.accounts.createLender(null, '乙银行')).id;
    const roles: Record<Who, ['admin' | 'reviewer' | 'mediator' | 'platform', string | undefined, string]> = {
      admin: ['admin', undefined, 'admin 名'],
      reviewer: ['reviewer', undefined, 'reviewer 名'],
      mediator: ['mediator', undefined, 'mediator 名'],
      otherMediator: ['mediator', undefined, 'otherMediator 名'],
      lenderA: ['platform', lenderA, 'lenderA 名'],
      lenderB: ['platform', lenderB, 'lenderB 名'],
    };
    const made = await staffAccounts(t, 'questions', roles);
    const ids = made.ids;
    Object.assign(tokens, made.tokens);
    ({ filed, token: customer } = await fileComplaint(t.url, lenderA));
    const theirs = await fileComplaint(t.url, lenderA);
    stranger = { caseId: theirs.filed.caseId, token: theirs.token };
    // The case's mediator reads the thread (as a member of the case).
    await t.server.store.putMember({
      caseId: filed.caseId,
      userId: ids.mediator,
      role: 'mediator',
      displayName: 'mediator 名',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('the customer asks before the session; the audit keeps that a question was asked, not its text', async () => {
    expect(await thread(customer)).toMatchObject({
      status: 200,
      body: { caseId: filed.caseId, questions: [], mayAsk: true, mayAnswer: false },
    });
    questionId = randomUUID();
    const res = await ask(customer, { id: questionId, body: '  合同第七条的提前还款手续费是怎么计算的？  ' });
    expect(res.status).toBe(200);
    expect(res.body.questions).toEqual([
      {
        id: questionId,
        author: { role: 'customer', name: null },
        // Trimmed.
        body: '合同第七条的提前还款手续费是怎么计算的？',
        at: expect.any(String),
        status: 'open',
        answers: [],
      },
    ]);
    // Sent again (a lost answer): stored and audited once.
    const again = await ask(customer, { id: questionId, body: '合同第七条的提前还款手续费是怎么计算的？' });
    expect(again.body.questions).toHaveLength(1);
    const entries = await questionAudit();
    expect(entries.map((e) => [e.kind, e.data])).toEqual([['question.asked', { questionId, status: 'submitted' }]]);
    expect(JSON.stringify(await t.server.audit.all(filed.caseId))).not.toContain('手续费');
    // The customer's timeline shows the step, without its text.
    const progress = await call<CaseProgress>('GET', `/api/cases/${filed.caseId}/progress`, customer);
    expect(progress.body.timeline.at(-1)).toMatchObject({
      status: 'submitted',
      by: 'customer',
      note: null,
      event: 'question_asked',
    });
  });

  it("staff find it: open questions are counted for the case's lender and the centre, not another lender", async () => {
    const open = async (who: Who) => (await call<OpenQuestionCount[]>('GET', '/api/questions/open', tokens[who])).body;
    for (const who of ['lenderA', 'reviewer', 'admin'] as const) {
      expect(await open(who)).toContainEqual({ caseId: filed.caseId, open: 1 });
    }
    expect(await open('lenderB')).toEqual([]);
    expect((await call<{ error: ErrorBody }>('GET', '/api/questions/open', customer)).status).toBe(403);
  });

  it("the case's lender staff answer; the customer reads it, and the timeline and staff history have it", async () => {
    const answerId = randomUUID();
    const res = await answer(tokens.lenderA, questionId, { id: answerId, body: '按剩余本金的3%计收，最低50元。' });
    expect(res.status).toBe(200);
    expect(res.body.mayAnswer).toBe(true);
    const seen = await thread(customer);
    expect(seen.body.questions[0]).toMatchObject({
      status: 'answered',
      answers: [
        { id: answerId, author: { role: 'lender', name: 'lenderA 名' }, body: '按剩余本金的3%计收，最低50元。' },
      ],
    });
    expect(seen.body.mayAsk).toBe(true);
    const entries = await questionAudit();
    expect(entries.at(-1)).toMatchObject({
      kind: 'question.answered',
      data: { questionId, answerId, role: 'lender', status: 'submitted' },
    });
    expect(JSON.stringify(await t.server.audit.all(filed.caseId))).not.toContain('剩余本金');
    const progress = await call<CaseProgress>('GET', `/api/cases/${filed.caseId}/progress`, customer);
    expect(progress.body.timeline.at(-1)).toMatchObject({ by: 'staff', note: null, event: 'question_answered' });
    const history = await call<CaseHistoryEntry[]>('GET', `/api/cases/${filed.caseId}/history`, tokens.reviewer);
    expect(history.body.map((e) => e.kind)).toEqual(expect.arrayContaining(['question_asked', 'question_answered']));
    // Answered: no longer open.
    const open = await call<OpenQuestionCount[]>('GET', '/api/questions/open', tokens.lenderA);
    expect(open.body.find((n) => n.caseId === filed.caseId)).toBeUndefined();
    // A reviewer answers too, as the centre.
    const centre = await answer(tokens.reviewer, questionId, { id: randomUUID(), body: '中心补充：可申请减免。' });
    expect(centre.body.questions[0]?.answers.at(-1)?.author).toEqual({ role: 'centre', name: 'reviewer 名' });
    // The customer's export carries the thread.
    const exported = await call<CaseExport>('GET', `/api/cases/${filed.caseId}/export`, customer);
    expect(exported.body.questions).toEqual((await thread(customer)).body.questions);
  });

  it("the mediator of the case reads; another lender's staff, another mediator and another customer are refused", async () => {
    const read = await thread(tokens.mediator);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ mayAsk: false, mayAnswer: false });
    expect(read.body.questions).toHaveLength(1);
    for (const token of [tokens.lenderB, tokens.otherMediator, stranger.token]) {
      expect((await thread(token)).status).toBe(403);
    }
    expect((await thread(undefined)).status).toBe(401);
    const before = await t.server.store.listQuestionPosts(filed.caseId);
    // Asking: only the case's own customer, refused before the body is read.
    for (const token of [tokens.lenderA, tokens.reviewer, tokens.mediator, stranger.token, tokens.lenderB]) {
      const res = await ask(token, { id: randomUUID(), body: '我也想问一个问题。' });
      expect(res.status).toBe(403);
    }
    expect((await ask(tokens.lenderA, { id: randomUUID(), body: '' })).body.error.reason).toBe(
      'questions.customerOnly',
    );
    // Answering: the case's lender and the centre only.
    for (const token of [customer, tokens.mediator, tokens.lenderB, stranger.token, tokens.otherMediator]) {
      const res = await answer(token, questionId, { id: randomUUID(), body: '越权答复' });
      expect(res.status).toBe(403);
    }
    expect((await answer(customer, questionId, { id: randomUUID(), body: 'x' })).body.error.reason).toBe(
      'questions.answerersOnly',
    );
    expect(await t.server.store.listQuestionPosts(filed.caseId)).toEqual(before);
  });

  it('a bad post is refused naming the problem, and nothing is stored', async () => {
    const before = await t.server.store.listQuestionPosts(filed.caseId);
    const auditBefore = (await t.server.audit.all(filed.caseId)).length;
    const cases: [unknown, string][] = [
      [{ id: randomUUID(), body: '  短  ' }, 'body'],
      [{ id: randomUUID(), body: '问'.repeat(2001) }, 'body'],
      [{ id: randomUUID(), body: '含有控制字符\u0007的问题' }, 'body'],
      [{ id: 'not-a-uuid', body: '一个正常的问题？' }, 'id'],
      [{ body: '一个正常的问题？' }, 'id'],
      [{ id: randomUUID(), body: '一个正常的问题？', extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await ask(customer, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/question/);
      if (path) expect(res.body.error.issues?.map((i) => i.path)).toContain(path);
    }
    const blank = await answer(tokens.lenderA, questionId, { id: randomUUID(), body: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toMatch(/answer/);
    // An answer to no question of this case.
    const nowhere = await answer(tokens.lenderA, randomUUID(), { id: randomUUID(), body: '答复' });
    expect(nowhere).toMatchObject({ status: 404, body: { error: { reason: 'questions.noSuchQuestion' } } });
    // An id already used by another post.
    const reused = await answer(tokens.lenderA, questionId, { id: questionId, body: '答复' });
    expect(reused.status).toBe(409);
    expect(await t.server.store.listQuestionPosts(filed.caseId)).toEqual(before);
    expect((await t.server.audit.all(filed.caseId)).length).toBe(auditBefore);
  });

  it("the lender's representative is told of a question by e-mail, the customer of an answer; never what was said", async () => {
    const rep = await t.server.cases.createStaff(null, {
      username: 'questions.rep',
      displayName: '代表',
      staffRole: 'platform',
      password: PASSWORD,
      email: 'rep@lender.example',
      lenderId: lenderA,
    });
    const res = await call<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId: lenderA, email: 'wang@example.com' }), [{ name: 'contract.pdf', data: pdf() }]),
    );
    const caseId = res.body.caseId;
    const signIn = await call<{ token: string }>(
      'POST',
      `/api/track/${res.body.trackingUrl.split('/track/')[1]}/sign-in`,
      undefined,
      { pin: res.body.pin },
    );
    for (const decision of [{ decision: 'start' }, { decision: 'accept', platformUserId: rep.id }]) {
      expect((await call('POST', `/api/cases/${caseId}/review`, tokens.reviewer, decision)).status).toBe(200);
    }
    const notices = async (kind: string) => (await t.server.store.listMail(caseId)).filter((m) => m.kind === kind);
    expect(await notices('question')).toEqual([]);
    const q = randomUUID();
    expect((await ask(signIn.body.token, { id: q, body: '服务费是否可以退还？' }, caseId)).status).toBe(200);
    expect((await notices('question')).map((m) => [m.recipient, m.payload])).toEqual([
      [`user:${rep.id}`, '{"kind":"question"}'],
    ]);
    expect(await notices('answer')).toEqual([]);
    expect((await answer(tokens.lenderA, q, { id: randomUUID(), body: '可以退还。' }, caseId)).status).toBe(200);
    expect((await notices('answer')).map((m) => [m.recipient, m.payload])).toEqual([
      [`customer:${caseId}`, '{"kind":"answer"}'],
    ]);
  });

  it('once the case has ended (withdrawn) nothing more is asked or answered; the thread stays readable', async () => {
    const mine = await fileComplaint(t.url, lenderA);
    const q = randomUUID();
    expect((await ask(mine.token, { id: q, body: '请问合同的年化利率是多少？' }, mine.filed.caseId)).status).toBe(200);
    const withdrawn = await call('POST', `/api/cases/${mine.filed.caseId}/withdraw`, mine.token, {});
    expect(withdrawn.status).toBe(200);
    const late = await ask(mine.token, { id: randomUUID(), body: '还有一个问题。' }, mine.filed.caseId);
    expect(late).toMatchObject({
      status: 409,
      body: { error: { code: 'INVALID_TRANSITION', reason: 'questions.closed', params: { status: 'withdrawn' } } },
    });
    const lateAnswer = await answer(tokens.lenderA, q, { id: randomUUID(), body: '年化24%。' }, mine.filed.caseId);
    expect(lateAnswer.body.error.reason).toBe('questions.closed');
    const read = await thread(mine.token, mine.filed.caseId);
    expect(read.body).toMatchObject({ mayAsk: false, questions: [{ id: q, status: 'open' }] });
    expect(await t.server.store.listQuestionPosts(mine.filed.caseId)).toHaveLength(1);
  });
});

describe('pre-session questions across a kill -9', () => {
  let proc: ServerProcess | null = null;
  afterAll(async () => {
    await proc?.kill9();
  });

  it('an acknowledged question survives the kill and is read after the restart', async () => {
    const dataDir = makeTempDir('accord-questions-kill-');
    const setup = await startServer({ dataDir });
    const lender = (await setup.server.accounts.createLender(null, '丙小贷')).id;
    await setup.close();
    const env = { ACCORD_SEED: 'false', PORT: String(await freePort()) };
    proc = await spawnServer(dataDir, env);
    const { filed, token } = await fileComplaint(proc.url, lender);
    const call = httpClient(() => proc?.url ?? '');
    const id = randomUUID();
    const asked = await call<QuestionThread>('POST', `/api/cases/${filed.caseId}/questions`, token, {
      id,
      body: '逾期罚息按什么标准收取？',
    });
    expect(asked.status).toBe(200);
    // No shutdown hook runs: what was acknowledged is on disk already.
    await proc.kill9();
    proc = await spawnServer(dataDir, env);
    const read = await call<QuestionThread>('GET', `/api/cases/${filed.caseId}/questions`, token);
    expect(read.body.questions.map((q) => [q.id, q.body])).toEqual([[id, '逾期罚息按什么标准收取？']]);
    await proc.stop();
    proc = null;
    const store = new SqliteStore({ filename: join(dataDir, 'accord.db') });
    try {
      const entries = (await store.listAudit(filed.caseId, { limit: 100 })).filter((e) => e.kind === 'question.asked');
      expect(entries).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
