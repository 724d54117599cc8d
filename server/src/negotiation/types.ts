import type { NegotiationState } from '@accord/shared';

/**
 * The seams between the negotiation's parts: consent and rounds (`consent.ts`), blind offers
 * (`offers.ts`), and the room, which is told when what everyone sees has changed.
 */

/** The blind-offer part of what the room sees: who has submitted in each round and the results, never an amount. */
export interface OfferViews {
  view(caseId: string): Promise<NegotiationState['offers']>;
}

/** Re-sends the negotiation state to everyone in the case's room (on this node and, through the bus, the others). */
export type PublishNegotiation = (caseId: string) => Promise<void>;
