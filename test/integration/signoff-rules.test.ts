import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sha256Hex, verifyOutcome, type Activity, type OutcomeStatus } from '@accord/shared';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { seedAgreement } from '../helpers/agreement';
import { agreeToEveryClause } from '../helpers/negotiation';
import { NAMES, startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * The rules of a valid settlement (shared/src/signoff-rules.ts), as the server enforces them: entering
 * signing, at every signature and at sealing; who a signature names; what a change of people during
 * signing does. Found 1 of issue 15 is the first test.
 */
describe('the rules of a valid settlement', () => {
  let t: TestServer;
  const open: RoomClient[] = [];
  const status = async (c: RoomClient) => (await emit(c, 'outcome:status', {})).data as OutcomeStatus;

  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(async () => {
    open.forEach((c) => c.close());
    await t.close();
  });

  async function room(title: string) {
    const c = await t.createCase(title);
    const join = async (role: 'customer' | 'platform' | 'mediator' | 'observer') => {
      const client = await connectRoom(t.url, c.tokens[role], c.caseId);
      open.push(client);
      return client;
    };
    const clients = {
      mediator: await join('mediator'),
      customer: await join('customer'),
      platform: await join('platform'),
      observer: await join('observer'),
    };
    const sign = async (role: 'customer' | 'platform' | 'mediator', fullName = NAMES[role], via = clients[role]) => {
      const fingerprint = (await status(clients.mediator)).freeze?.fingerprint ?? 'f'.repeat(64);
      return emit(via, 'outcome:sign', { fingerprint, fullName, secret: c.pins[role] });
    };
    const phase = (to: 'drafting' | 'signing') => emit(clients.mediator, 'room:phase', { phase: to });
    // Both parties agree to every clause as stored (seeded there, maybe while the document is loaded).
    const agree = () => agreeToEveryClause(clients, { server: t.server });
    return { c, ...clients, sign, phase, agree };
  }

  /** What a refused phase change must leave as it was. */
  async function snapshot(c: TestCase) {
    return {
      phase: (await t.server.store.getRoomState(c.caseId)).phase,
      freeze: await t.server.store.currentFreeze(c.caseId),
      audit: (await t.server.audit.all(c.caseId)).length,
    };
  }

  it('Found 1: the mediator removes the platform in drafting; moving to signing is refused and changes nothing', async () => {
    const r = await room('Without the lender');
    await seedAgreement(t.server.store, r.c.caseId);
    expect((await emit(r.mediator, 'moderation:remove', { userId: r.c.userIds.platform })).ok).toBe(true);
    const before = await snapshot(r.c);
    const refused = await r.phase('signing');
    expect(refused.error).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringContaining('platform') });
    expect(await snapshot(r.c)).toEqual(before);
    expect(before).toMatchObject({ phase: 'drafting', freeze: null });
    // Nor can the two who are left reach a settlement any other way.
    expect((await r.sign('customer')).error?.code).toBe('PHASE_RULES');
    expect((await r.sign('mediator')).error?.code).toBe('PHASE_RULES');
    expect(await t.server.store.getOutcome(r.c.caseId)).toBeNull();
  });

  it('an empty agreement, or one without its key terms, is refused entering signing, naming what is missing', async () => {
    const r = await room('Incomplete agreements');
    const tryIt = async () => (await r.phase('signing')).error?.message ?? 'ok';
    const before = await snapshot(r.c);
    // Nothing written yet: no text, no amount.
    const empty = await tryIt();
    expect(empty).toContain('no text');
    expect(empty).toContain('amount agreed');
    expect(await snapshot(r.c)).toEqual(before);
    // Blank paragraphs are no text.
    await seedAgreement(t.server.store, r.c.caseId, { text: '  \u3000 ', terms: { amountAgreedCents: 100_00 } });
    expect(await tryIt()).toContain('no text');
    // Text, and instalments without their first date and monthly amount.
    await seedAgreement(t.server.store, r.c.caseId, { terms: { instalments: 6 } });
    const instalments = await tryIt();
    expect(instalments).toContain('first due date');
    expect(instalments).toContain('monthly amount');
    expect(instalments).not.toContain('amount agreed');
    expect(await snapshot(r.c)).toEqual(before);
    await seedAgreement(t.server.store, r.c.caseId, {
      terms: { firstDueDate: '2027-01-15', monthlyAmountCents: 16_67 },
    });
    await r.agree();
    expect(await tryIt()).toBe('ok');
    expect((await status(r.customer)).freeze?.text).toContain('2027年1月15日');
  });

  it('an explicit "no payment" clause stands in for the amounts', async () => {
    const r = await room('Nobody pays');
    await seedAgreement(t.server.store, r.c.caseId, {
      text: '平台已解释该笔服务费的依据，申请人撤回投诉，双方互不支付任何款项。',
      terms: { amountAgreedCents: null, noPayment: true },
    });
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    for (const role of ['customer', 'platform', 'mediator'] as const) expect((await r.sign(role)).ok).toBe(true);
    const sealed = (await status(r.customer)).sealed;
    expect(sealed?.record.outcome.kind).toBe('settled');
    expect(sealed?.record.terms?.noPayment).toBe(true);
  });

  it('a signature is named from the identity: the platform typing the customer’s name is refused', async () => {
    const r = await room('Who signs');
    await seedAgreement(t.server.store, r.c.caseId);
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    const impersonation = await r.sign('platform', NAMES.customer);
    expect(impersonation.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'fullName', message: expect.stringContaining(NAMES.platform) }],
    });
    expect((await status(r.mediator)).signers.every((s) => s.signedAt === null)).toBe(true);
    // The confirmation is compared as a name: spacing and full-width forms aside.
    expect((await r.sign('customer', ` ${[...NAMES.customer].join(' ')} `)).ok).toBe(true);
    expect((await r.sign('platform')).ok).toBe(true);
    expect((await r.sign('mediator')).ok).toBe(true);
    const record = (await status(r.customer)).sealed?.record;
    const named = Object.fromEntries(record?.signatures.map((s) => [s.role, s.name]) ?? []);
    expect(named).toEqual({ customer: '王**', platform: '李*', mediator: '张**' });
    const stored = await t.server.store.listSignatures((await t.server.store.currentFreeze(r.c.caseId))?.id ?? '');
    expect(Object.fromEntries(stored.map((s) => [s.role, s.name]))).toEqual({
      customer: NAMES.customer,
      platform: NAMES.platform,
      mediator: NAMES.mediator,
    });
    // The room's feed says who signed and what; the session and the row hashes stay in the audit chain.
    const feed = (await emit(r.customer, 'activity:list', { limit: 100 })).data as { entries: Activity[] };
    const signed = feed.entries.filter((a) => a.kind === 'agreement.signed');
    expect(signed).toHaveLength(3);
    for (const a of [...signed, ...feed.entries.filter((e) => e.kind === 'outcome.sealed')]) {
      expect(Object.keys(a.detail)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^(session|freezeId|\w+Hash|recordSignature)$/)]),
      );
    }
    expect(signed[0]?.detail.fingerprint).toBe(record?.agreement?.fingerprint);
  });

  it('removing a party during signing returns the room to drafting and voids every signature, for everyone to see', async () => {
    const r = await room('Removed while signing');
    await seedAgreement(t.server.store, r.c.caseId);
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    const frozen = await t.server.store.currentFreeze(r.c.caseId);
    expect((await r.sign('customer')).ok).toBe(true);
    expect((await r.sign('mediator')).ok).toBe(true);
    // Removing an observer changes nobody who signs: signing goes on.
    expect((await emit(r.mediator, 'moderation:remove', { userId: r.c.userIds.observer })).ok).toBe(true);
    expect((await t.server.store.getRoomState(r.c.caseId)).phase).toBe('signing');
    expect((await emit(r.mediator, 'moderation:remove', { userId: r.c.userIds.platform })).ok).toBe(true);
    expect((await t.server.store.getRoomState(r.c.caseId)).phase).toBe('drafting');
    expect(await t.server.store.currentFreeze(r.c.caseId)).toBeNull();
    const s = await status(r.customer);
    expect(s.freeze).toBeNull();
    expect(s.signers.every((x) => x.signedAt === null)).toBe(true);
    await waitFor(() => r.customer.states.at(-1)?.phase === 'drafting', 'the customer told');
    const log = await t.server.audit.all(r.c.caseId);
    const unfrozen = log.find((e) => e.kind === 'agreement.unfrozen');
    expect(unfrozen?.data).toMatchObject({ detail: { fingerprint: frozen?.fingerprint, voidedSignatures: 2 } });
    expect(
      log.find((e) => e.kind === 'phase.changed' && JSON.stringify(e.data).includes('member.removed')),
    ).toBeDefined();
    await waitFor(() => r.customer.activity.some((a) => a.kind === 'agreement.unfrozen'), 'in the activity feed');
    // And without the platform there is no way back to signing.
    expect((await r.phase('signing')).error?.message).toContain('platform');
    expect((await r.sign('customer')).error?.code).toBe('PHASE_RULES');
  });

  it('inviting a party again during signing voids the signatures too', async () => {
    const r = await room('A party invited while signing');
    await seedAgreement(t.server.store, r.c.caseId);
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    expect((await r.sign('customer')).ok).toBe(true);
    const res = await fetch(`${t.url}/api/cases/${r.c.caseId}/invites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.c.tokens.mediator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'platform', displayName: '赵平台' }),
    });
    expect(res.status).toBe(201);
    expect((await t.server.store.getRoomState(r.c.caseId)).phase).toBe('drafting');
    expect(await t.server.store.currentFreeze(r.c.caseId)).toBeNull();
    const unfrozen = (await t.server.audit.all(r.c.caseId)).find((e) => e.kind === 'agreement.unfrozen');
    expect(unfrozen?.data).toMatchObject({ detail: { voidedSignatures: 1 } });
    // Frozen again, the new platform member is one of those who must sign.
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    expect((await status(r.customer)).signers.filter((s) => s.role === 'platform')).toHaveLength(2);
  });

  it('a staff member added as a party during signing, over HTTP, voids the signatures too', async () => {
    const r = await room('A party added while signing');
    await seedAgreement(t.server.store, r.c.caseId);
    const colleague = await t.server.cases.createStaff(null, {
      username: `platform.${r.c.caseId.slice(0, 8)}`,
      displayName: '钱平台',
      staffRole: 'platform',
      password: 'correct horse battery',
    });
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    expect((await r.sign('customer')).ok).toBe(true);
    expect((await r.sign('platform')).ok).toBe(true);
    const res = await fetch(`${t.url}/api/cases/${r.c.caseId}/members`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.c.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: colleague.id, role: 'platform' }),
    });
    expect(res.status).toBe(204);
    expect((await t.server.store.getRoomState(r.c.caseId)).phase).toBe('drafting');
    expect(await t.server.store.currentFreeze(r.c.caseId)).toBeNull();
    const unfrozen = (await t.server.audit.all(r.c.caseId)).find((e) => e.kind === 'agreement.unfrozen');
    expect(unfrozen?.data).toMatchObject({ detail: { voidedSignatures: 2 } });
    // Frozen again, both platform members must sign; nobody's earlier signature counts.
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    const signers = (await status(r.customer)).signers;
    expect(signers.filter((s) => s.role === 'platform').map((s) => s.displayName)).toContain('钱平台');
    expect(signers.every((s) => s.signedAt === null)).toBe(true);
  });

  it('a party added where nothing voids the freeze (a system invite) stops signing instead', async () => {
    const r = await room('Added behind the room’s back');
    await seedAgreement(t.server.store, r.c.caseId);
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    expect((await r.sign('customer')).ok).toBe(true);
    await t.server.cases.createInviteAsSystem(r.c.caseId, { role: 'platform', displayName: '钱平台' });
    expect((await r.sign('platform')).error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('participants changed'),
    });
    expect((await r.sign('mediator')).error?.code).toBe('CONFLICT');
    expect(await t.server.store.getOutcome(r.c.caseId)).toBeNull();
  });

  it('sealing checks again: a freeze without a platform signer, the amount or consent seals nothing', async () => {
    // A freeze that should never exist (made here, past the check at the phase change): the last line holds.
    for (const variant of ['no platform', 'no amount', 'no consent'] as const) {
      const r = await room(`Last line: ${variant}`);
      const { store } = t.server;
      if (variant === 'no platform')
        await store.removeMember(r.c.caseId, r.c.userIds.platform, new Date().toISOString());
      const signers = (await store.listMembers(r.c.caseId))
        .filter((m) => ['customer', 'platform', 'mediator'].includes(m.role))
        .map((m) => m.userId);
      const text = 'accord-agreement/1\n';
      await store.createFreeze({
        id: randomUUID(),
        caseId: r.c.caseId,
        text,
        fingerprint: await sha256Hex(text),
        frozenAt: new Date().toISOString(),
        frozenBy: r.c.userIds.mediator,
        terms: {
          amountInDisputeCents: null,
          amountAgreedCents: variant === 'no amount' ? null : 100,
          feesWaivedCents: null,
          instalments: null,
          firstDueDate: null,
          monthlyAmountCents: null,
          noPayment: false,
          conditions: '',
        },
        signers,
        // A clause nobody agreed to (the other variants' freezes predate clause consent: no list).
        clauses: variant === 'no consent' ? [{ id: 'terms', number: 1, hash: 'c'.repeat(64), client: null }] : null,
      });
      await store.updateRoomState(r.c.caseId, { phase: 'signing' });
      const roles =
        variant === 'no platform'
          ? (['customer', 'mediator'] as const)
          : (['customer', 'platform', 'mediator'] as const);
      const acks = [];
      for (const role of roles) acks.push(await r.sign(role));
      expect(acks.slice(0, -1).every((a) => a.ok)).toBe(true);
      expect(acks.at(-1)?.error, variant).toMatchObject({
        code: 'PHASE_RULES',
        message: expect.stringContaining('not sealed'),
      });
      if (variant === 'no consent') expect(acks.at(-1)?.error?.message).toContain('clause 1 is not agreed');
      expect(await store.getOutcome(r.c.caseId)).toBeNull();
    }
  });

  it('a seal after a three-party settlement verifies', async () => {
    const r = await room('All three');
    await seedAgreement(t.server.store, r.c.caseId);
    await r.agree();
    expect((await r.phase('signing')).ok).toBe(true);
    for (const role of ['customer', 'platform', 'mediator'] as const) expect((await r.sign(role)).ok).toBe(true);
    const sealed = (await status(r.observer)).sealed;
    expect(sealed?.record.signatures.map((s) => s.role).sort()).toEqual(['customer', 'mediator', 'platform']);
    expect((await verifyOutcome(sealed)).ok).toBe(true);
  });
});
