import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@accord/shared';
import { connectDoc, connectRefused, connectRoom, newClientId, waitSynced } from '../helpers/clients';
import { ROLES, startServer, type TestCase, type TestRole, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';

/**
 * The access matrix written out independently of shared/roles.ts, so that a
 * change to the permission table has to be a deliberate change here too.
 */
const ALLOWED: Record<'chat:send' | 'chat:history' | 'chat:typing' | 'doc.read' | 'doc.write', TestRole[]> = {
  'chat:send': ['customer', 'platform', 'mediator'],
  'chat:history': ['customer', 'platform', 'mediator', 'observer', 'admin'],
  'chat:typing': ['customer', 'platform', 'mediator'],
  'doc.read': ['customer', 'platform', 'mediator', 'observer', 'admin'],
  'doc.write': ['customer', 'platform', 'mediator'],
};
const REST_ALLOWED: Record<'case.read' | 'invite.list' | 'invite.create', TestRole[]> = {
  'case.read': ['customer', 'platform', 'mediator', 'observer', 'admin'],
  'invite.list': ['mediator', 'admin'],
  'invite.create': ['mediator', 'admin'],
};

describe('access control: every event × every role × member and non-member', () => {
  let t: TestServer;
  let c: TestCase;
  let other: TestCase;
  let outsiderStaffToken: string;

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('matrix');
    other = await t.createCase('another case');
    const outsider = { username: 'outsider', password: 'correct horse battery' };
    await t.server.cases.createStaff(null, { ...outsider, displayName: 'Outsider', staffRole: 'mediator' });
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(outsider),
    });
    outsiderStaffToken = ((await login.json()) as { token: string }).token;
  });
  afterAll(() => t.close());

  describe.each(ROLES)('member with role %s', (role) => {
    it('socket events are allowed or refused exactly as the matrix says', async () => {
      const client = await connectRoom(t.url, c.tokens[role], c.caseId);
      const send = await client.socket.emitWithAck('chat:send', { clientId: newClientId(), text: `from ${role}` });
      const history = await client.socket.emitWithAck('chat:history', { limit: 5 });
      const typing = await client.socket.emitWithAck('chat:typing', { typing: true });
      const results = { 'chat:send': send, 'chat:history': history, 'chat:typing': typing } as const;
      for (const [event, result] of Object.entries(results)) {
        const allowed = ALLOWED[event as keyof typeof results].includes(role);
        expect({ event, ok: result.ok }).toEqual({ event, ok: allowed });
        if (!result.ok) expect(result.error.code).toBe('FORBIDDEN');
      }
      client.close();
    });

    it('the agreement is readable, and writable exactly as the matrix says', async () => {
      const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
      const d = connectDoc(t.url, c.caseId, c.tokens[role]);
      await Promise.all([waitSynced(writer), waitSynced(d)]);
      // Reading means receiving the agreement's content.
      expect(d.doc.getMap('terms').get('amountInDisputeCents')).toBe(48_000);
      const marker = `${role}-${newClientId()}`;
      draft(d.doc).insert(0, marker);
      if (ALLOWED['doc.write'].includes(role)) {
        await waitFor(() => bodyText(writer.doc).includes(marker), 'write relayed');
      } else {
        await waitFor(() => d.denied.length > 0, 'permission denied');
        await sleep(50);
        expect(bodyText(writer.doc)).not.toContain(marker);
      }
      writer.destroy();
      d.destroy();
    });

    it('REST routes are allowed or refused exactly as the matrix says', async () => {
      const headers = { authorization: `Bearer ${c.tokens[role]}`, 'content-type': 'application/json' };
      const read = await fetch(`${t.url}/api/cases/${c.caseId}`, { headers });
      const list = await fetch(`${t.url}/api/cases/${c.caseId}/invites`, { headers });
      const create = await fetch(`${t.url}/api/cases/${c.caseId}/invites`, {
        method: 'POST',
        headers,
        // One name per inviter: a second participant named like the first is refused (CONFLICT).
        body: JSON.stringify({ role: 'observer', displayName: `旁听 ${role}` }),
      });
      expect(read.status).toBe(REST_ALLOWED['case.read'].includes(role) ? 200 : 403);
      expect(list.status).toBe(REST_ALLOWED['invite.list'].includes(role) ? 200 : 403);
      expect(create.status).toBe(REST_ALLOWED['invite.create'].includes(role) ? 201 : 403);
    });

    it('as a non-member (token of another case) it reaches nothing of this case', async () => {
      const err = await connectRefused(t.url, { token: other.tokens[role], caseId: c.caseId });
      expect(err.code).toBe('FORBIDDEN');
      const d = connectDoc(t.url, c.caseId, other.tokens[role]);
      await waitFor(() => d.closes.length > 0, 'yjs refused');
      expect(d.closes[0]?.code).toBe(CloseCode.FORBIDDEN);
      expect(d.doc.getMap('terms').size).toBe(0);
      d.destroy();
      const res = await fetch(`${t.url}/api/cases/${c.caseId}`, {
        headers: { authorization: `Bearer ${other.tokens[role]}` },
      });
      expect(res.status).toBe(403);
    });
  });

  it('a signed-in staff member who is not a member of the case reaches nothing of it', async () => {
    const err = await connectRefused(t.url, { token: outsiderStaffToken, caseId: c.caseId });
    expect(err.code).toBe('NOT_A_MEMBER');
    const d = connectDoc(t.url, c.caseId, outsiderStaffToken);
    await waitFor(() => d.closes.length > 0, 'yjs refused');
    expect(d.closes[0]).toMatchObject({ code: CloseCode.FORBIDDEN, reason: expect.stringContaining('NOT_A_MEMBER') });
    d.destroy();
    const res = await fetch(`${t.url}/api/cases/${c.caseId}`, {
      headers: { authorization: `Bearer ${outsiderStaffToken}` },
    });
    expect(res.status).toBe(403);
  });

  it('a mediator may invite parties and observers but not appoint a mediator or an admin', async () => {
    const headers = { authorization: `Bearer ${c.tokens.mediator}`, 'content-type': 'application/json' };
    for (const [role, status] of [
      ['customer', 201],
      ['observer', 201],
      ['mediator', 403],
      ['admin', 403],
    ] as const) {
      const res = await fetch(`${t.url}/api/cases/${c.caseId}/invites`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ role, displayName: `new ${role}` }),
      });
      expect({ role, status: res.status }).toEqual({ role, status });
    }
  });
});
