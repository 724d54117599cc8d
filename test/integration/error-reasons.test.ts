import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, IntakeResult, LoginResult } from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { emitUnchecked } from '../helpers/emit';
import { complaint, form, pdf } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { createTestCase, startServer, type TestServer } from '../helpers/server';

/**
 * Refusals a person meets carry a reason and the params its wording needs (issue 16): the client
 * translates them, so none of the server's English reaches a screen.
 */
describe('refusals carry a translatable reason', () => {
  let t: TestServer;
  const http = httpClient(() => t.url);

  let lenderId: string;
  beforeAll(async () => {
    t = await startServer();
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
  });
  afterAll(() => t?.close());

  it('a room refuses a phase move and a post with its reason; the welcome names the case’s zone', async () => {
    const c = await createTestCase(t.server, t.url, {
      roles: ['customer', 'mediator'],
      room: { phase: 'scheduled', lobby: false },
    });
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    expect(mediator.welcomes.at(-1)?.timeZone).toBe('Asia/Shanghai');
    expect((await emitUnchecked(mediator, 'room:phase', { phase: 'signing' })).error).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'room.cannotMovePhase',
      params: { from: 'scheduled', to: 'signing' },
    });
    expect((await emitUnchecked(mediator, 'room:settings', { quietOpening: true })).ok).toBe(true);
    expect((await emitUnchecked(mediator, 'room:phase', { phase: 'opening' })).ok).toBe(true);
    expect((await emitUnchecked(mediator, 'room:phase', { phase: 'opening' })).error).toMatchObject({
      reason: 'room.alreadyInPhase',
      params: { phase: 'opening' },
    });
    expect(await customer.send('我有话要说')).toMatchObject({
      ok: false,
      error: { code: 'PHASE_RULES', reason: 'chat.quietOpening' },
    });
    mediator.socket.disconnect();
    customer.socket.disconnect();
  });

  it('an upload that is not a PDF, JPEG or PNG is refused naming the file', async () => {
    const res = await http<{ error: ErrorBody }>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId }), [
        { name: '合同.pdf', data: pdf() },
        { name: '说明.pdf', data: Buffer.from('只是文字') },
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'evidence.wrongType',
      params: { name: '说明.pdf' },
    });
  });

  it('a case moved where it cannot go says from where to where, as status codes', async () => {
    const filed = await http<IntakeResult>(
      'POST',
      '/api/intake',
      undefined,
      form(complaint({ lenderId }), [{ name: 'a.pdf', data: pdf() }]),
    );
    expect(filed.status).toBe(201);
    await t.server.cases.createStaff(null, {
      username: 'reviewer.reasons',
      displayName: '李审核',
      staffRole: 'reviewer',
      password: 'correct horse battery',
    });
    const login = await http<LoginResult>('POST', '/api/auth/login', undefined, {
      username: 'reviewer.reasons',
      password: 'correct horse battery',
    });
    const res = await http<{ error: ErrorBody }>('POST', `/api/cases/${filed.body.caseId}/review`, login.body.token, {
      decision: 'reject',
      reason: '材料不全，无法受理',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'case.cannotMove',
      params: { from: 'submitted', to: 'rejected' },
    });
  });
});
