import type * as Y from 'yjs';
import {
  AccordError,
  AgreementDoc,
  PARTY_ROLES,
  can,
  resolveOffers,
  type NegotiationState,
  type OfferPayload,
  type OfferRoundView,
  type PartyRole,
  type Phase,
} from '@accord/shared';
import type { RoomStates } from '../access/room-states';
import type { AuditLog } from '../audit/log';
import type { Principal } from '../auth/service';
import type { DataCipher } from '../evidence/cipher';
import { KeyedSerialQueue } from '../lib/serial-queue';
import type { Logger } from '../log';
import type { OfferRecord, OfferResultRecord, OfferStore } from '../store/types';
import type { OfferViews, PublishNegotiation } from './types';

/** Blind offers are made while the parties negotiate: the joint session, a private session, drafting. */
const OFFER_PHASES: readonly Phase[] = ['joint', 'caucus', 'drafting'];

/** The sealed plaintext: the amount as a fixed-width integer, so a blob's length says nothing of it. */
const AMOUNT_BYTES = 8;

export const OFFER_MADE = 'offer.made';
export const OFFER_RESOLVED = 'offer.resolved';

export interface OfferServiceDeps {
  store: OfferStore;
  rooms: Pick<RoomStates, 'get'>;
  cipher: DataCipher;
  audit: AuditLog;
  /** Applies a change of the server's to a document, stored before it is relayed (DocRegistry.change). */
  changeDoc: (name: string, fn: (doc: Y.Doc) => void) => Promise<void>;
  /** Re-sends the negotiation state to the room. */
  publish: PublishNegotiation;
  log: Logger;
  /** Rounds per case. */
  limit: number;
}

/**
 * Double-blind bidding: each party privately names a number (the customer the least they would
 * accept, the lender the most it would pay) for the current round. The amounts are sealed with the
 * data key, bound to their case, round and role; the server alone opens them, once both are in,
 * and tells the room only whether they overlap and, if they do, the midpoint, which it proposes
 * into the agreement's terms (the amount agreed). The audit records that an offer was made, by whom
 * and in which round, never its amount; nothing else is told to anyone, the submitter included
 * (its ack names the round).
 *
 * A round is current until it has a result: the next is the number of results plus one. One node
 * serialises a case's offers; across nodes the store's keys decide (one offer per role and round,
 * one result per round), so a round is resolved, audited and written into the terms exactly once
 * whoever races.
 */
export class OfferService implements OfferViews {
  private readonly queues = new KeyedSerialQueue();

  constructor(private readonly deps: OfferServiceDeps) {}

  async submit(p: Principal, { amountCents }: OfferPayload): Promise<{ round: number }> {
    if (!can(p.role, 'negotiation.offer')) {
      throw new AccordError('FORBIDDEN', `a ${p.role} may not make a blind offer; only the parties do`);
    }
    const { phase } = await this.deps.rooms.get(p.caseId);
    if (!OFFER_PHASES.includes(phase)) {
      throw AccordError.because('PHASE_RULES', 'offer.notInPhase', `no blind offers during ${phase}`, { phase });
    }
    const role = p.role as PartyRole;
    const round = await this.queues.run(p.caseId, async () => {
      const { results } = await this.settled(p.caseId);
      const current = results.length + 1;
      const { limit } = this.deps;
      if (current > limit) {
        throw AccordError.because('CONFLICT', 'offer.limitReached', `all ${limit} offer rounds have been used`, {
          limit,
        });
      }
      const offer: OfferRecord = {
        caseId: p.caseId,
        round: current,
        role,
        userId: p.userId,
        sealed: this.seal(p.caseId, current, role, amountCents),
        at: new Date().toISOString(),
      };
      if (!(await this.deps.store.addOffer(offer))) {
        throw AccordError.because(
          'CONFLICT',
          'offer.alreadySubmitted',
          `you have already made your offer in round ${current}`,
          { round: current },
        );
      }
      await this.deps.audit.append(p.caseId, p.userId, OFFER_MADE, {
        actor: { userId: p.userId, displayName: p.displayName, role: p.role },
        target: null,
        detail: { round: current, role },
      });
      // The offer is stored: its round's result, if this completed it, cannot unmake it (see `settled`).
      await this.settled(p.caseId);
      return current;
    });
    await this.deps.publish(p.caseId).catch((err: unknown) => {
      this.deps.log.warn({ err, event: 'offer.publish_failed', caseId: p.caseId }, 'could not publish the offers');
    });
    return { round };
  }

  async view(caseId: string): Promise<NegotiationState['offers']> {
    const { offers, results, resolvedNow } = await this.queues.run(caseId, () => this.settled(caseId));
    // A round left complete but unresolved (a node stopped in between) was resolved just now: the
    // room hears of it too. (That view finds nothing left to resolve, so this does not recur.)
    if (resolvedNow) {
      void this.deps.publish(caseId).catch((err: unknown) => {
        this.deps.log.warn({ err, event: 'offer.publish_failed', caseId }, 'could not publish the offers');
      });
    }
    const rounds = new Map<number, OfferRoundView>();
    const roundView = (round: number): OfferRoundView => {
      let v = rounds.get(round);
      if (!v) {
        v = { round, submitted: { customer: false, platform: false }, result: null };
        rounds.set(round, v);
      }
      return v;
    };
    for (const o of offers) roundView(o.round).submitted[o.role] = true;
    for (const r of results) {
      roundView(r.round).result = { overlap: r.overlap, midpointCents: r.midpointCents, at: r.at };
    }
    return { limit: this.deps.limit, rounds: [...rounds.values()].sort((a, b) => a.round - b.round) };
  }

  /**
   * The case's offers and results, after resolving every round that has both offers and no result:
   * the one just completed, or one a stopped node left. Run in the case's queue. A round that cannot
   * be resolved now is logged and left open; it does not fail the caller.
   */
  private async settled(
    caseId: string,
  ): Promise<{ offers: OfferRecord[]; results: OfferResultRecord[]; resolvedNow: boolean }> {
    const { store } = this.deps;
    let [offers, results] = await Promise.all([store.listOffers(caseId), store.listOfferResults(caseId)]);
    const resolved = new Set(results.map((r) => r.round));
    const complete = [...new Set(offers.map((o) => o.round))].filter(
      (round) =>
        !resolved.has(round) && PARTY_ROLES.every((role) => offers.some((o) => o.round === round && o.role === role)),
    );
    if (complete.length === 0) return { offers, results, resolvedNow: false };
    let resolvedNow = false;
    for (const round of complete.sort((a, b) => a - b)) {
      try {
        await this.resolve(
          caseId,
          round,
          offers.filter((o) => o.round === round),
        );
        resolvedNow = true;
      } catch (err) {
        // The offers stay stored and the round open; the next offer or view of the case tries again.
        // Meanwhile the room sees both submitted and no result (and a new offer is refused as a second
        // one in that round), rather than the whole negotiation state failing.
        this.deps.log.error({ err, event: 'offer.resolve_failed', caseId, round }, 'could not resolve an offer round');
      }
    }
    [offers, results] = await Promise.all([store.listOffers(caseId), store.listOfferResults(caseId)]);
    return { offers, results, resolvedNow };
  }

  /** Opens a complete round's two offers and records its result; only the node whose result is stored goes on. */
  private async resolve(caseId: string, round: number, offers: OfferRecord[]): Promise<void> {
    const amountOf = (role: PartyRole): number => {
      const o = offers.find((x) => x.role === role);
      if (!o) throw new Error(`round ${round} has no ${role} offer`);
      return this.open(o);
    };
    const { overlap, midpointCents } = resolveOffers(amountOf('customer'), amountOf('platform'));
    const at = new Date().toISOString();
    const won = await this.deps.store.resolveOfferRound({ caseId, round, overlap, midpointCents, at });
    if (!won) return;
    await this.deps.audit.append(caseId, null, OFFER_RESOLVED, {
      actor: null,
      target: null,
      // The midpoint is public (it goes into the terms); the offers it lies between are not.
      detail: overlap ? { round, overlap, midpointCents } : { round, overlap },
    });
    if (midpointCents === null) return;
    // A round resolved late (left open by a stopped node) after the room moved on to signing or beyond
    // keeps its result, but the frozen or concluded agreement is not changed under the signers.
    const { phase } = await this.deps.rooms.get(caseId);
    if (!OFFER_PHASES.includes(phase)) {
      this.deps.log.warn(
        { event: 'offer.midpoint_not_written', caseId, round, phase },
        'midpoint left out of the terms',
      );
      return;
    }
    await this.deps.changeDoc(caseId, (doc) => {
      doc.getMap(AgreementDoc.terms).set('amountAgreedCents', midpointCents);
    });
  }

  private seal(caseId: string, round: number, role: PartyRole, amountCents: number): Uint8Array {
    const plain = Buffer.alloc(AMOUNT_BYTES);
    plain.writeBigUInt64BE(BigInt(amountCents));
    return this.deps.cipher.encrypt(plain, associatedData(caseId, round, role));
  }

  private open(o: OfferRecord): number {
    const plain = this.deps.cipher.decrypt(o.sealed, associatedData(o.caseId, o.round, o.role));
    return Number(plain.readBigUInt64BE());
  }
}

/** Binds a sealed offer to its case, round and role: moved to another row, it no longer opens. */
const associatedData = (caseId: string, round: number, role: PartyRole) => `blind-offer:${caseId}:${round}:${role}`;
