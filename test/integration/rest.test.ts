import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, ErrorBody, InviteView, LoginResult, MeResult } from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { acceptInvite, startServer, type TestServer } from '../helpers/server';
import { httpClient } from '../helpers/http';

describe('REST: staff sign-in, cases, members and invites', () => {
  let t: TestServer;
  let admin: { username: string; password: string };

  const call = httpClient(() => t.url);
  const login = (username: string, password: string) =>
    call<LoginResult & { error?: ErrorBody }>('POST', '/api/auth/login', undefined, { username, password });

  beforeAll(async () => {
    t = await startServer();
    const created = await t.server.cases.bootstrapAdmin();
    if (!created) throw new Error('no admin created');
    admin = created;
  });
  afterAll(() => t.close());

  it('bootstraps one admin only, with a one-time password that must be changed', async () => {
    expect(await t.server.cases.bootstrapAdmin()).toBeNull();
    const res = await login(admin.username, admin.password);
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
    expect(res.body.user.staffRole).toBe('admin');

    const weak = await call<{ error: ErrorBody }>('POST', '/api/auth/password', res.body.token, {
      currentPassword: admin.password,
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);
    const changed = await call('POST', '/api/auth/password', res.body.token, {
      currentPassword: admin.password,
      newPassword: 'a much longer passphrase',
    });
    expect(changed.status).toBe(204);
    expect((await login('admin', admin.password)).status).toBe(401);
    const again = await login('admin', 'a much longer passphrase');
    expect(again.body.mustChangePassword).toBe(false);
    admin.password = 'a much longer passphrase';
  });

  it('refuses wrong credentials the same way for unknown users and wrong passwords', async () => {
    const unknown = await login('nobody', 'whatever-password');
    const wrong = await login('admin', 'wrong-password-123');
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(unknown.body.error).toEqual(wrong.body.error);
  });

  it('an admin creates staff; a platform rep opens a case, adds a mediator, who invites the customer', async () => {
    const adminToken = (await login('admin', admin.password)).body.token;
    for (const [username, staffRole] of [
      ['li.hua', 'platform'],
      ['zhang.lawyer', 'mediator'],
    ] as const) {
      const res = await call('POST', '/api/staff', adminToken, {
        username,
        displayName: username,
        staffRole,
        password: 'correct horse battery',
      });
      expect(res.status).toBe(201);
    }
    const dup = await call<{ error: ErrorBody }>('POST', '/api/staff', adminToken, {
      username: 'li.hua',
      displayName: 'x',
      staffRole: 'platform',
      password: 'correct horse battery',
    });
    expect(dup.body.error.code).toBe('CONFLICT');

    const platformLogin = await login('li.hua', 'correct horse battery');
    const platformToken = platformLogin.body.token;
    const notAdmin = await call('POST', '/api/staff', platformToken, {
      username: 'evil',
      displayName: 'e',
      staffRole: 'admin',
      password: 'correct horse battery',
    });
    expect(notAdmin.status).toBe(403);

    const created = await call<CaseView>('POST', '/api/cases', platformToken, {
      title: 'Repayment hardship after job loss',
      category: 'repayment_hardship',
      amountInDisputeCents: 2_400_000,
    });
    expect(created.status).toBe(201);
    expect(created.body.number).toMatch(/^AC-\d{4}-\d{6}$/);
    const caseId = created.body.id;

    const mediatorLogin = await login('zhang.lawyer', 'correct horse battery');
    // Only an admin appoints a mediator: the platform rep may not.
    const byPlatform = await call('POST', `/api/cases/${caseId}/members`, platformToken, {
      userId: mediatorLogin.body.user.id,
      role: 'mediator',
    });
    expect(byPlatform.status).toBe(403);
    // A staff admin appoints the mediator without being a member of the case…
    const byAdmin = await call('POST', `/api/cases/${caseId}/members`, adminToken, {
      userId: mediatorLogin.body.user.id,
      role: 'mediator',
    });
    expect(byAdmin.status).toBe(204);
    // …which gives the admin no way into the room itself.
    expect((await call('GET', `/api/cases/${caseId}`, adminToken)).status).toBe(403);
    const me = await call<MeResult>('GET', '/api/me', mediatorLogin.body.token);
    expect(me.body.memberships.map((m) => [m.case.id, m.role])).toEqual([[caseId, 'mediator']]);

    const invite = await call<InviteView>('POST', `/api/cases/${caseId}/invites`, mediatorLogin.body.token, {
      role: 'customer',
      displayName: '赵先生',
      expiresInHours: 48,
    });
    expect(invite.status).toBe(201);
    expect(invite.body.url).toContain(`${t.url}/join/`);
    const accepted = await acceptInvite(t.url, invite.body.url);
    expect(accepted).toMatchObject({ caseId, role: 'customer', displayName: '赵先生' });

    // The customer's session sees only this case; the staff member's token works in the room too.
    const customerMe = await call<MeResult>('GET', '/api/me', accepted.token);
    expect(customerMe.body.memberships).toHaveLength(1);
    const room = await connectRoom(t.url, mediatorLogin.body.token, caseId);
    expect(room.welcomes[0]?.you.role).toBe('mediator');
    room.close();

    const list = await call<InviteView[]>('GET', `/api/cases/${caseId}/invites`, mediatorLogin.body.token);
    expect(list.body.map((i) => i.displayName)).toEqual(['赵先生']);
  });

  it('logging out revokes the token', async () => {
    const { token } = (await login('admin', admin.password)).body;
    expect((await call('GET', '/api/me', token)).status).toBe(200);
    expect((await call('POST', '/api/auth/logout', token)).status).toBe(204);
    const after = await call<{ error: ErrorBody }>('GET', '/api/me', token);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_REVOKED');
  });

  it('serves the built client on the same port, with the invite path routed to it', async () => {
    const res = await fetch(`${t.url}/join/some-invite-token`);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toContain('<div id="root">');
  });
});
