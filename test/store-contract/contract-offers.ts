import { expect, it } from 'vitest';
import type { OfferRecord } from '@accord/server';
import type { ContractContext } from './context';

/** Blind offers: one per role per round, one result per round (whoever races), purged with the case. */
export function contractOffers(t: ContractContext): void {
  const offer = (round: number, role: OfferRecord['role'], bytes: number[]): OfferRecord => ({
    caseId: t.caseId,
    round,
    role,
    userId: t.userId,
    sealed: new Uint8Array(bytes),
    at: new Date().toISOString(),
  });

  it('70. an offer is stored once per role and round; a second is refused and changes nothing', async () => {
    const { store, caseId } = t;
    expect(await store.addOffer(offer(1, 'customer', [1, 2, 3]))).toBe(true);
    expect(await store.addOffer(offer(1, 'customer', [9, 9]))).toBe(false);
    expect(await store.addOffer(offer(1, 'platform', [4, 5]))).toBe(true);
    expect(await store.addOffer(offer(2, 'customer', [6]))).toBe(true);
    const stored = await store.listOffers(caseId);
    expect(stored.map((o) => [o.round, o.role, [...o.sealed]])).toEqual([
      [1, 'customer', [1, 2, 3]],
      [1, 'platform', [4, 5]],
      [2, 'customer', [6]],
    ]);
    expect(stored[0]).toMatchObject({ caseId, userId: t.userId });
    expect(stored[0]?.sealed).toBeInstanceOf(Uint8Array);
  });

  it('71. concurrent offers of one role in one round: exactly one is stored', async () => {
    const { store, caseId } = t;
    const tries = await Promise.all([1, 2, 3, 4, 5].map((b) => store.addOffer(offer(1, 'platform', [b]))));
    expect(tries.filter(Boolean)).toHaveLength(1);
    const stored = await store.listOffers(caseId);
    expect(stored).toHaveLength(1);
    expect([...stored[0]!.sealed]).toEqual([[1, 2, 3, 4, 5][tries.indexOf(true)]]);
  });

  it('72. a round is resolved once, whoever races; results keep overlap and midpoint as given', async () => {
    const { store, caseId } = t;
    const at = new Date().toISOString();
    const tries = await Promise.all(
      [1, 2, 3].map((i) =>
        store.resolveOfferRound({ caseId, round: 1, overlap: true, midpointCents: 9_999_999_999 + i, at }),
      ),
    );
    expect(tries.filter(Boolean)).toHaveLength(1);
    expect(await store.resolveOfferRound({ caseId, round: 2, overlap: false, midpointCents: null, at })).toBe(true);
    const results = await store.listOfferResults(caseId);
    expect(results).toEqual([
      { caseId, round: 1, overlap: true, midpointCents: 9_999_999_999 + 1 + tries.indexOf(true), at },
      { caseId, round: 2, overlap: false, midpointCents: null, at },
    ]);
  });

  it("73. purging a case deletes its sealed offers (the results stay); other cases' are kept", async () => {
    const { store, caseId } = t;
    const other = await store.createCase({
      id: crypto.randomUUID(),
      title: 'Other',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    await store.addOffer(offer(1, 'customer', [1]));
    await store.addOffer({ ...offer(1, 'customer', [2]), caseId: other.id });
    await store.resolveOfferRound({
      caseId,
      round: 1,
      overlap: false,
      midpointCents: null,
      at: new Date().toISOString(),
    });
    await store.purgeCase(caseId, new Date().toISOString());
    expect(await store.listOffers(caseId)).toEqual([]);
    expect(await store.listOfferResults(caseId)).toHaveLength(1);
    expect(await store.listOffers(other.id)).toHaveLength(1);
  });
}
