import {
  AccordError,
  evidenceVisibleTo,
  type CaseLifecycle,
  type EvidenceViewer,
  type HardshipBody,
  type HardshipView,
  type OutcomeRecord,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import { KeyedSerialQueue } from '../lib/serial-queue';
import type {
  AuditRecord,
  CaseRecord,
  CaseStore,
  EvidenceRecord,
  EvidenceStore,
  HardshipRecord,
  HardshipStore,
  MemberStore,
  SignoffStore,
} from '../store/types';
import { viewerSide, type CaseAccess } from './access';

export interface HardshipEffects {
  /** A declaration or change was recorded: its entry reaches the room's activity feed. */
  recorded(entry: AuditRecord): void;
}

/** Once a case has concluded nothing more is declared: its outcome (or its end) no longer depends on it. */
const CONCLUDED: ReadonlySet<CaseLifecycle> = new Set(['rejected', 'settled', 'not_settled', 'withdrawn', 'closed']);

/**
 * The customer's hardship declaration: declared (or changed) by the customer before or during the
 * session, proven by files of the case's evidence, seen by the mediator, the lender's representative
 * and staff who may see the case. Each change is in the case's audit log and the room's activity
 * (its kind only: the description is the customer's own account, not the log's).
 */
export class HardshipService {
  private readonly queue = new KeyedSerialQueue();

  // Aggregates: cases, members, evidence, hardships, sign-off (a sealed outcome), audit (through AuditLog).
  constructor(
    private readonly store: CaseStore & MemberStore & EvidenceStore & HardshipStore & SignoffStore,
    private readonly access: CaseAccess,
    private readonly audit: AuditLog,
    private readonly effects: HardshipEffects,
  ) {}

  /** The declaration (null: none) for the customer, the mediator, the lender's representative and staff. */
  async get(identity: Identity, caseId: string): Promise<HardshipView | null> {
    const { c, actor, memberRole } = await this.access.caseForMember(
      identity,
      caseId,
      ['customer', 'mediator', 'staff', 'admin'],
      // The lender's representative and the mediator as members of the room, on its invite session too.
      ['platform', 'mediator'],
    );
    const h = await this.store.getHardship(c.id);
    return h ? this.view(h, viewerSide(identity, actor, memberRole)) : null;
  }

  /**
   * Declares the hardship, or replaces the declaration, for the case's customer, while the case has
   * not concluded. Every proof must be one of this case's evidence files; nothing is stored otherwise.
   */
  async declare(identity: Identity, caseId: string, body: HardshipBody): Promise<HardshipView> {
    const { c } = await this.customerCase(identity, caseId);
    // One at a time per case: whether this is the first declaration (and its audit kind) is decided in order.
    return this.queue.run(c.id, async () => {
      const now = await this.access.getCase(c.id);
      if (CONCLUDED.has(now.status) || (await this.store.getOutcome(c.id)) !== null) {
        throw AccordError.because(
          'INVALID_TRANSITION',
          'hardship.caseConcluded',
          `the case has concluded (${now.status}); a hardship can no longer be declared`,
          { status: now.status },
        );
      }
      // A proof is a file the customer may see: the lender's caucus-only items are as unknown as another case's.
      const evidence = new Map(
        (await this.store.listEvidence(c.id)).filter((e) => evidenceVisibleTo(e, 'customer')).map((e) => [e.id, e]),
      );
      const stranger = body.evidenceIds.find((id) => !evidence.has(id));
      if (stranger !== undefined) {
        throw new AccordError(
          'VALIDATION_FAILED',
          `evidence ${stranger} is not a file of this case`,
          [{ path: `evidenceIds.${body.evidenceIds.indexOf(stranger)}`, message: 'not a file of this case' }],
          { reason: 'hardship.proofNotInCase', params: { evidenceId: stranger } },
        );
      }
      const at = new Date().toISOString();
      const { record, created } = await this.store.putHardship({
        caseId: c.id,
        kind: body.kind,
        since: body.since,
        description: body.description,
        evidenceIds: body.evidenceIds,
        declaredBy: identity.user.id,
        declaredAt: at,
        updatedAt: at,
      });
      const member = await this.store.getMember(c.id, identity.user.id);
      const entry = await this.audit.append(
        c.id,
        identity.user.id,
        created ? 'hardship.declared' : 'hardship.updated',
        {
          actor: { userId: identity.user.id, displayName: member?.displayName ?? '', role: 'customer' },
          target: null,
          detail: { kind: record.kind },
        },
      );
      this.effects.recorded(entry);
      return this.view(record, 'customer', evidence);
    });
  }

  /** What the sealed record keeps of the declaration: its kind, when, and the proofs' names and hashes. */
  async sealedSummary(caseId: string): Promise<NonNullable<OutcomeRecord['hardship']> | null> {
    const h = await this.store.getHardship(caseId);
    if (!h) return null;
    // The sealed record is read by both sides: a proof shown in caucus to one side only is not named in it.
    const evidence = new Map(
      (await this.store.listEvidence(caseId)).filter((e) => e.shownTo === 'both').map((e) => [e.id, e]),
    );
    return {
      kind: h.kind,
      declaredAt: h.declaredAt,
      proofs: proofsOf(h, evidence).map((e) => ({ name: e.name, sha256: e.sha256 })),
    };
  }

  /** The export's copy (the customer's own export: no access check here, the export made it). */
  async forExport(caseId: string, viewer: EvidenceViewer): Promise<HardshipView | null> {
    const h = await this.store.getHardship(caseId);
    return h ? this.view(h, viewer) : null;
  }

  /** The case, for its customer; anyone else is refused (FORBIDDEN). */
  async assertMayDeclare(identity: Identity, caseId: string): Promise<CaseRecord> {
    return (await this.customerCase(identity, caseId)).c;
  }

  private async customerCase(identity: Identity, caseId: string) {
    const found = await this.access.caseForMember(
      identity,
      caseId,
      ['customer', 'mediator', 'staff', 'admin'],
      ['platform'],
    );
    if (found.actor !== 'customer') {
      throw AccordError.because('FORBIDDEN', 'hardship.customerOnly', 'only the customer declares a hardship');
    }
    return found;
  }

  /** The declaration as `viewer` sees it: proofs shown in caucus to the other side only are left out. */
  private async view(
    h: HardshipRecord,
    viewer: EvidenceViewer,
    known?: Map<string, EvidenceRecord>,
  ): Promise<HardshipView> {
    const all = known ?? new Map((await this.store.listEvidence(h.caseId)).map((e) => [e.id, e]));
    const evidence = new Map([...all].filter(([, e]) => evidenceVisibleTo(e, viewer)));
    const member = await this.store.getMember(h.caseId, h.declaredBy);
    return {
      kind: h.kind,
      since: h.since,
      description: h.description,
      proofs: proofsOf(h, evidence).map((e) => ({
        id: e.id,
        name: e.name,
        type: e.type,
        size: e.size,
        sha256: e.sha256,
      })),
      declaredAt: h.declaredAt,
      updatedAt: h.updatedAt,
      declaredBy: { role: member?.role ?? 'customer', displayName: member?.displayName ?? '' },
    };
  }
}

/** The declaration's proof files, in the order named (a file no longer stored, after retention, is left out). */
function proofsOf(h: HardshipRecord, evidence: Map<string, EvidenceRecord>): EvidenceRecord[] {
  return h.evidenceIds.flatMap((id) => {
    const e = evidence.get(id);
    return e ? [e] : [];
  });
}
