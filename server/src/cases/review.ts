import {
  AccordError,
  HardshipKind,
  evidenceVisibleTo,
  type CaseDetail,
  type CaseHistoryEntry,
  type CaseLifecycle,
  type SessionTime,
  type TimelineEntry,
  type CaseProgress,
  type QueueItem,
  type QueueQuery,
  type ReviewDecision,
  type RuleCheck,
  type UserView,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import { QUESTION_ANSWERED, QUESTION_ASKED } from '../questions/timeline';
import { DOCUMENTS_DECLINED, DOCUMENTS_PROVIDED, DOCUMENTS_REQUESTED } from '../documents/timeline';
import { toUserView, type Identity } from '../auth/service';
import type { EvidenceService } from '../evidence/service';
import type { CaseRecord, CaseStore, EvidenceStore, MemberStore, UserRecord, UserStore } from '../store/types';
import { actorOf, viewerSide, type CaseAccess } from './access';
import { maskParty, type Pii, type PiiVault } from './pii';
import type { CaseTransitions } from './transitions';

/** What each category needs before it can be accepted. Checked and shown to the reviewer. */
function acceptanceRules(c: CaseRecord, pii: Pii | null, evidence: number): RuleCheck[] {
  const rules: RuleCheck[] = [
    {
      code: 'identity',
      rule: 'identity: name, phone and ID number given',
      ok: !!pii && pii.name.length > 1 && pii.nationalId.length === 18,
    },
    { code: 'contract_number', rule: 'contract or loan number given', ok: !!pii && pii.contractNumber.length >= 3 },
    { code: 'description_30', rule: 'description of at least 30 characters', ok: c.summary.length >= 30 },
  ];
  switch (c.category) {
    case 'fees_and_charges':
    case 'contract_terms':
      rules.push({
        code: 'fee_document',
        rule: 'the contract or a statement of the fees is attached',
        ok: evidence >= 1,
      });
      break;
    case 'repayment_hardship':
      rules.push({
        code: 'hardship_proof',
        rule: 'proof of hardship is attached (e.g. unemployment or medical certificate)',
        ok: evidence >= 1,
      });
      break;
    case 'unauthorized_or_fraud':
      rules.push({ code: 'transaction_records', rule: 'transaction records are attached', ok: evidence >= 1 });
      rules.push({ code: 'description_80', rule: 'description of at least 80 characters', ok: c.summary.length >= 80 });
      break;
    default:
      break;
  }
  return rules;
}

/**
 * Platform staff's side of a complaint: the queue, the case in full (identifiers masked
 * unless revealed), the decision against the acceptance rules; and the customer's replies
 * to it (answering a question, withdrawing).
 */
export class ReviewService {
  // Aggregates: cases, members, users (the lender's representatives, names in the history), evidence (count), audit (through AuditLog).
  constructor(
    private readonly store: CaseStore & EvidenceStore & MemberStore & UserStore,
    private readonly access: CaseAccess,
    private readonly pii: PiiVault,
    private readonly evidence: EvidenceService,
    private readonly transitions: CaseTransitions,
    private readonly audit: AuditLog,
  ) {}

  /** The whole case for its viewer; personal identifiers masked. */
  async detail(identity: Identity, caseId: string): Promise<CaseDetail> {
    const { c, actor } = await this.access.caseFor(identity, caseId, ['customer', 'staff', 'admin', 'mediator']);
    const pii = await this.pii.read(c.id);
    // As the viewer's side may see it: the lender's staff never see (nor count) the customer's caucus-only items.
    const evidence = await this.evidence.list(c.id, viewerSide(identity, actor, null));
    const mediator = c.mediatorId ? await this.store.getMember(c.id, c.mediatorId) : null;
    return {
      progress: await this.transitions.progress(c.id),
      category: c.category,
      amountInDisputeCents: c.amountInDisputeCents,
      description: c.summary,
      desiredOutcome: c.desiredOutcome,
      party: maskParty(pii),
      evidence,
      rules: acceptanceRules(c, pii, evidence.length),
      mediator: mediator && { userId: mediator.userId, displayName: mediator.displayName },
    };
  }

  /** Shows one identifier in full to a reviewer or an admin, and records that it was shown. */
  async reveal(
    identity: Identity,
    caseId: string,
    field: 'nationalId' | 'phone',
    reason: string | null = null,
  ): Promise<string> {
    const { c } = await this.access.centreCaseFor(identity, caseId, ['staff', 'admin']);
    const pii = await this.pii.read(c.id);
    if (!pii) throw new AccordError('NOT_FOUND', 'no personal data for this case');
    await this.audit.append(c.id, identity.user.id, 'pii.revealed', {
      field,
      role: identity.user.staffRole,
      ...(reason ? { reason } : {}),
    });
    this.transitions.historyChanged(c.id);
    return pii[field];
  }

  /**
   * The case's history for staff, from its audit log: every status change with its note and the staff
   * reason, each reveal of an identifier, each evidence upload, each hardship declaration, with who did it. Not for the customer
   * (their timeline is the progress view).
   */
  async history(identity: Identity, caseId: string): Promise<CaseHistoryEntry[]> {
    const { c, actor } = await this.access.caseFor(identity, caseId, ['staff', 'admin', 'mediator']);
    // An upload shown in caucus to the other side is not in this viewer's history (nor that it happened).
    const viewer = viewerSide(identity, actor, null);
    const hidden = new Set(
      (await this.store.listEvidence(c.id)).filter((e) => !evidenceVisibleTo(e, viewer)).map((e) => e.id),
    );
    const names = new Map<string, string | null>();
    const nameOf = async (id: string | null): Promise<string | null> => {
      if (id === null) return null;
      if (!names.has(id)) {
        // The customer has no staff account: their name is the member's display name.
        const user = await this.store.getUser(id);
        const member = user ? null : await this.store.getMember(c.id, id);
        names.set(id, user?.displayName ?? member?.displayName ?? null);
      }
      return names.get(id) ?? null;
    };
    const out: CaseHistoryEntry[] = [];
    for (const e of await this.audit.all(c.id)) {
      const d = e.data;
      const reason = typeof d.reason === 'string' ? d.reason : null;
      const base = { at: e.at, byName: await nameOf(e.actorId), reason };
      if (e.kind === 'case.status') {
        const s = d as {
          from: CaseLifecycle;
          to: CaseLifecycle;
          by: TimelineEntry['by'];
          note: string | null;
          session?: SessionTime;
        };
        out.push({
          kind: 'status',
          ...base,
          by: s.by,
          from: s.from,
          to: s.to,
          note: s.note,
          session: s.session ?? null,
        });
      } else if (e.kind === 'pii.revealed') {
        out.push({ kind: 'pii_revealed', ...base, field: d.field === 'phone' ? 'phone' : 'nationalId' });
      } else if (e.kind === 'evidence.added') {
        if (typeof d.evidenceId === 'string' && hidden.has(d.evidenceId)) continue;
        out.push({ kind: 'evidence_added', ...base });
      } else if (e.kind === 'hardship.declared' || e.kind === 'hardship.updated') {
        const kind = HardshipKind.safeParse((d as { detail?: { kind?: unknown } }).detail?.kind);
        if (kind.success) {
          out.push({ kind: 'hardship', ...base, hardship: kind.data, changed: e.kind === 'hardship.updated' });
        }
      } else if (e.kind === QUESTION_ASKED) {
        out.push({ kind: 'question_asked', ...base });
      } else if (e.kind === QUESTION_ANSWERED) {
        out.push({ kind: 'question_answered', ...base });
      } else if (e.kind === DOCUMENTS_REQUESTED || e.kind === DOCUMENTS_PROVIDED || e.kind === DOCUMENTS_DECLINED) {
        const step =
          e.kind === DOCUMENTS_REQUESTED ? 'requested' : e.kind === DOCUMENTS_PROVIDED ? 'provided' : 'declined';
        out.push({ kind: 'documents', ...base, step });
      }
    }
    return out;
  }

  async review(identity: Identity, caseId: string, decision: ReviewDecision): Promise<CaseProgress> {
    const { c, actor } = await this.access.centreCaseFor(identity, caseId, ['staff', 'admin']);
    switch (decision.decision) {
      case 'start':
        await this.transitions.move(c, 'under_review', actor, identity.user.id, null);
        break;
      case 'accept': {
        const representative = await this.representative(c, decision.platformUserId);
        const pii = await this.pii.read(c.id);
        const failing = acceptanceRules(c, pii, (await this.store.listEvidence(c.id)).length).filter((r) => !r.ok);
        if (failing.length > 0 && !decision.overrideReason) {
          throw AccordError.because(
            'VALIDATION_FAILED',
            'review.rulesNotMet',
            `acceptance rules not met: ${failing.map((r) => r.rule).join('; ')} (give an overrideReason to accept anyway)`,
            { rules: failing.map((r) => r.code).join(',') },
          );
        }
        // The override's reason, else the reviewer's own: either is on the timeline.
        const note = decision.overrideReason ?? decision.reason ?? null;
        await this.transitions.move(c, 'accepted', actor, identity.user.id, note);
        // The lender's representative chosen by the reviewer is the room's platform party (not the reviewer).
        await this.store.putMember({
          caseId: c.id,
          userId: representative.id,
          role: 'platform',
          displayName: representative.displayName,
        });
        await this.audit.append(c.id, identity.user.id, 'case.representative', {
          userId: representative.id,
          lenderId: representative.lenderId,
        });
        break;
      }
      case 'reject':
        await this.transitions.move(c, 'rejected', actor, identity.user.id, decision.reason, {
          rejectionReason: decision.reason,
        });
        break;
      case 'request_info':
        await this.transitions.move(c, 'info_requested', actor, identity.user.id, decision.question, {
          question: decision.question,
        });
        break;
    }
    return this.transitions.progress(c.id);
  }

  /** An active lender-staff account of the case's lender (any lender's, for a case filed without one). */
  private async representative(c: CaseRecord, userId: string): Promise<UserRecord> {
    const user = await this.store.getUser(userId);
    if (!user || user.kind !== 'staff' || user.staffRole !== 'platform' || user.deactivatedAt !== null) {
      throw AccordError.because(
        'VALIDATION_FAILED',
        'review.platformMemberRequired',
        'choose an active lender-staff account to represent the lender in the room',
      );
    }
    if (c.lenderId !== null && user.lenderId !== c.lenderId) {
      throw AccordError.because(
        'VALIDATION_FAILED',
        'review.platformMemberWrongLender',
        "the representative must be a staff account of the complaint's lender",
      );
    }
    return user;
  }

  /** The lender-staff accounts that can represent this case's lender (for the reviewer's choice). */
  async representatives(identity: Identity, caseId: string): Promise<UserView[]> {
    const { c } = await this.access.centreCaseFor(identity, caseId, ['staff', 'admin']);
    return (await this.store.listStaff())
      .filter(
        (u) =>
          u.staffRole === 'platform' && u.deactivatedAt === null && (c.lenderId === null || u.lenderId === c.lenderId),
      )
      .map(toUserView);
  }

  /** The customer answers the reviewer's question; the case goes back to review. */
  async answer(identity: Identity, caseId: string, answer: string): Promise<CaseProgress> {
    const { c, actor } = await this.access.caseFor(identity, caseId, ['customer']);
    // A rejected case also goes back to review, but only by its one appeal (RecoveryService.appeal).
    if (c.status !== 'info_requested')
      throw new AccordError('INVALID_TRANSITION', 'no question is waiting for an answer');
    await this.transitions.move(c, 'under_review', actor, identity.user.id, answer, { question: null });
    return this.transitions.progress(c.id);
  }

  async withdraw(identity: Identity, caseId: string, reason: string | null): Promise<CaseProgress> {
    const { c, actor } = await this.access.caseFor(identity, caseId, ['customer']);
    await this.transitions.move(c, 'withdrawn', actor, identity.user.id, reason);
    return this.transitions.progress(c.id);
  }

  async queue(identity: Identity, query: QueueQuery): Promise<QueueItem[]> {
    const actor = actorOf(identity, null);
    if (actor !== 'staff' && actor !== 'admin')
      throw AccordError.because('FORBIDDEN', 'review.staffOnly', 'the review queue is for platform staff');
    const now = Date.now();
    // A lender's staff see their own lender's complaints only (actorOf let in only those with a lender).
    const lenderId = identity.user.staffRole === 'platform' ? identity.user.lenderId : null;
    // Each mediator's name read once, however many of their cases are listed.
    const mediators = new Map<string, Promise<string | null>>();
    const mediatorName = (c: CaseRecord): Promise<string | null> => {
      const id = c.mediatorId;
      if (!id) return Promise.resolve(null);
      let name = mediators.get(id);
      if (!name) {
        name = this.store.getUser(id).then((u) => u?.displayName ?? null);
        mediators.set(id, name);
      }
      return name;
    };
    const cases = (await this.store.listCases(query)).filter((c) => lenderId === null || c.lenderId === lenderId);
    const names = await Promise.all(cases.map(mediatorName));
    const items = cases
      .map((c, i) => ({
        caseId: c.id,
        caseNumber: c.number,
        title: c.title,
        category: c.category,
        status: c.status,
        createdAt: c.createdAt,
        since: c.statusSince,
        waitingHours: Math.round(((now - new Date(c.statusSince).getTime()) / 3600_000) * 10) / 10,
        amountInDisputeCents: c.amountInDisputeCents,
        mediatorName: names[i] ?? null,
      }))
      .filter((i) => query.minWaitHours === undefined || i.waitingHours >= query.minWaitHours);
    const by = {
      oldest: (a: QueueItem, b: QueueItem) => a.createdAt.localeCompare(b.createdAt),
      newest: (a: QueueItem, b: QueueItem) => b.createdAt.localeCompare(a.createdAt),
      waiting: (a: QueueItem, b: QueueItem) => a.since.localeCompare(b.since),
    }[query.sort];
    return items.sort(by);
  }
}
