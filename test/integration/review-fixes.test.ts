import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOutcome, type InviteView, type OutcomeStatus, type SealedOutcome } from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { NAMES, acceptInvite, startServer, type TestServer } from '../helpers/server';
import { seedAgreement } from '../helpers/agreement';
import { waitFor } from '../helpers/wait';
import { emit, type ResultOf } from '../helpers/emit';
import { agreeToEveryClause } from '../helpers/negotiation';

/** Rules that close gaps a review found: each test names the gap. */
describe('integrity and privacy rules', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('the activity feed carries no sequence numbers that would count hidden caucus messages', async () => {
    const c = await t.createCase('activity');
    const m = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const p = await connectRoom(t.url, c.tokens.platform, c.caseId);
    expect((await emit(m, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      await emit(m, 'chat:send', {
        clientId: `hidden-${i}-xxxx`,
        text: 'secret',
        channel: `caucus:${c.userIds.customer}`,
      });
    }
    expect((await emit(m, 'caucus:close', {})).ok).toBe(true);
    const feed = (await emit(p, 'activity:list', { limit: 10 })).data as ResultOf<'activity:list'>;
    expect(feed.entries.map((e) => e.kind)).toEqual(['caucus.opened', 'caucus.closed']);
    for (const e of feed.entries) {
      expect(e).not.toHaveProperty('seq');
      expect(e.id).toMatch(/^[0-9a-f]{32}$/);
    }
    const older = (await emit(p, 'activity:list', { before: feed.entries[1]?.id, limit: 10 })).data as {
      entries: { kind: string }[];
    };
    expect(older.entries.map((e) => e.kind)).toEqual(['caucus.opened']);
    m.close();
    p.close();
  });

  it('an invite’s PIN goes to whoever first opens the link, never to its creator', async () => {
    const c = await t.createCase('pins');
    const created = await fetch(`${t.url}/api/cases/${c.caseId}/invites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.tokens.mediator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'observer', displayName: '旁听人' }),
    });
    const view = (await created.json()) as InviteView & { pin?: string };
    expect(view.pin).toBeUndefined();
    const first = await acceptInvite(t.url, view.url);
    expect(first.pin).toMatch(/^\d{6}$/);
    const second = await acceptInvite(t.url, view.url);
    expect(second.pin).toBeUndefined();
  });

  it('changing a member’s role closes their live connections, which carry the old role', async () => {
    const c = await t.createCase('role change');
    const co = await t.server.cases.createStaff(null, {
      username: 'co.med.x',
      displayName: 'Co',
      staffRole: 'mediator',
      password: 'correct horse battery',
    });
    await t.server.cases.addMember(c.caseId, { userId: co.id, role: 'mediator' }, 'admin');
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'co.med.x', password: 'correct horse battery' }),
    });
    const { token } = (await login.json()) as { token: string };
    const live = await connectRoom(t.url, token, c.caseId);
    live.socket.io.reconnection(false);
    await t.server.cases.addMember(c.caseId, { userId: co.id, role: 'observer' }, 'admin');
    await waitFor(() => !live.socket.connected, 'disconnected');
    const again = await connectRoom(t.url, token, c.caseId);
    expect(again.welcomes[0]?.you.role).toBe('observer');
    again.close();
  });

  it('a signature is refused once the room has left signing (here: a signer removed mid-signing)', async () => {
    const c = await t.createCase('signing race');
    await seedAgreement(t.server.store, c.caseId);
    const m = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const cu = await connectRoom(t.url, c.tokens.customer, c.caseId);
    const pl = await connectRoom(t.url, c.tokens.platform, c.caseId);
    await agreeToEveryClause({ customer: cu, platform: pl });
    pl.close();
    expect((await emit(m, 'room:phase', { phase: 'signing' })).ok).toBe(true);
    const fp = ((await emit(cu, 'outcome:status', {})).data as OutcomeStatus).freeze?.fingerprint ?? '';
    // Removing a signer returns the room to drafting (test/integration/signoff-rules.test.ts).
    expect((await emit(m, 'moderation:remove', { userId: c.userIds.platform })).ok).toBe(true);
    expect((await t.server.store.getRoomState(c.caseId)).phase).toBe('drafting');
    const late = await emit(cu, 'outcome:sign', { fingerprint: fp, fullName: NAMES.customer, secret: c.pins.customer });
    expect(late.error?.code).toBe('PHASE_RULES');
    m.close();
    cu.close();
  });

  it('switching the waiting room off lets whoever waits in', async () => {
    const c = await t.createCase('lobby off', { lobby: true, phase: 'scheduled' });
    const waiting = await connectRoom(t.url, c.tokens.customer, c.caseId, { waitFor: 'lobby' });
    const m = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    expect((await emit(m, 'room:settings', { lobby: false })).ok).toBe(true);
    await waitFor(() => waiting.welcomes.length === 1, 'let in');
    waiting.close();
    m.close();
  });

  it('a record with a field added after sealing does not verify', async () => {
    const c = await t.createCase('added field');
    const m = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const res = await emit(m, 'outcome:seal', { outcome: 'withdrawn', reason: '申请人撤回投诉' });
    const sealed = res.data as SealedOutcome;
    expect((await verifyOutcome(sealed)).ok).toBe(true);
    const added = structuredClone(sealed) as SealedOutcome & { record: { amendment?: string } };
    added.record.amendment = 'pays 5,000';
    expect((await verifyOutcome(added)).ok).toBe(false);
    // And a sealed session takes no more phase changes.
    expect((await emit(m, 'room:phase', { phase: 'drafting' })).error?.code).toBe('INVALID_TRANSITION');
    m.close();
  });
});
