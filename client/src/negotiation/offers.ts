import { MAX_OFFER_CENTS, type NegotiationState, type OfferRoundView } from '@accord/shared';
import { parseMoney } from '../agreement/terms';

/** Where the blind offers stand, from the state everyone sees. */
export interface OfferProgress {
  /** The round open for offers now (a new one when every earlier one has its result), or null. */
  open: OfferRoundView | null;
  /** The round whose offers met (no further round is needed), or null. */
  settled: OfferRoundView | null;
  /** Rounds still allowed, the open one included. */
  left: number;
  /** Rounds with a result, oldest first. */
  done: OfferRoundView[];
}

export function offerProgress(offers: NegotiationState['offers']): OfferProgress {
  const done = offers.rounds.filter((r) => r.result !== null).sort((a, b) => a.round - b.round);
  const settled = done.find((r) => r.result?.overlap) ?? null;
  const left = Math.max(0, offers.limit - done.length);
  let open: OfferRoundView | null = null;
  if (!settled) {
    open = offers.rounds.find((r) => r.result === null) ?? null;
    if (!open && left > 0) {
      const round = Math.max(0, ...offers.rounds.map((r) => r.round)) + 1;
      open = { round, submitted: { customer: false, platform: false }, result: null };
    }
  }
  return { open, settled, left, done };
}

export type OfferAmount = { ok: true; cents: number } | { ok: false };

/** An offer typed in yuan: a positive amount, at most the largest offer the server takes. */
export function parseOffer(raw: string): OfferAmount {
  const cents = parseMoney(raw);
  return typeof cents === 'number' && cents >= 1 && cents <= MAX_OFFER_CENTS ? { ok: true, cents } : { ok: false };
}

/** The part of `sessionStorage` the offer memory uses (a Map in tests). */
export interface OfferStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const offerKey = (caseId: string, me: string, round: number) => `accord:offer:${caseId}:${me}:${round}`;

function sessionStore(): OfferStorage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * My own offer for a round, kept only in this tab's session (gone when the tab closes) so that I can
 * see what I submitted: the server never sends it back, and nothing else on the page holds it.
 */
export function rememberOffer(
  caseId: string,
  me: string,
  round: number,
  cents: number,
  storage: OfferStorage | null = sessionStore(),
): void {
  try {
    storage?.setItem(offerKey(caseId, me, round), String(cents));
  } catch {
    // Storage refused (private mode, full): the amount is simply not shown again.
  }
}

export function recallOffer(
  caseId: string,
  me: string,
  round: number,
  storage: OfferStorage | null = sessionStore(),
): number | null {
  try {
    const raw = storage?.getItem(offerKey(caseId, me, round));
    const n = raw ? Number(raw) : NaN;
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}
