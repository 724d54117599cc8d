import { join } from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, MAX_OFFER_CENTS, type NegotiationState } from '@accord/shared';
import { SqliteStore, type Store } from '@accord/server';
import { connectDoc, connectRoom, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { emit, emitUnchecked } from '../helpers/emit';
import { freePort } from '../helpers/net';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTestCase, makeTempDir, startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';

/** A room connection that also records every negotiation:state it is sent. */
interface Member {
  room: RoomClient;
  states: NegotiationState[];
}

async function enter(url: string, token: string, caseId: string): Promise<Member> {
  const room = await connectRoom(url, token, caseId);
  const states: NegotiationState[] = [];
  room.socket.on('negotiation:state', (s) => states.push(s));
  return { room, states };
}

const offer = (m: Member, amountCents: number) => emit(m.room, 'offer:submit', { amountCents });
const amountAgreed = (d: DocClient): unknown => d.doc.getMap(AgreementDoc.terms).get('amountAgreedCents');

/** The terms as the store holds them (snapshot and update log), whatever any node has loaded. */
async function storedTerms(store: Store, caseId: string): Promise<Record<string, unknown>> {
  const stored = await store.loadDoc(caseId);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  return doc.getMap(AgreementDoc.terms).toJSON();
}

/** What of the offers the audit holds: each entry's kind and data. */
async function offerAudit(store: Store, caseId: string) {
  return (await store.listAudit(caseId, { limit: 1000 }))
    .filter((e) => e.kind.startsWith('offer.'))
    .map((e) => ({ kind: e.kind, data: e.data }));
}

describe('blind offers', () => {
  let t: TestServer;
  const opened: { close(): void }[] = [];
  const member = async (c: TestCase, role: keyof TestCase['tokens']) => {
    const m = await enter(t.url, c.tokens[role], c.caseId);
    opened.push(m.room);
    return m;
  };
  /** Each role's member, in the room at once. */
  const members = async <R extends keyof TestCase['tokens']>(c: TestCase, roles: readonly R[]) =>
    Object.fromEntries(await Promise.all(roles.map(async (r) => [r, await member(c, r)] as const))) as Record<
      R,
      Member
    >;
  const agreement = (c: TestCase, role: keyof TestCase['tokens']) => {
    const d = connectDoc(t.url, c.caseId, c.tokens[role]);
    opened.push({ close: () => d.destroy() });
    return d;
  };

  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_OFFER_ROUNDS: '2' } });
  });
  afterAll(async () => {
    opened.forEach((o) => o.close());
    await t.close();
  });

  it('overlapping offers: the midpoint lands in the terms and everyone is told the result, never an offer', async () => {
    const c = await t.createCase('Offers that overlap');
    const { customer, platform, mediator, observer } = await members(c, [
      'customer',
      'platform',
      'mediator',
      'observer',
    ] as const);
    const reader = agreement(c, 'observer');
    await waitSynced(reader);

    expect(await offer(customer, 40_000)).toEqual({ ok: true, data: { round: 1 } });
    // Everyone hears that the customer has submitted, and nothing more.
    for (const m of [customer, platform, mediator, observer]) {
      await waitFor(() => m.states.length > 0, 'the first negotiation:state');
      expect(m.states.at(-1)?.offers).toEqual({
        limit: 2,
        rounds: [{ round: 1, submitted: { customer: true, platform: false }, result: null }],
      });
    }
    expect(await offer(platform, 50_001)).toEqual({ ok: true, data: { round: 1 } });
    for (const m of [customer, platform, mediator, observer]) {
      await waitFor(() => m.states.at(-1)?.offers.rounds[0]?.result, 'the result');
      expect(m.states.at(-1)?.offers.rounds).toEqual([
        {
          round: 1,
          submitted: { customer: true, platform: true },
          result: { overlap: true, midpointCents: 45_000, at: expect.any(String) },
        },
      ]);
    }
    // Rounded down to the cent, in the terms of every copy: the live one, a new one, the store.
    await waitFor(() => amountAgreed(reader) === 45_000, 'the midpoint reaches a connected copy');
    const late = agreement(c, 'customer');
    await waitFor(() => amountAgreed(late) === 45_000, 'a later copy has it');
    expect((await storedTerms(t.server.store, c.caseId)).amountAgreedCents).toBe(45_000);

    // The audit says who made an offer in which round, and the round's public result.
    expect(await offerAudit(t.server.store, c.caseId)).toEqual([
      {
        kind: 'offer.made',
        data: {
          actor: { userId: c.userIds.customer, displayName: '王女士', role: 'customer' },
          target: null,
          detail: { round: 1, role: 'customer' },
        },
      },
      {
        kind: 'offer.made',
        data: {
          actor: { userId: c.userIds.platform, displayName: '李华', role: 'platform' },
          target: null,
          detail: { round: 1, role: 'platform' },
        },
      },
      {
        kind: 'offer.resolved',
        data: { actor: null, target: null, detail: { round: 1, overlap: true, midpointCents: 45_000 } },
      },
    ]);
    // Stored sealed: eight bytes of amount, a 12-byte IV and a 16-byte tag, whatever the amount.
    const stored = await t.server.store.listOffers(c.caseId);
    expect(stored.map((o) => [o.round, o.role, o.userId, o.sealed.length])).toEqual([
      [1, 'customer', c.userIds.customer, 36],
      [1, 'platform', c.userIds.platform, 36],
    ]);
  });

  it('offers that do not overlap: a result without a midpoint, and the terms are not touched', async () => {
    const c = await t.createCase('Offers apart');
    const { customer, platform, mediator } = await members(c, ['customer', 'platform', 'mediator'] as const);
    const writer = agreement(c, 'customer');
    await waitSynced(writer);
    writer.doc.getMap(AgreementDoc.terms).set('amountAgreedCents', 30_000);
    await waitFor(async () => (await storedTerms(t.server.store, c.caseId)).amountAgreedCents === 30_000, 'stored');
    const updatesBefore = (await t.server.store.loadDoc(c.caseId)).updates.length;

    expect((await offer(platform, 50_000)).data).toEqual({ round: 1 });
    expect((await offer(customer, 50_001)).data).toEqual({ round: 1 });
    await waitFor(() => mediator.states.at(-1)?.offers.rounds[0]?.result, 'the result');
    expect(mediator.states.at(-1)?.offers.rounds[0]?.result).toEqual({
      overlap: false,
      midpointCents: null,
      at: expect.any(String),
    });
    expect((await offerAudit(t.server.store, c.caseId)).at(-1)).toEqual({
      kind: 'offer.resolved',
      data: { actor: null, target: null, detail: { round: 1, overlap: false } },
    });
    expect((await t.server.store.loadDoc(c.caseId)).updates).toHaveLength(updatesBefore);
    expect((await storedTerms(t.server.store, c.caseId)).amountAgreedCents).toBe(30_000);
    expect(amountAgreed(writer)).toBe(30_000);
  });

  it('one offer per party and round; rounds up to the limit, then refused; nothing refused is stored', async () => {
    const c = await t.createCase('Offers to the limit');
    const { customer, platform } = await members(c, ['customer', 'platform'] as const);
    expect((await offer(customer, 90_000)).data).toEqual({ round: 1 });
    const sealedBefore = await t.server.store.listOffers(c.caseId);
    const again = await offer(customer, 10_000);
    expect(again.error).toMatchObject({
      code: 'CONFLICT',
      reason: 'offer.alreadySubmitted',
      params: { round: 1 },
    });
    expect(await t.server.store.listOffers(c.caseId)).toEqual(sealedBefore);
    expect((await offer(platform, 20_000)).data).toEqual({ round: 1 });
    // Round 1 is resolved (apart): round 2 is current.
    expect((await offer(platform, 30_000)).data).toEqual({ round: 2 });
    expect((await offer(customer, 80_000)).data).toEqual({ round: 2 });
    await waitFor(() => customer.states.at(-1)?.offers.rounds[1]?.result, 'round 2 resolved');
    for (const m of [customer, platform]) {
      expect((await offer(m, 50_000)).error).toMatchObject({
        code: 'CONFLICT',
        reason: 'offer.limitReached',
        params: { limit: 2 },
      });
    }
    expect(await t.server.store.listOffers(c.caseId)).toHaveLength(4);
    expect(await t.server.store.listOfferResults(c.caseId)).toHaveLength(2);
    expect((await offerAudit(t.server.store, c.caseId)).map((e) => e.kind)).toEqual([
      'offer.made',
      'offer.made',
      'offer.resolved',
      'offer.made',
      'offer.made',
      'offer.resolved',
    ]);
  });

  it('bad offers are refused naming the problem; nothing is stored and the room goes on', async () => {
    const c = await createTestCase(t.server, t.url, { room: { phase: 'opening', lobby: false } });
    const { customer, mediator, observer } = await members(c, ['customer', 'mediator', 'observer'] as const);
    const refusals: [unknown, string, RegExp][] = [
      [{ amountCents: -100 }, 'amountCents', /positive/],
      [{ amountCents: 0 }, 'amountCents', /positive/],
      [{ amountCents: 100.5 }, 'amountCents', /integer/],
      [{ amountCents: MAX_OFFER_CENTS + 1 }, 'amountCents', /at most 10000000000/],
      [{ amountCents: 1e300 }, 'amountCents', /integer/],
      [{ amountCents: '48000' }, 'amountCents', /integer/],
      [{ amountCents: null }, 'amountCents', /integer/],
      [{}, 'amountCents', /integer/],
      [{ amountCents: 48_000, round: 2 }, '(root)', /Unrecognized key: "round"/],
      [{ amountCents: 48_000, role: 'platform' }, '(root)', /Unrecognized key: "role"/],
    ];
    for (const [payload, path, message] of refusals) {
      const res = await emitUnchecked(customer.room, 'offer:submit', payload);
      expect(res.error?.code, JSON.stringify(payload)).toBe('VALIDATION_FAILED');
      const issue = res.error?.issues?.find((i) => i.path === path);
      expect(issue?.message, JSON.stringify(payload)).toMatch(message);
    }
    // Not a party's: the mediator and an observer make no offers.
    for (const m of [mediator, observer]) {
      const res = await offer(m, 48_000);
      expect(res.error?.code).toBe('FORBIDDEN');
      expect(res.error?.message).toMatch(/may not make a blind offer/);
    }
    // Not in the opening statement.
    expect((await offer(customer, 48_000)).error).toMatchObject({
      code: 'PHASE_RULES',
      reason: 'offer.notInPhase',
      params: { phase: 'opening' },
    });
    expect(await t.server.store.listOffers(c.caseId)).toEqual([]);
    expect(await offerAudit(t.server.store, c.caseId)).toEqual([]);
    expect(customer.states).toEqual([]);
    // The room goes on: in the joint session the same party's good offer is taken.
    expect((await emit(mediator.room, 'room:phase', { phase: 'joint' })).ok).toBe(true);
    expect((await offer(customer, 48_000)).data).toEqual({ round: 1 });
    expect(await t.server.store.listOffers(c.caseId)).toHaveLength(1);
    expect(customer.room.errors).toEqual([]);
  });
});

describe('blind offers across a kill -9', () => {
  let proc: ServerProcess | null = null;
  afterAll(async () => {
    await proc?.kill9();
  });

  it('an acknowledged offer survives the kill, and the round resolves after the restart', async () => {
    const dataDir = makeTempDir('accord-offers-kill-');
    const setup = await startServer({ dataDir });
    const c = await setup.createCase('Offers over a crash');
    await setup.close();
    const env = { ACCORD_SEED: 'false', PORT: String(await freePort()), ACCORD_DOC_UNLOAD_MS: '50' };
    proc = await spawnServer(dataDir, env);
    const customer = await enter(proc.url, c.tokens.customer, c.caseId);
    expect((await offer(customer, 61_000)).data).toEqual({ round: 1 });
    // No shutdown hook runs: what was acknowledged is on disk already.
    await proc.kill9();
    customer.room.close();
    await sleep(100);
    proc = await spawnServer(dataDir, env);
    const platform = await enter(proc.url, c.tokens.platform, c.caseId);
    const again = await enter(proc.url, c.tokens.customer, c.caseId);
    // The customer's offer is still there: a second one in round 1 is refused.
    expect((await offer(again, 1)).error?.reason).toBe('offer.alreadySubmitted');
    expect((await offer(platform, 70_001)).data).toEqual({ round: 1 });
    await waitFor(() => again.states.at(-1)?.offers.rounds[0]?.result, 'the round resolved');
    expect(again.states.at(-1)?.offers.rounds[0]?.result).toMatchObject({ overlap: true, midpointCents: 65_500 });
    const reader = connectDoc(proc.url, c.caseId, c.tokens.mediator);
    try {
      await waitFor(() => amountAgreed(reader) === 65_500, 'the midpoint in the terms after the restart');
    } finally {
      reader.destroy();
    }
    platform.room.close();
    again.room.close();
    await proc.stop();
    proc = null;
    const store = new SqliteStore({ filename: join(dataDir, 'accord.db') });
    try {
      expect((await store.listOffers(c.caseId)).map((o) => o.role)).toEqual(['customer', 'platform']);
      expect(await store.listOfferResults(c.caseId)).toMatchObject([
        { round: 1, overlap: true, midpointCents: 65_500 },
      ]);
    } finally {
      await store.close();
    }
  });
});
