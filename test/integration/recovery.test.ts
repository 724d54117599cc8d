import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActivityListResult,
  CaseDetail,
  CaseProgress,
  ErrorBody,
  IntakeResult,
  InviteView,
  OutcomeStatus,
  RemovedMember,
} from '@accord/shared';
import { connectRefused, connectRoom } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { complaint, form } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { seedAgreement } from '../helpers/agreement';
import { NAMES, acceptInvite, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { agreeToEveryClause } from '../helpers/negotiation';

type Failure = { error: ErrorBody };

/** The invite a link opens (links are re-signed on demand; the jti is the invite's id). */
const jti = (url: string): unknown =>
  (JSON.parse(Buffer.from(url.split('/join/')[1]?.split('.')[1] ?? '', 'base64url').toString()) as { jti?: unknown })
    .jti;

/** Recovery paths, each audited: re-invite, reissue, PIN reset, appeal (docs/PROTOCOL.md, "Recovery"). */
describe('recovery', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const accept = (url: string) =>
    call<InviteView & { pin?: string; token: string }>('POST', `/api/invites/${url.split('/join/')[1]}/accept`);
  const kinds = async (caseId: string) => (await t.server.audit.all(caseId)).map((e) => e.kind);
  const feed = async (token: string, caseId: string) => {
    const client = await connectRoom(t.url, token, caseId);
    const list = (await emit(client, 'activity:list', { limit: 100 })).data as ActivityListResult;
    client.close();
    return list.entries;
  };
  const staffAccount = async (username: string, staffRole: 'reviewer' | 'admin') => {
    await t.server.cases.createStaff(null, {
      username,
      displayName: username,
      staffRole,
      password: 'correct horse battery',
    });
    const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
      username,
      password: 'correct horse battery',
    });
    return login.body.token;
  };

  // The lender complained about, and its staff member who represents it in the room once accepted.
  let lenderId: string;
  let lenderRep: string;
  beforeAll(async () => {
    t = await startServer();
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    lenderRep = (
      await t.server.cases.createStaff(null, {
        username: 'lender.rep',
        displayName: '甲消费金融客服',
        staffRole: 'platform',
        password: 'correct horse battery',
        lenderId,
      })
    ).id;
  });
  afterAll(() => t.close());

  it('the mediator re-invites a removed party with a new link; the old link stays revoked; others may not', async () => {
    const c = await t.createCase('re-invite');
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    expect((await emit(mediator, 'moderation:remove', { userId: c.userIds.customer })).ok).toBe(true);
    await waitFor(() => customer.errors.some((e) => e.code === 'NOT_A_MEMBER'), 'the removed party told');
    expect((await accept(c.inviteUrls.customer)).body).toMatchObject({ error: { code: 'INVITE_REVOKED' } });

    // Nobody but who manages the case's invites lists or re-invites.
    const path = `/api/cases/${c.caseId}/members/${c.userIds.customer}/reinvite`;
    for (const role of ['platform', 'observer'] as const) {
      expect((await call<Failure>('POST', path, c.tokens[role], {})).status).toBe(403);
      expect((await call('GET', `/api/cases/${c.caseId}/members/removed`, c.tokens[role])).status).toBe(403);
    }
    expect((await call('POST', path, c.tokens.customer, {})).status).toBe(401);
    const removed = await call<RemovedMember[]>('GET', `/api/cases/${c.caseId}/members/removed`, c.tokens.mediator);
    expect(removed.body).toEqual([
      expect.objectContaining({ userId: c.userIds.customer, role: 'customer', displayName: NAMES.customer }),
    ]);
    expect((await call<Failure>('POST', path, c.tokens.mediator, { expiresInHours: 0 })).status).toBe(400);

    const again = await call<InviteView & { pin?: string }>('POST', path, c.tokens.mediator, { expiresInHours: 48 });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ role: 'customer', displayName: NAMES.customer, revokedAt: null });
    expect(again.body.url).not.toBe(c.inviteUrls.customer);
    expect(again.body.pin).toBeUndefined();
    // The old link stays revoked; the new one lets the same person in, with a new PIN for them alone.
    expect((await accept(c.inviteUrls.customer)).body).toMatchObject({ error: { code: 'INVITE_REVOKED' } });
    const back = await acceptInvite(t.url, again.body.url);
    expect(back.userId).toBe(c.userIds.customer);
    expect(back.pin).toMatch(/^\d{6}$/);
    const rejoined = await connectRoom(t.url, back.token, c.caseId);
    expect(rejoined.welcomes[0]?.you.role).toBe('customer');
    // Not removed any more: a second re-invite is refused with its reason; the list is empty.
    expect((await call<Failure>('POST', path, c.tokens.mediator, {})).body.error).toMatchObject({
      code: 'CONFLICT',
      reason: 'recovery.notRemoved',
    });
    expect(
      (await call<RemovedMember[]>('GET', `/api/cases/${c.caseId}/members/removed`, c.tokens.mediator)).body,
    ).toEqual([]);

    const entries = await feed(c.tokens.platform, c.caseId);
    const reinvited = entries.find((e) => e.kind === 'member.reinvited');
    expect(reinvited).toMatchObject({ actor: { displayName: NAMES.mediator }, target: { userId: c.userIds.customer } });
    expect(JSON.stringify(await t.server.audit.all(c.caseId))).not.toContain(again.body.url.split('/join/')[1]);
    expect((await t.server.audit.verify(c.caseId)).ok).toBe(true);
    [mediator, customer, rejoined].forEach((x) => x.close());
  });

  it('a lost invite is reissued by the mediator or an admin: the old link and its sessions stop at once', async () => {
    const c = await t.createCase('reissue');
    const admin = await staffAccount('recovery.admin', 'admin');
    const reviewer = await staffAccount('recovery.reviewer', 'reviewer');
    const path = (inviteId: string) => `/api/cases/${c.caseId}/invites/${inviteId}/reissue`;
    expect((await call('POST', path(c.inviteIds.platform), c.tokens.platform, {})).status).toBe(403);
    expect((await call('POST', path(c.inviteIds.platform), reviewer, {})).status).toBe(403);

    const first = await call<InviteView>('POST', path(c.inviteIds.platform), c.tokens.mediator, {});
    expect(first.status).toBe(201);
    expect((await accept(c.inviteUrls.platform)).body).toMatchObject({ error: { code: 'INVITE_REVOKED' } });
    expect((await connectRefused(t.url, { token: c.tokens.platform, caseId: c.caseId })).code).toBe('TOKEN_REVOKED');
    // Reissuing the revoked one again is refused with its reason; the new one is reissued by an admin.
    expect((await call<Failure>('POST', path(c.inviteIds.platform), c.tokens.mediator, {})).body.error).toMatchObject({
      code: 'CONFLICT',
      reason: 'recovery.inviteRevoked',
    });
    const second = await call<InviteView>('POST', path(first.body.id), admin, {});
    expect(second.status).toBe(201);
    expect((await accept(first.body.url)).body).toMatchObject({ error: { code: 'INVITE_REVOKED' } });
    const opened = await acceptInvite(t.url, second.body.url);
    expect(opened).toMatchObject({ userId: c.userIds.platform, role: 'platform' });
    expect(opened.pin).toMatch(/^\d{6}$/);
    expect((await kinds(c.caseId)).filter((k) => k === 'invite.reissued')).toHaveLength(2);
    expect((await t.server.audit.verify(c.caseId)).ok).toBe(true);
  });

  it('a signing PIN reset: the old PIN fails at once, the new one goes once to the party’s own session only', async () => {
    const c = await t.createCase('pin reset');
    await seedAgreement(t.server.store, c.caseId);
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    const platform = await connectRoom(t.url, c.tokens.platform, c.caseId);
    await agreeToEveryClause({ customer, platform });
    platform.close();
    expect((await emit(mediator, 'room:phase', { phase: 'signing' })).ok).toBe(true);
    const status = async () => (await emit(customer, 'outcome:status', {})).data as OutcomeStatus;
    const fp = (await waitFor(() => status().then((s) => s.freeze), 'frozen')).fingerprint;
    const sign = (pin: string) =>
      emit(customer, 'outcome:sign', { fingerprint: fp, fullName: NAMES.customer, secret: pin });

    const reset = `/api/cases/${c.caseId}/members/${c.userIds.customer}/pin-reset`;
    expect((await call('POST', reset, c.tokens.platform)).status).toBe(403);
    expect((await call('POST', reset, c.tokens.mediator)).status).toBe(204);
    expect((await sign(c.pins.customer)).error).toMatchObject({ code: 'BAD_CREDENTIALS', reason: 'auth.wrongPin' });
    // Nothing more to reset until the new PIN is taken.
    expect((await call<Failure>('POST', reset, c.tokens.mediator)).body.error.reason).toBe('recovery.noPin');

    const claim = (token: string) =>
      call<{ pin: string } & Failure>('POST', `/api/cases/${c.caseId}/signing-pin`, token);
    // The mediator has no PIN waiting; opening the party's link now gives neither a PIN nor the right to claim it.
    expect((await claim(c.tokens.mediator)).body.error.reason).toBe('recovery.pinNotReset');
    const viaLink = await acceptInvite(t.url, c.inviteUrls.customer);
    expect(viaLink.pin).toBeUndefined();
    expect((await claim(viaLink.token)).body.error).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'recovery.pinOtherSession',
    });
    const mine = await claim(c.tokens.customer);
    expect(mine.status).toBe(200);
    expect(mine.body.pin).toMatch(/^\d{6}$/);
    expect((await claim(c.tokens.customer)).body.error.reason).toBe('recovery.pinNotReset');
    expect((await sign(mine.body.pin)).ok).toBe(true);

    const entries = await feed(c.tokens.mediator, c.caseId);
    expect(entries.filter((e) => e.kind.startsWith('pin.')).map((e) => [e.kind, e.target?.userId])).toEqual([
      ['pin.reset', c.userIds.customer],
      ['pin.delivered', c.userIds.customer],
    ]);
    expect(JSON.stringify(await t.server.audit.all(c.caseId))).not.toContain(mine.body.pin);
    expect((await t.server.audit.verify(c.caseId)).ok).toBe(true);
    [mediator, customer].forEach((x) => x.close());
  });

  it('a complaint’s customer gets a reset or reissued PIN once from their tracking link, not from the old one', async () => {
    const reviewer = await staffAccount('pin.reviewer', 'reviewer');
    const admin = await staffAccount('pin.admin', 'admin');
    const mediatorUser = await t.server.cases.createStaff(null, {
      username: 'pin.mediator',
      displayName: '赵调解员',
      staffRole: 'mediator',
      password: 'correct horse battery',
    });
    const filed = await call<IntakeResult>('POST', '/api/intake', undefined, form(complaint({ lenderId }), []));
    const caseId = filed.body.caseId;
    const customer = (
      await call<{ token: string }>(
        'POST',
        `/api/track/${filed.body.trackingUrl.split('/track/')[1]}/sign-in`,
        undefined,
        { pin: filed.body.pin },
      )
    ).body.token;
    await call('POST', `/api/cases/${caseId}/review`, reviewer, { decision: 'start' });
    await call('POST', `/api/cases/${caseId}/review`, reviewer, {
      decision: 'accept',
      platformUserId: lenderRep,
      overrideReason: '材料可后补。',
    });
    await call('POST', `/api/cases/${caseId}/assign`, admin, { mediatorUserId: mediatorUser.id });
    expect(
      (await call('POST', `/api/cases/${caseId}/schedule`, admin, { startsAt: '2026-12-20T10:00:00' })).status,
    ).toBe(200);
    const roomInvite = () =>
      call<{ url: string; pin: string | null }>('GET', `/api/cases/${caseId}/room-invite`, customer);
    const first = await roomInvite();
    expect(first.body.pin).toMatch(/^\d{6}$/);
    const customerId = (await t.server.store.getCase(caseId))?.customerId ?? '';

    // Reset by an admin: the tracking page hands the new PIN over once, and the old one is gone.
    expect((await call('POST', `/api/cases/${caseId}/members/${customerId}/pin-reset`, admin)).status).toBe(204);
    const after = await roomInvite();
    expect(jti(after.body.url)).toBe(jti(first.body.url));
    expect(after.body.pin).toMatch(/^\d{6}$/);
    expect(after.body.pin).not.toBe(first.body.pin);
    expect((await roomInvite()).body.pin).toBeNull();
    // Opening the room link (as anyone holding it could) gives no PIN.
    expect((await acceptInvite(t.url, first.body.url)).pin).toBeUndefined();

    // A reissue: the old link is revoked; the tracking page gives the new link and its PIN, once.
    const invites = await call<InviteView[]>('GET', `/api/cases/${caseId}/invites`, admin);
    const current = invites.body.find((i) => i.userId === customerId && i.revokedAt === null);
    const reissued = await call<InviteView>('POST', `/api/cases/${caseId}/invites/${current?.id}/reissue`, admin, {});
    expect(reissued.status).toBe(201);
    expect((await accept(first.body.url)).body).toMatchObject({ error: { code: 'INVITE_REVOKED' } });
    const third = await roomInvite();
    expect(jti(third.body.url)).toBe(reissued.body.id);
    expect(third.body.pin).toMatch(/^\d{6}$/);
    expect((await roomInvite()).body.pin).toBeNull();
    expect((await kinds(caseId)).filter((k) => k.startsWith('pin.') || k === 'invite.reissued')).toEqual([
      'pin.reset',
      'pin.delivered',
      'invite.reissued',
      'pin.delivered',
    ]);
  });

  it('a rejected complaint is appealed once, with a reason; the reviewer sees it; a second appeal is refused', async () => {
    const reviewer = await staffAccount('appeal.reviewer', 'reviewer');
    const filed = await call<IntakeResult>('POST', '/api/intake', undefined, form(complaint({ lenderId }), []));
    const caseId = filed.body.caseId;
    const customer = (
      await call<{ token: string }>(
        'POST',
        `/api/track/${filed.body.trackingUrl.split('/track/')[1]}/sign-in`,
        undefined,
        {
          pin: filed.body.pin,
        },
      )
    ).body.token;
    const appeal = (token: string, reason: string) =>
      call<CaseProgress & Failure>('POST', `/api/cases/${caseId}/appeal`, token, { reason });
    const reason = '我已补充提交了服务费收据，请重新审查这份投诉。';

    expect((await appeal(customer, reason)).body.error).toMatchObject({ reason: 'appeal.notRejected' });
    await call('POST', `/api/cases/${caseId}/review`, reviewer, { decision: 'start' });
    await call('POST', `/api/cases/${caseId}/review`, reviewer, { decision: 'reject', reason: '材料不足。' });
    // The customer's "answer" is no back door out of a rejection.
    expect((await call('POST', `/api/cases/${caseId}/answer`, customer, { answer: '请重新审查' })).status).toBe(409);
    expect((await appeal(customer, '请重审')).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await appeal(reviewer, reason)).status).toBe(403);

    const appealed = await appeal(customer, reason);
    expect(appealed.status).toBe(200);
    expect(appealed.body).toMatchObject({ status: 'under_review', appeal: { reason } });
    expect(appealed.body.timeline.at(-1)).toMatchObject({ status: 'under_review', by: 'customer', note: reason });
    const detail = await call<CaseDetail>('GET', `/api/cases/${caseId}/detail`, reviewer);
    expect(detail.body.progress.appeal).toMatchObject({ reason });

    expect((await appeal(customer, reason)).body.error).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'appeal.alreadyAppealed',
    });
    await call('POST', `/api/cases/${caseId}/review`, reviewer, { decision: 'reject', reason: '复查后维持。' });
    const second = await appeal(customer, reason);
    expect(second.status).toBe(409);
    expect(second.body.error.reason).toBe('appeal.alreadyAppealed');
    const progress = await call<CaseProgress>('GET', `/api/cases/${caseId}/progress`, customer);
    expect(progress.body).toMatchObject({ status: 'rejected', appeal: { reason } });
    expect((await t.server.audit.verify(caseId)).ok).toBe(true);
  });
});
