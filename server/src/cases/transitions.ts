import {
  AccordError,
  OPEN_STATES,
  mayMoveCase,
  type Actor,
  type CaseLifecycle,
  type CaseProgress,
  type SessionTime,
  type TimelineEntry,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import { questionTimelineEntry } from '../questions/timeline';
import { documentTimelineEntry } from '../documents/timeline';
import type { AuditRecord, CasePatch, CaseRecord, CaseStore, MemberStore } from '../store/types';
import type { CaseAccess } from './access';

export interface LifecycleEffects {
  /**
   * A case changed: the customer's tracking page and the staff dashboard update live, notices are
   * queued. Awaited, so what it queues is stored before the change is answered.
   */
  progressChanged(progress: CaseProgress, lenderId: string | null): void | Promise<void>;
  /** Something other than a status change was added to the case history (a reveal): staff watching it fetch it again. */
  historyChanged(caseId: string): void;
}

const NEXT_STEP: Record<CaseLifecycle, string> = {
  submitted: 'platform staff will review the complaint',
  under_review: 'platform staff are checking whether the complaint can be accepted',
  info_requested: 'answer the reviewer’s question',
  accepted: 'a mediator will be assigned',
  rejected: 'the complaint was not accepted; see the reason',
  mediator_assigned: 'the mediator will schedule the session',
  scheduled: 'join the mediation session at the scheduled time',
  in_mediation: 'the mediation session is under way',
  settled: 'the settlement was signed; the case will be closed',
  not_settled: 'no settlement was reached; the case will be closed',
  withdrawn: 'the complaint was withdrawn; the case will be closed',
  closed: 'nothing: the case is closed',
};

/** The audit entry of a case's appeal: the status change a customer made out of `rejected`. */
export function isAppealEntry(e: Pick<AuditRecord, 'kind' | 'data'>): boolean {
  const d = e.data as { from?: unknown; to?: unknown; by?: unknown };
  return e.kind === 'case.status' && d.from === 'rejected' && d.to === 'under_review' && d.by === 'customer';
}

/**
 * Every status change of a case: checked against `CASE_TRANSITIONS`, written with
 * compare-and-set, recorded in the audit log (the timeline) and pushed live. Also
 * the moves the room makes on its own (opened, outcome sealed) and the progress
 * view every other case service answers with.
 */
export class CaseTransitions {
  // Aggregates: cases, members (the mediator's name), audit (through AuditLog).
  constructor(
    private readonly store: CaseStore & MemberStore,
    private readonly access: CaseAccess,
    private readonly audit: AuditLog,
    private readonly effects: LifecycleEffects,
  ) {}

  async progress(caseId: string): Promise<CaseProgress> {
    const c = await this.access.getCase(caseId);
    const log = await this.audit.all(caseId);
    const entries = log.filter((e) => e.kind === 'case.status');
    const appealed = entries.find(isAppealEntry);
    // Status changes, and the question thread's and document requests' steps among them.
    const timeline: TimelineEntry[] = log.flatMap((e) => {
      if (e.kind !== 'case.status') {
        const step = questionTimelineEntry(e) ?? documentTimelineEntry(e);
        return step ? [step] : [];
      }
      const d = e.data as { to: CaseLifecycle; by: Actor; note: string | null; session?: SessionTime };
      return [{ at: e.at, status: d.to, by: d.by, note: d.note, session: d.session ?? null }];
    });
    const mediator = c.mediatorId ? await this.store.getMember(c.id, c.mediatorId) : null;
    const handler: CaseProgress['handler'] =
      c.status === 'info_requested'
        ? { role: 'customer', name: null }
        : ['submitted', 'under_review', 'accepted'].includes(c.status)
          ? { role: 'staff', name: null }
          : mediator && OPEN_STATES.includes(c.status)
            ? { role: 'mediator', name: mediator.displayName }
            : { role: 'none', name: null };
    return {
      caseId: c.id,
      caseNumber: c.number,
      title: c.title,
      status: c.status,
      since: c.statusSince,
      timeline,
      handler,
      nextStep: NEXT_STEP[c.status],
      session: c.session,
      question: c.status === 'info_requested' ? c.question : null,
      rejectionReason: c.status === 'rejected' || c.status === 'closed' ? c.rejectionReason : null,
      appeal: appealed ? { at: appealed.at, reason: (appealed.data as { note: string | null }).note ?? '' } : null,
    };
  }

  /** The room left `scheduled`: the mediation is under way. */
  async roomOpened(caseId: string): Promise<void> {
    const c = await this.store.getCase(caseId);
    if (c?.status === 'scheduled') await this.move(c, 'in_mediation', 'system', null, null);
  }

  /** An outcome was sealed: the case takes its result. */
  async outcomeSealed(caseId: string, kind: 'settled' | 'not_settled' | 'withdrawn'): Promise<void> {
    const c = await this.store.getCase(caseId);
    if (!c) return;
    if (c.status === 'scheduled') await this.move(c, 'in_mediation', 'system', null, null);
    const fresh = await this.access.getCase(caseId);
    if (mayMoveCase(fresh.status, kind, 'system')) await this.move(fresh, kind, 'system', null, null);
  }

  /** Moves a case to `to` if `actor` may, with `patch` written in the same compare-and-set. */
  async move(
    c: CaseRecord,
    to: CaseLifecycle,
    actor: Actor,
    actorId: string | null,
    note: string | null,
    patch: CasePatch = {},
    reason: string | null = null,
  ): Promise<void> {
    if (!mayMoveCase(c.status, to, actor)) {
      throw AccordError.because(
        'INVALID_TRANSITION',
        'case.cannotMove',
        `a ${actor} cannot move a case from ${c.status} to ${to}`,
        { from: c.status, to },
      );
    }
    await this.store.updateCase(c.id, { ...patch, status: to }, c.status);
    await this.record(c.id, actorId, c.status, to, actor, note, patch.session ?? null, reason);
  }

  /** Staff watching the case fetch its history again (after an audited step that is no status change). */
  historyChanged(caseId: string): void {
    this.effects.historyChanged(caseId);
  }

  /** Writes a status change to the timeline and tells whoever follows the case. */
  async record(
    caseId: string,
    actorId: string | null,
    from: CaseLifecycle,
    to: CaseLifecycle,
    by: Actor,
    note: string | null,
    session: SessionTime | null = null,
    reason: string | null = null,
  ): Promise<void> {
    // `note` is on the customer's timeline; a staff `reason` (assigning, scheduling) is in the staff history only.
    await this.audit.append(caseId, actorId, 'case.status', {
      from,
      to,
      by,
      note,
      ...(session ? { session } : {}),
      ...(reason ? { reason } : {}),
    });
    const c = await this.store.getCase(caseId);
    await this.effects.progressChanged(await this.progress(caseId), c?.lenderId ?? null);
  }

  /** The complainant's consent to the privacy notice (its version) and, separately, to sensitive data; `at` is the entry's. */
  async consent(
    caseId: string,
    customerId: string,
    given: { privacyNotice: string; sensitiveConsent: boolean },
  ): Promise<void> {
    await this.audit.append(caseId, customerId, 'consent.given', given);
  }
}
