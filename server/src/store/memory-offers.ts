import type { OfferRecord, OfferResultRecord, OfferStore } from './types';

/** The memory store's blind offers and their results (its own class: the store's file stays readable). */
export class MemoryOffers implements OfferStore {
  private readonly offers: OfferRecord[] = [];
  private readonly offerResults: OfferResultRecord[] = [];

  async addOffer(offer: OfferRecord): Promise<boolean> {
    if (this.offers.some((o) => o.caseId === offer.caseId && o.round === offer.round && o.role === offer.role))
      return false;
    this.offers.push({ ...offer, sealed: offer.sealed.slice() });
    return true;
  }

  async listOffers(caseId: string): Promise<OfferRecord[]> {
    return this.offers
      .filter((o) => o.caseId === caseId)
      .sort((a, b) => a.round - b.round || a.role.localeCompare(b.role))
      .map((o) => ({ ...o, sealed: o.sealed.slice() }));
  }

  async resolveOfferRound(result: OfferResultRecord): Promise<boolean> {
    if (this.offerResults.some((r) => r.caseId === result.caseId && r.round === result.round)) return false;
    this.offerResults.push({ ...result });
    return true;
  }

  async listOfferResults(caseId: string): Promise<OfferResultRecord[]> {
    return this.offerResults
      .filter((r) => r.caseId === caseId)
      .sort((a, b) => a.round - b.round)
      .map((r) => ({ ...r }));
  }

  /** A purged case's sealed offers go; its results (no amounts but the public midpoint) stay. */
  purge(caseId: string): void {
    for (let i = this.offers.length - 1; i >= 0; i--) if (this.offers[i]!.caseId === caseId) this.offers.splice(i, 1);
  }
}
