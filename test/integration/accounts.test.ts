import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ErrorBody, LenderView, OneTimePasswordResult } from '@accord/shared';
import { io } from 'socket.io-client';
import { connectRoom } from '../helpers/clients';
import { httpClient } from '../helpers/http';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const PASSWORD = 'correct horse battery';

describe('staff accounts: an admin creates, edits, deactivates and resets them', () => {
  let t: TestServer;
  let admin: string;
  let adminId: string;
  let lender: LenderView;
  const call = httpClient(() => t.url);
  const login = (username: string, password: string) =>
    call<{ token: string; mustChangePassword: boolean; error: ErrorBody }>('POST', '/api/auth/login', undefined, {
      username,
      password,
    });
  /** Signs in with the one-time password and replaces it: the token of a fully usable account. */
  const firstSignIn = async (username: string, oneTime: string): Promise<string> => {
    const first = await login(username, oneTime);
    expect(first.status).toBe(200);
    expect(first.body.mustChangePassword).toBe(true);
    const changed = await call('POST', '/api/auth/password', first.body.token, {
      currentPassword: oneTime,
      newPassword: PASSWORD,
    });
    expect(changed.status).toBe(204);
    return first.body.token;
  };
  const create = (body: unknown, token = admin) =>
    call<OneTimePasswordResult & { error: ErrorBody }>('POST', '/api/admin/accounts', token, body);

  beforeAll(async () => {
    t = await startServer();
    const user = await t.server.cases.createStaff(null, {
      username: 'centre.admin',
      displayName: 'Admin',
      staffRole: 'admin',
      password: PASSWORD,
    });
    adminId = user.id;
    admin = (await login('centre.admin', PASSWORD)).body.token;
    const res = await call<LenderView>('POST', '/api/lenders', admin, { name: '甲消费金融' });
    expect(res.status).toBe(201);
    lender = res.body;
  });
  afterAll(() => t.close());

  it('creates accounts with a one-time password shown once; lender staff need a lender', async () => {
    const made = await create({ username: 'mediator.zhang', displayName: '张律师', staffRole: 'mediator' });
    expect(made.status).toBe(201);
    expect(made.body.password.length).toBeGreaterThanOrEqual(12);
    expect(made.body.account).toMatchObject({
      username: 'mediator.zhang',
      staffRole: 'mediator',
      lenderId: null,
      active: true,
      mustChangePassword: true,
    });
    // Stored hashed: the password is nowhere in the account's row.
    const stored = await t.server.store.getUser(made.body.account.id);
    expect(stored?.passwordHash).not.toContain(made.body.password);

    const noLender = await create({ username: 'lender.a', displayName: '李华', staffRole: 'platform' });
    expect(noLender.status).toBe(400);
    expect(noLender.body.error.issues?.map((i) => i.path)).toEqual(['lenderId']);
    const unknownLender = await create({
      username: 'lender.a',
      displayName: '李华',
      staffRole: 'platform',
      lenderId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknownLender.status).toBe(404);
    expect(unknownLender.body.error.reason).toBe('accounts.noSuchLender');
    const mediatorWithLender = await create({
      username: 'mediator.x',
      displayName: 'X',
      staffRole: 'mediator',
      lenderId: lender.id,
    });
    expect(mediatorWithLender.status).toBe(400);
    const platform = await create({
      username: 'lender.a',
      displayName: '李华',
      staffRole: 'platform',
      lenderId: lender.id,
    });
    expect(platform.status).toBe(201);
    expect(platform.body.account.lenderId).toBe(lender.id);
    const again = await create({ username: 'lender.a', displayName: 'Other', staffRole: 'reviewer' });
    expect(again.status).toBe(409);
    expect(again.body.error.reason).toBe('accounts.usernameTaken');

    const list = await call<AccountView[]>('GET', '/api/admin/accounts', admin);
    expect(list.body.map((a) => [a.username, a.staffRole, a.lenderId])).toEqual([
      ['centre.admin', 'admin', null],
      ['lender.a', 'platform', lender.id],
      ['mediator.zhang', 'mediator', null],
    ]);
    const events = await t.server.store.listAccountEvents(platform.body.account.id);
    expect(events).toMatchObject([
      { kind: 'account.created', actorId: adminId, data: { staffRole: 'platform', lenderId: lender.id } },
    ]);
  });

  it('a one-time password opens nothing but the form to replace it; then everything the role allows', async () => {
    const made = await create({ username: 'reviewer.wu', displayName: '吴', staffRole: 'reviewer' });
    const first = await login('reviewer.wu', made.body.password);
    expect(first.body.mustChangePassword).toBe(true);
    const token = first.body.token;
    for (const [method, path] of [
      ['GET', '/api/review/queue'],
      ['GET', '/api/mediators'],
      ['POST', '/api/cases'],
    ] as const) {
      const res = await call<{ error: ErrorBody }>(method, path, token, method === 'POST' ? {} : undefined);
      expect(res.status, path).toBe(403);
      expect(res.body.error.reason, path).toBe('auth.mustChangePassword');
    }
    expect((await call('GET', '/api/me', token)).status).toBe(200);
    const changed = await call('POST', '/api/auth/password', token, {
      currentPassword: made.body.password,
      newPassword: PASSWORD,
    });
    expect(changed.status).toBe(204);
    expect((await call('GET', '/api/review/queue', token)).status).toBe(200);
    // A reviewer is no admin.
    expect((await call('GET', '/api/admin/accounts', token)).status).toBe(403);
    expect((await create({ username: 'sneaky', displayName: 'S', staffRole: 'admin' }, token)).status).toBe(403);
    expect((await call('POST', '/api/lenders', token, { name: 'Mine' })).status).toBe(403);
  });

  it('edits name, role and lender; refuses an admin demoting themselves', async () => {
    const made = await create({ username: 'li.edit', displayName: '李', staffRole: 'reviewer' });
    const id = made.body.account.id;
    const put = (body: unknown) =>
      call<AccountView & { error: ErrorBody }>('PUT', `/api/admin/accounts/${id}`, admin, body);
    expect((await put({ displayName: '李四', staffRole: 'platform', lenderId: null })).status).toBe(400);
    const edited = await put({ displayName: '李四', staffRole: 'platform', lenderId: lender.id });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ displayName: '李四', staffRole: 'platform', lenderId: lender.id });
    expect(await t.server.store.getUser(id)).toMatchObject({
      displayName: '李四',
      staffRole: 'platform',
      lenderId: lender.id,
    });
    const back = await put({ displayName: '李四', staffRole: 'mediator', lenderId: null });
    expect(back.body).toMatchObject({ staffRole: 'mediator', lenderId: null });
    const self = await call<{ error: ErrorBody }>('PUT', `/api/admin/accounts/${adminId}`, admin, {
      displayName: 'Admin',
      staffRole: 'reviewer',
      lenderId: null,
    });
    expect(self.status).toBe(403);
    expect(self.body.error.reason).toBe('accounts.notYourself');
    expect((await t.server.store.listAccountEvents(id)).map((e) => e.kind)).toEqual([
      'account.created',
      'account.updated',
      'account.updated',
    ]);
  });

  it('deactivating ends every session and live connection at once; it cannot sign in until reactivated', async () => {
    const made = await create({ username: 'mediator.off', displayName: '周调解员', staffRole: 'mediator' });
    const id = made.body.account.id;
    const token = await firstSignIn('mediator.off', made.body.password);
    const second = (await login('mediator.off', PASSWORD)).body.token;
    // In a case's room as its mediator.
    const c = await call<{ id: string }>('POST', '/api/cases', admin, {
      title: 'Deactivation',
      category: 'other',
      amountInDisputeCents: 0,
    });
    expect(
      (await call('POST', `/api/cases/${c.body.id}/members`, admin, { userId: id, role: 'mediator' })).status,
    ).toBe(204);
    const room = await connectRoom(t.url, token, c.body.id);

    const off = await call<AccountView>('POST', `/api/admin/accounts/${id}/status`, admin, { active: false });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    await waitFor(
      () => room.errors.some((e) => e.code === 'TOKEN_REVOKED') || !room.socket.connected,
      'the room connection ended',
    );
    room.close();
    for (const tk of [token, second]) expect((await call('GET', '/api/me', tk)).status).toBe(401);
    const refused = await login('mediator.off', PASSWORD);
    expect(refused.status).toBe(403);
    expect(refused.body.error.reason).toBe('auth.deactivated');
    // A wrong password says nothing about the account.
    expect((await login('mediator.off', 'wrong password!')).body.error.reason).toBe('auth.wrongPassword');
    const self = await call<{ error: ErrorBody }>('POST', `/api/admin/accounts/${adminId}/status`, admin, {
      active: false,
    });
    expect(self.status).toBe(403);

    expect((await call('POST', `/api/admin/accounts/${id}/status`, admin, { active: true })).status).toBe(200);
    expect((await login('mediator.off', PASSWORD)).status).toBe(200);
    expect((await t.server.store.listAccountEvents(id)).map((e) => e.kind)).toEqual([
      'account.created',
      'account.deactivated',
      'account.reactivated',
    ]);
  });

  it('a password reset gives a new one-time password; the old password and sessions stop working', async () => {
    const made = await create({ username: 'reset.me', displayName: '王', staffRole: 'reviewer' });
    const id = made.body.account.id;
    const token = await firstSignIn('reset.me', made.body.password);
    // Following the dashboard live: the reset ends that too.
    const dashboard = io(`${t.url}/track`, { auth: { token }, transports: ['websocket'], reconnection: false });
    await waitFor(() => dashboard.connected, 'the dashboard connected');
    const reset = await call<OneTimePasswordResult>('POST', `/api/admin/accounts/${id}/password`, admin);
    await waitFor(() => !dashboard.connected, 'the dashboard connection ended');
    dashboard.close();
    expect(reset.status).toBe(200);
    expect(reset.body.password).not.toBe(made.body.password);
    expect(reset.body.account.mustChangePassword).toBe(true);
    expect((await call('GET', '/api/me', token)).status).toBe(401);
    expect((await login('reset.me', PASSWORD)).status).toBe(401);
    await firstSignIn('reset.me', reset.body.password);
    expect((await t.server.store.listAccountEvents(id)).map((e) => e.kind)).toEqual([
      'account.created',
      'account.passwordReset',
    ]);
    const unknown = await call('POST', '/api/admin/accounts/00000000-0000-4000-8000-000000000000/password', admin);
    expect(unknown.status).toBe(404);
  });

  it('lenders: a public list by name, created and renamed by an admin only, each audited', async () => {
    expect((await call('POST', '/api/lenders', undefined, { name: 'Anon' })).status).toBe(401);
    expect((await call('POST', '/api/lenders', admin, { name: '' })).status).toBe(400);
    const b = await call<LenderView>('POST', '/api/lenders', admin, { name: 'Bank B' });
    const renamed = await call<LenderView>('PUT', `/api/lenders/${b.body.id}`, admin, { name: '乙银行' });
    expect(renamed.body).toEqual({ id: b.body.id, name: '乙银行' });
    const list = await call<LenderView[]>('GET', '/api/lenders');
    expect(list.status).toBe(200);
    expect(list.body.map((l) => l.name)).toEqual(['乙银行', '甲消费金融'].sort());
    expect((await t.server.store.listAccountEvents(b.body.id)).map((e) => [e.kind, e.data])).toEqual([
      ['lender.created', { name: 'Bank B' }],
      ['lender.renamed', { from: 'Bank B', to: '乙银行' }],
    ]);
  });
});
