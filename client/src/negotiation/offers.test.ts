import { describe, expect, it } from 'vitest';
import { MAX_OFFER_CENTS } from '@accord/shared';
import { offerProgress, parseOffer, recallOffer, rememberOffer, type OfferStorage } from './offers';

const at = '2027-01-01T00:00:00.000Z';
const none = { customer: false, platform: false };
const both = { customer: true, platform: true };

describe('where the blind offers stand', () => {
  it('opens round 1 before anyone has offered', () => {
    expect(offerProgress({ limit: 3, rounds: [] })).toEqual({
      open: { round: 1, submitted: none, result: null },
      settled: null,
      left: 3,
      done: [],
    });
  });

  it('keeps the round open while one party has submitted, then opens the next after no overlap', () => {
    const half = { round: 1, submitted: { customer: true, platform: false }, result: null };
    expect(offerProgress({ limit: 3, rounds: [half] }).open).toEqual(half);
    const missed = { round: 1, submitted: both, result: { overlap: false, midpointCents: null, at } };
    const p = offerProgress({ limit: 3, rounds: [missed] });
    expect(p.open?.round).toBe(2);
    expect(p.left).toBe(2);
    expect(p.done).toEqual([missed]);
  });

  it('opens nothing once the offers met, or once the rounds are used up', () => {
    const met = { round: 2, submitted: both, result: { overlap: true, midpointCents: 45_000, at } };
    const missed = { round: 1, submitted: both, result: { overlap: false, midpointCents: null, at } };
    const p = offerProgress({ limit: 3, rounds: [met, missed] });
    expect(p.open).toBeNull();
    expect(p.settled).toEqual(met);
    expect(p.done.map((r) => r.round)).toEqual([1, 2]);
    const spent = offerProgress({ limit: 1, rounds: [missed] });
    expect(spent.open).toBeNull();
    expect(spent.left).toBe(0);
    expect(offerProgress({ limit: 0, rounds: [] }).open).toBeNull();
  });
});

describe('an offer as typed', () => {
  it('takes a positive amount in yuan, at most the largest offer', () => {
    expect(parseOffer('1,280.50')).toEqual({ ok: true, cents: 128_050 });
    expect(parseOffer('0.01')).toEqual({ ok: true, cents: 1 });
    expect(parseOffer(String(MAX_OFFER_CENTS / 100))).toEqual({ ok: true, cents: MAX_OFFER_CENTS });
    for (const bad of ['', '0', '0.00', '-5', 'abc', '1.001', String(MAX_OFFER_CENTS / 100 + 1)]) {
      expect(parseOffer(bad)).toEqual({ ok: false });
    }
  });
});

describe("a party's own offer, kept on its device", () => {
  it('is recalled for the same case, person and round only', () => {
    const map = new Map<string, string>();
    const storage: OfferStorage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
    rememberOffer('c1', 'me', 1, 50_000, storage);
    expect(recallOffer('c1', 'me', 1, storage)).toBe(50_000);
    expect(recallOffer('c1', 'me', 2, storage)).toBeNull();
    expect(recallOffer('c1', 'someone-else', 1, storage)).toBeNull();
    expect(recallOffer('c2', 'me', 1, storage)).toBeNull();
    expect(recallOffer('c1', 'me', 1, null)).toBeNull();
  });

  it('survives storage that refuses', () => {
    const broken: OfferStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => rememberOffer('c1', 'me', 1, 1, broken)).not.toThrow();
    expect(recallOffer('c1', 'me', 1, broken)).toBeNull();
  });
});
