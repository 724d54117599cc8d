import { z } from 'zod';
import { IsoDateTime, UserId } from './ids';
import { PARTY_ROLES, PartyRole } from './roles';
import { SettlementTerms } from './documents';
import { TERMS_CLAUSE_ID } from './clause-id';

/**
 * The negotiation toolkit's contract: consent clause by clause, rounds the mediator closes, and
 * blind offers. docs/PROTOCOL.md ("Negotiation") describes the events.
 *
 * Consent is bound to a clause's text: a party agrees to (or objects to) the text whose SHA-256 it
 * names. An edit changes the text, so the consent given before it no longer counts for the clause
 * (it stays in the history, for the sealed record), and everyone's view shows the clause as changed.
 */

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');

/** A clause id: `terms`, or the Yjs item id (`<client>.<clock>`) of a top-level block of the body. */
export const ClauseId = z.union([z.literal(TERMS_CLAUSE_ID), z.string().regex(/^\d{1,10}\.\d{1,15}$/)]);

export const ConsentState = z.enum(['agreed', 'objected']);
export type ConsentState = z.infer<typeof ConsentState>;

/** The longest objection reason: a short note, the conversation happens in the chat. */
export const OBJECTION_MAX = 280;
export const OBJECTION_MIN = 2;

export const ConsentPayload = z
  .strictObject({
    clauseId: ClauseId,
    /** SHA-256 of the clause's text as the party read it: consent is refused when the text moved on. */
    hash: Hex64,
    state: ConsentState,
    reason: z.string().normalize('NFC').trim().max(OBJECTION_MAX).default(''),
  })
  .refine((p) => p.state === 'agreed' || [...p.reason].length >= OBJECTION_MIN, {
    path: ['reason'],
    message: `give a short reason for an objection (at least ${OBJECTION_MIN} characters)`,
  })
  .refine((p) => p.state === 'objected' || p.reason === '', {
    path: ['reason'],
    message: 'only an objection carries a reason',
  });
export type ConsentPayload = z.infer<typeof ConsentPayload>;

/** One consent given by a party, as stored (never changed: a later one supersedes it). */
export const ConsentEntry = z.object({
  seq: z.int().min(1),
  clauseId: ClauseId,
  hash: Hex64,
  userId: UserId,
  role: PartyRole,
  displayName: z.string(),
  state: ConsentState,
  reason: z.string(),
  at: IsoDateTime,
});
export type ConsentEntry = z.infer<typeof ConsentEntry>;

/** Who wrote with a Yjs client id in a case's agreement: a clause's proposer is the author of its block. */
export const DocAuthor = z.object({
  client: z.int().min(0),
  userId: UserId,
  role: z.string(),
  displayName: z.string(),
});
export type DocAuthor = z.infer<typeof DocAuthor>;

export const RoundNote = z.string().normalize('NFC').trim().max(200);

export const RoundClosePayload = z.strictObject({
  /** What the round settled or left open, in a few words (optional). */
  note: RoundNote.default(''),
});

export const RoundGetPayload = z.strictObject({ n: z.int().min(1).max(10_000) });

export const RoundSummary = z.object({
  n: z.int().min(1),
  closedAt: IsoDateTime,
  closedBy: z.object({ userId: UserId, role: z.string(), displayName: z.string() }),
  note: z.string(),
  /** SHA-256 of the round's canonical text. */
  fingerprint: Hex64,
});
export type RoundSummary = z.infer<typeof RoundSummary>;

/** A round as snapshotted: the agreement's canonical text and terms, and where consent stood. */
export const RoundView = RoundSummary.extend({
  text: z.string(),
  terms: SettlementTerms,
  clauses: z.array(
    z.object({
      id: ClauseId,
      number: z.int().min(1),
      hash: Hex64,
      text: z.string(),
      agreedBy: z.array(PartyRole),
      objectedBy: z.array(PartyRole),
    }),
  ),
});
export type RoundView = z.infer<typeof RoundView>;

/** The largest blind offer: ¥100 000 000.00. Above it is a typing slip, not a negotiation. */
export const MAX_OFFER_CENTS = 10_000_000_000;

export const OfferPayload = z.strictObject({
  amountCents: z
    .int('integer cents (fen)')
    .min(1, 'an offer is a positive amount')
    .max(MAX_OFFER_CENTS, `at most ${MAX_OFFER_CENTS} cents`),
});
export type OfferPayload = z.infer<typeof OfferPayload>;

/** A blind-offer round as everyone sees it: who has submitted, and once both have, whether they overlap. */
export const OfferRoundView = z.object({
  round: z.int().min(1),
  submitted: z.object({ customer: z.boolean(), platform: z.boolean() }),
  result: z
    .object({
      overlap: z.boolean(),
      /** The midpoint proposed into the terms (amount agreed) when they overlap; null when not. */
      midpointCents: z.int().min(0).nullable(),
      at: IsoDateTime,
    })
    .nullable(),
});
export type OfferRoundView = z.infer<typeof OfferRoundView>;

/** Everything about the negotiation a member of the room may see: never an offer's amount. */
export const NegotiationState = z.object({
  consent: z.array(ConsentEntry),
  authors: z.array(DocAuthor),
  rounds: z.array(RoundSummary),
  offers: z.object({ limit: z.int().min(0), rounds: z.array(OfferRoundView) }),
});
export type NegotiationState = z.infer<typeof NegotiationState>;

/**
 * How far a negotiation state has come: every part of it only grows (consent, authors and rounds are
 * appended, an offer round gains submissions and then a result), so of two states of one case the one
 * with the larger progress is the later. A page keeps the later of what it is sent: broadcasts and
 * answers may arrive out of order.
 */
export function negotiationProgress(state: NegotiationState): number {
  const offers = state.offers.rounds.reduce(
    (n, r) => n + Number(r.submitted.customer) + Number(r.submitted.platform) + (r.result ? 1 : 0),
    0,
  );
  return state.consent.length + state.authors.length + state.rounds.length + offers;
}

export type PartyConsent =
  | { state: 'pending'; /** Whether this party had consented to an earlier text of the clause. */ reset: boolean }
  | { state: ConsentState; reason: string; at: string };

export interface ClauseConsent {
  id: string;
  number: number;
  hash: string;
  parties: Record<PartyRole, PartyConsent>;
  /** Every party agreed to the clause's current text. */
  agreed: boolean;
}

/**
 * Where each clause stands: per party, its latest consent to the clause's current text, or pending
 * (with `reset` when it had consented to an earlier text). A party's latest word on a text counts:
 * agreeing after an objection replaces it, and vice versa.
 */
export function clauseConsent(
  clauses: readonly { id: string; number: number; hash: string }[],
  entries: readonly Pick<ConsentEntry, 'seq' | 'clauseId' | 'hash' | 'role' | 'state' | 'reason' | 'at'>[],
): ClauseConsent[] {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  return clauses.map((c) => {
    const parties = {} as Record<PartyRole, PartyConsent>;
    for (const role of PARTY_ROLES) {
      const mine = sorted.filter((e) => e.clauseId === c.id && e.role === role);
      const current = mine.filter((e) => e.hash === c.hash).at(-1);
      parties[role] = current
        ? { state: current.state, reason: current.reason, at: current.at }
        : { state: 'pending', reset: mine.length > 0 };
    }
    return {
      id: c.id,
      number: c.number,
      hash: c.hash,
      parties,
      agreed: PARTY_ROLES.every((r) => parties[r].state === 'agreed'),
    };
  });
}

/** The author of a clause's block, if known. */
export function clauseAuthor(client: number | null, authors: readonly DocAuthor[]): DocAuthor | null {
  return client === null ? null : (authors.find((a) => a.client === client) ?? null);
}

/** Whether two blind offers overlap (the customer asks at most what the lender would pay), and the midpoint. */
export function resolveOffers(
  customerMinCents: number,
  platformMaxCents: number,
): { overlap: boolean; midpointCents: number | null } {
  if (customerMinCents > platformMaxCents) return { overlap: false, midpointCents: null };
  // Rounded down to the cent: the same on every node, and never above what the lender offered.
  return { overlap: true, midpointCents: Math.floor((customerMinCents + platformMaxCents) / 2) };
}
