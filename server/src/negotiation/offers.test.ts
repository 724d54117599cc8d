import { randomBytes, randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { AgreementDoc, type Phase } from '@accord/shared';
import { AuditLog } from '../audit/log';
import type { Principal } from '../auth/service';
import { DataCipher } from '../evidence/cipher';
import { createLogger } from '../log';
import { MemoryStore } from '../store/memory';
import { defaultRoomState, type OfferStore } from '../store/types';
import { OFFER_RESOLVED, OfferService } from './offers';

const caseId = randomUUID();
const party = (role: 'customer' | 'platform'): Principal => ({
  userId: randomUUID(),
  displayName: role,
  role,
  caseId,
  sessionId: '',
});
const customer = party('customer');
const platform = party('platform');

/** One node's OfferService over a shared store and key; what it wrote into the terms and published is kept. */
function node(
  store: MemoryStore & OfferStore,
  cipher: DataCipher,
  over: Partial<OfferStore> = {},
  room: { phase: Phase } = { phase: 'drafting' },
) {
  const doc = new Y.Doc();
  const published: string[] = [];
  const errors: unknown[] = [];
  const log = createLogger({ logLevel: 'silent' });
  log.error = (obj: { err?: unknown }) => void errors.push(obj.err);
  const service = new OfferService({
    store: Object.assign(Object.create(store) as MemoryStore, over),
    rooms: { get: async (id) => ({ ...defaultRoomState(id), phase: room.phase }) },
    cipher,
    audit: new AuditLog(store),
    changeDoc: async (_name, fn) => fn(doc),
    publish: async (id) => void published.push(id),
    log,
    limit: 3,
  });
  const termsWritten = () => doc.getMap(AgreementDoc.terms).get('amountAgreedCents');
  return { service, published, errors, termsWritten };
}

const resolvedEntries = async (store: MemoryStore) =>
  (await store.listAudit(caseId, { limit: 100 })).filter((e) => e.kind === OFFER_RESOLVED);

describe('OfferService', () => {
  it('two nodes completing the same round at once resolve it once: one result, one audit entry, one terms write', async () => {
    const store = new MemoryStore();
    const cipher = new DataCipher(randomBytes(32));
    const a = node(store, cipher);
    const b = node(store, cipher);
    const [x, y] = await Promise.all([
      a.service.submit(customer, { amountCents: 10_000 }),
      b.service.submit(platform, { amountCents: 20_001 }),
    ]);
    expect([x, y]).toEqual([{ round: 1 }, { round: 1 }]);
    expect(await store.listOfferResults(caseId)).toMatchObject([{ round: 1, overlap: true, midpointCents: 15_000 }]);
    expect(await resolvedEntries(store)).toHaveLength(1);
    expect([a.termsWritten(), b.termsWritten()].filter((v) => v !== undefined)).toEqual([15_000]);
  });

  it('an offer stands when its round cannot be resolved; the next view resolves it and tells the room', async () => {
    const store = new MemoryStore();
    const cipher = new DataCipher(randomBytes(32));
    let failures = 1;
    const flaky = node(store, cipher, {
      resolveOfferRound: async (r) => {
        if (failures-- > 0) throw new Error('store unreachable');
        return store.resolveOfferRound(r);
      },
    });
    await flaky.service.submit(customer, { amountCents: 30_000 });
    // The second offer is stored and acknowledged although its round's result could not be.
    expect(await flaky.service.submit(platform, { amountCents: 20_000 })).toEqual({ round: 1 });
    expect(flaky.errors).toHaveLength(1);
    expect(await store.listOfferResults(caseId)).toEqual([]);
    const published = flaky.published.length;
    const view = await flaky.service.view(caseId);
    expect(view.rounds).toEqual([
      {
        round: 1,
        submitted: { customer: true, platform: true },
        result: { overlap: false, midpointCents: null, at: expect.any(String) },
      },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(flaky.published.length).toBe(published + 1);
    // Apart: nothing is written into the terms.
    expect(flaky.termsWritten()).toBeUndefined();
  });

  it('a round resolved late, once the room is signing, keeps its result but leaves the frozen terms alone', async () => {
    const store = new MemoryStore();
    const room: { phase: Phase } = { phase: 'drafting' };
    let failures = 1;
    const late = node(
      store,
      new DataCipher(randomBytes(32)),
      {
        resolveOfferRound: async (r) => {
          if (failures-- > 0) throw new Error('store unreachable');
          return store.resolveOfferRound(r);
        },
      },
      room,
    );
    await late.service.submit(customer, { amountCents: 10_000 });
    await late.service.submit(platform, { amountCents: 30_000 });
    room.phase = 'signing';
    expect((await late.service.view(caseId)).rounds[0]?.result).toMatchObject({ overlap: true, midpointCents: 20_000 });
    expect(late.termsWritten()).toBeUndefined();
  });

  it('a sealed offer moved to another row does not open: the round is not resolved with it', async () => {
    const store = new MemoryStore();
    const cipher = new DataCipher(randomBytes(32));
    // A store that hands back the customer's sealed offer as the platform's too.
    const swapped = node(store, cipher, {
      listOffers: async (id) => {
        const list = await store.listOffers(id);
        const mine = list.find((o) => o.role === 'customer');
        return list.map((o) => (o.role === 'platform' && mine ? { ...o, sealed: mine.sealed } : o));
      },
    });
    await swapped.service.submit(customer, { amountCents: 30_000 });
    expect(await swapped.service.submit(platform, { amountCents: 40_000 })).toEqual({ round: 1 });
    expect(String(swapped.errors[0])).toMatch(/unable to authenticate|auth/i);
    expect(await store.listOfferResults(caseId)).toEqual([]);
    expect(await resolvedEntries(store)).toEqual([]);
    expect(swapped.termsWritten()).toBeUndefined();
    // The room still gets its view: the round open, both submitted; a further offer is a second one.
    expect((await swapped.service.view(caseId)).rounds).toEqual([
      { round: 1, submitted: { customer: true, platform: true }, result: null },
    ]);
    await expect(swapped.service.submit(customer, { amountCents: 1 })).rejects.toMatchObject({
      reason: 'offer.alreadySubmitted',
    });
  });

  it('sealed offers are the same length whatever the amount, and hold no rendering of it', async () => {
    const store = new MemoryStore();
    const cipher = new DataCipher(randomBytes(32));
    const { service } = node(store, cipher);
    await service.submit(customer, { amountCents: 1 });
    await service.submit(platform, { amountCents: 9_999_999_999 });
    const sealed = await store.listOffers(caseId);
    expect(sealed.map((o) => o.sealed.length)).toEqual([36, 36]);
    expect(Buffer.from(sealed[1]!.sealed).includes(Buffer.from('9999999999'))).toBe(false);
  });
});
