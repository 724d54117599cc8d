import {
  AccordError,
  AgreementDoc,
  PARTY_ROLES,
  agreementFingerprint,
  can,
  canonicalAgreementText,
  clauseConsent,
  hashedClauses,
  isParty,
  readTermsMap,
  type ConsentEntry,
  type ConsentPayload,
  type NegotiationState,
  type Phase,
  type RoundSummary,
  type RoundView,
} from '@accord/shared';
import type { RoomStates } from '../access/room-states';
import type { DocRegistry } from '../agreement/registry';
import { storedDoc } from '../agreement/stored-doc';
import type { AuditLog } from '../audit/log';
import type { Principal } from '../auth/service';
import type { Logger } from '../log';
import type { AuditRecord, CaseStore, ConsentRecord, DocStore, NegotiationStore, RoundRecord } from '../store/types';
import { KeyedSerialQueue } from '../lib/serial-queue';
import type { OfferViews, PublishNegotiation } from './types';

/** Consent is given while the agreement is worked on; once signing starts it stands as it is. */
const CONSENT_PHASES: readonly Phase[] = ['opening', 'joint', 'caucus', 'drafting'];
/** No round is closed before the room opens (nothing to snapshot yet) or after the session (nothing changes). */
const NO_ROUND_PHASES: readonly Phase[] = ['scheduled', 'concluded'];

export interface NegotiationDeps {
  store: NegotiationStore & CaseStore & DocStore;
  rooms: RoomStates;
  docs: DocRegistry;
  audit: AuditLog;
  offers: OfferViews;
  /** Tells everyone in the room that the state changed (RoomBroadcasts; across nodes by the adapter). */
  publish: PublishNegotiation;
  /** An audit entry written (for the activity feed, where it has a kind there). */
  recorded?: (entry: AuditRecord) => void;
  log: Logger;
}

const toEntry = ({ caseId: _caseId, ...entry }: ConsentRecord): ConsentEntry => entry;

const toSummary = (r: RoundRecord): RoundSummary => ({
  n: r.n,
  closedAt: r.closedAt,
  closedBy: r.closedBy,
  note: r.note,
  fingerprint: r.fingerprint,
});

/**
 * Clause-by-clause consent and negotiation rounds. Consent names the hash of the clause's text as
 * the party read it and is checked against the agreement as stored now, so a party never agrees to a
 * text that has moved on; a round snapshots the agreement (canonical text, terms, where consent
 * stood) into the store. Blind offers are `offers.ts`; their view comes in through `OfferViews`.
 */
export class NegotiationService {
  private readonly publishing = new KeyedSerialQueue();

  constructor(private readonly deps: NegotiationDeps) {}

  /** Everything about the negotiation a member of the room may see (the same for every member). */
  async state(caseId: string): Promise<NegotiationState> {
    const { store, offers } = this.deps;
    const [consent, authors, rounds, offerView] = await Promise.all([
      store.listConsent(caseId),
      store.listDocAuthors(caseId),
      store.listRounds(caseId),
      offers.view(caseId),
    ]);
    return { consent: consent.map(toEntry), authors, rounds: rounds.map(toSummary), offers: offerView };
  }

  /** A party agrees to, or objects to, one clause's text as it reads now. */
  async consent(p: Principal, payload: ConsentPayload): Promise<NegotiationState> {
    const role = p.role;
    if (!can(role, 'negotiation.consent') || !isParty(role)) {
      throw AccordError.because('FORBIDDEN', 'negotiation.partiesOnly', `a ${role} does not consent to clauses`);
    }
    await this.requirePhase(p.caseId, (phase) => CONSENT_PHASES.includes(phase));
    const { store } = this.deps;
    const c = await store.getCase(p.caseId);
    if (!c) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    const doc = await storedDoc(this.deps.docs, store, p.caseId);
    let clauses: Awaited<ReturnType<typeof hashedClauses>>;
    try {
      clauses = await hashedClauses(doc, c.language);
    } finally {
      doc.destroy();
    }
    const clause = clauses.find((x) => x.id === payload.clauseId);
    if (!clause) {
      throw AccordError.because('NOT_FOUND', 'negotiation.noSuchClause', 'the agreement has no such clause', {
        clauseId: payload.clauseId,
      });
    }
    if (clause.hash !== payload.hash) {
      throw AccordError.because('CONFLICT', 'negotiation.clauseChanged', 'the clause changed; read it again', {
        clause: clause.number,
      });
    }
    // Again, right before storing: signing may have started while the agreement was read, and once the
    // text is frozen no consent is taken (the freeze checked consent as it stood).
    await this.requirePhase(p.caseId, (phase) => CONSENT_PHASES.includes(phase));
    const stored = await store.addConsent({
      caseId: p.caseId,
      clauseId: clause.id,
      hash: clause.hash,
      userId: p.userId,
      role,
      displayName: p.displayName,
      state: payload.state,
      reason: payload.reason,
      at: new Date().toISOString(),
    });
    await this.note(p, 'consent.given', {
      clause: clause.number,
      clauseId: clause.id,
      hash: clause.hash,
      state: stored.state,
      seq: stored.seq,
      reasonGiven: stored.reason !== '',
    });
    await this.publish(p.caseId);
    return this.state(p.caseId);
  }

  /** The mediator closes a round: the agreement's text, terms and consent are snapshotted and stored. */
  async closeRound(p: Principal, { note }: { note: string }): Promise<RoundSummary> {
    if (!can(p.role, 'negotiation.round')) {
      throw AccordError.because('FORBIDDEN', 'room.mediatorOnly', 'only the mediator closes a round');
    }
    await this.requirePhase(p.caseId, (phase) => !NO_ROUND_PHASES.includes(phase));
    const { store } = this.deps;
    const c = await store.getCase(p.caseId);
    if (!c) throw AccordError.because('NOT_FOUND', 'case.notFound', 'no such case');
    const [doc, entries] = await Promise.all([storedDoc(this.deps.docs, store, p.caseId), store.listConsent(p.caseId)]);
    let text: string;
    let snapshot: Omit<RoundRecord, 'n' | 'caseId' | 'closedAt' | 'closedBy' | 'note' | 'fingerprint'>;
    try {
      text = canonicalAgreementText(doc, c.number, c.language);
      const clauses = await hashedClauses(doc, c.language);
      const consent = clauseConsent(clauses, entries);
      snapshot = {
        text,
        terms: readTermsMap(doc.getMap(AgreementDoc.terms)),
        clauses: clauses.map((clause, i) => {
          const parties = consent[i]!.parties;
          return {
            id: clause.id,
            number: clause.number,
            hash: clause.hash,
            text: clause.text,
            agreedBy: PARTY_ROLES.filter((r) => parties[r].state === 'agreed'),
            objectedBy: PARTY_ROLES.filter((r) => parties[r].state === 'objected'),
          };
        }),
      };
    } finally {
      doc.destroy();
    }
    const round = await store.addRound({
      caseId: p.caseId,
      closedAt: new Date().toISOString(),
      closedBy: { userId: p.userId, role: p.role, displayName: p.displayName },
      note,
      fingerprint: await agreementFingerprint(text),
      ...snapshot,
    });
    await this.note(p, 'round.closed', { n: round.n, fingerprint: round.fingerprint });
    await this.publish(p.caseId);
    return toSummary(round);
  }

  /**
   * Sends everyone in the room the state as it is now (after a change here, or elsewhere: a new
   * author, an offer). What changed is stored already, so a failed broadcast is logged, not thrown:
   * a member who missed it reads the state again when they reconnect.
   */
  async publish(caseId: string): Promise<void> {
    try {
      // One at a time per case: each reads the state after the one before was sent, so the room
      // receives them in the order they were read (an older state never follows a newer one).
      await this.publishing.run(caseId, () => this.deps.publish(caseId));
    } catch (err) {
      this.deps.log.warn({ err, event: 'negotiation.publish_failed', caseId }, 'negotiation state not sent');
    }
  }

  /** One closed round's snapshot; anyone in the room may read any round. */
  async getRound(p: Principal, n: number): Promise<RoundView> {
    const round = (await this.deps.store.listRounds(p.caseId)).find((r) => r.n === n);
    if (!round) throw AccordError.because('NOT_FOUND', 'negotiation.noSuchRound', `there is no round ${n}`, { n });
    const { caseId: _caseId, ...view } = round;
    return view;
  }

  private async requirePhase(caseId: string, allowed: (phase: Phase) => boolean): Promise<void> {
    const { phase } = await this.deps.rooms.fresh(caseId);
    if (!allowed(phase)) {
      throw AccordError.because('PHASE_RULES', 'negotiation.notNow', `not while the room is ${phase}`, { phase });
    }
  }

  private async note(p: Principal, kind: string, detail: Record<string, string | number | boolean>): Promise<void> {
    const entry = await this.deps.audit.append(p.caseId, p.userId, kind, {
      actor: { userId: p.userId, displayName: p.displayName, role: p.role },
      target: null,
      detail,
    });
    this.deps.recorded?.(entry);
  }
}
