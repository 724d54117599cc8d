import {
  AccordError,
  DOCUMENT_DUE_DAYS_DEFAULT,
  QUESTION_STATES,
  documentDueAt,
  type Actor,
  type CaseRole,
  type DocumentDeclineBody,
  type DocumentRequestBody,
  type DocumentRequestList,
  type OpenDocumentRequest,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import { actorOf, viewerSide, type CaseAccess } from '../cases/access';
import type { EvidenceService, Upload } from '../evidence/service';
import { KeyedSerialQueue } from '../lib/serial-queue';
import type {
  CaseRecord,
  CaseStore,
  DocumentAnswerRole,
  DocumentRequestRecord,
  DocumentRequestStore,
  EvidenceStore,
  LenderStore,
  MemberStore,
  SignoffStore,
} from '../store/types';
import { DOCUMENTS_DECLINED, DOCUMENTS_PROVIDED, DOCUMENTS_REQUESTED } from './timeline';
import { toOpenRequest, toRequestView } from './views';

/** Where a case with no session yet counts its working days: the centre's own zone. */
export const DOCUMENT_DEFAULT_ZONE = 'Asia/Shanghai';

export interface DocumentEffects {
  /**
   * A request was made or answered (its audit entry is written): the customer's tracking page, the
   * room and the staff watching the case hear of it. Awaited, so that it has gone out before the
   * request is answered.
   */
  changed(caseId: string): void | Promise<void>;
}

const READERS: Actor[] = ['customer', 'staff', 'admin', 'mediator'];
const MEMBERS: readonly CaseRole[] = ['platform', 'mediator'];

/**
 * Document requests: the case's customer asks its lender for named documents while the case is open
 * (as questions are taken, QUESTION_STATES with no sealed outcome); the lender's staff (of the case's
 * lender only) or the centre's reviewers and admins answer, once, with files (evidence of the case,
 * shown to both parties, linked to the request) or a reason; the mediator and the lender's
 * representative in the room read. Due in working days (the lender's setting) in the case's zone;
 * overdue is computed when viewed. Each step is audited by kind and ids; the texts stay in the request.
 */
export class DocumentRequestService {
  private readonly queue = new KeyedSerialQueue();

  // Aggregates: cases, members, lenders (due days), document requests, evidence (through EvidenceService
  // for writes), sign-off (a sealed outcome ends the requests), audit (through AuditLog).
  constructor(
    private readonly store: CaseStore & MemberStore & LenderStore & DocumentRequestStore & EvidenceStore & SignoffStore,
    private readonly access: CaseAccess,
    private readonly audit: AuditLog,
    private readonly evidence: EvidenceService,
    private readonly effects: DocumentEffects,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The case's requests, for the customer, the lender's staff, the centre, the mediator and the room's members. */
  async list(identity: Identity, caseId: string): Promise<DocumentRequestList> {
    const { c, actor, memberRole } = await this.readable(identity, caseId);
    return this.viewOf(identity, c, actor, memberRole);
  }

  /** The case, for its customer; anyone else is refused (before the body is read). */
  async assertMayRequest(identity: Identity, caseId: string): Promise<CaseRecord> {
    const { c, actor } = await this.readable(identity, caseId);
    if (actor !== 'customer') {
      throw AccordError.because('FORBIDDEN', 'documents.customerOnly', "only the case's customer asks for documents");
    }
    return c;
  }

  /** The case, for its lender's staff and the centre; anyone else is refused (before the body or files are read). */
  async assertMayAnswer(identity: Identity, caseId: string): Promise<CaseRecord> {
    const { c, actor } = await this.readable(identity, caseId);
    if (actor !== 'staff' && actor !== 'admin') {
      throw AccordError.because(
        'FORBIDDEN',
        'documents.answerersOnly',
        "only the lender's staff and the mediation centre answer document requests",
      );
    }
    return c;
  }

  /** The customer asks (`c` from `assertMayRequest`); the same id sent again is stored and audited once. */
  async request(identity: Identity, c: CaseRecord, body: DocumentRequestBody): Promise<DocumentRequestList> {
    await this.queue.run(c.id, async () => {
      const now = await this.openCase(c.id);
      const at = this.now();
      const days = await this.dueDays(now);
      const { record, created } = await this.store.addDocumentRequest({
        id: body.id,
        caseId: c.id,
        kind: body.kind,
        note: body.note ?? '',
        requestedBy: identity.user.id,
        requestedAt: at.toISOString(),
        dueAt: documentDueAt(at, days, now.session?.timeZone ?? DOCUMENT_DEFAULT_ZONE).toISOString(),
      });
      if (record.caseId !== c.id || record.requestedBy !== identity.user.id) {
        throw new AccordError('CONFLICT', 'this id is already used by another request; make a new one');
      }
      if (!created) return;
      // The case's status is the timeline's; the note is not the log's.
      await this.audit.append(c.id, identity.user.id, DOCUMENTS_REQUESTED, {
        requestId: record.id,
        kind: record.kind,
        dueAt: record.dueAt,
        status: now.status,
      });
      await this.effects.changed(c.id);
    });
    return this.viewOf(identity, await this.access.getCase(c.id), 'customer', null);
  }

  /**
   * The lender's staff (or the centre) answer with files (`c` from `assertMayAnswer`): the files pass
   * the evidence checks before anything is stored; the request is answered (once, atomically) before
   * they are stored, so two answers at once never leave files of the one refused.
   */
  async provide(
    identity: Identity,
    c: CaseRecord,
    requestId: string,
    files: readonly Upload[],
  ): Promise<DocumentRequestList> {
    await this.answer(identity, c, requestId, async (r, role, status) => {
      const stored = (await this.store.listEvidence(c.id)).length;
      if (files.length === 0) {
        throw AccordError.because('VALIDATION_FAILED', 'documents.none', 'attach at least one file as "evidence"');
      }
      this.evidence.check(files, stored);
      await this.claim(identity, r, 'provided', role, null);
      // Shown as the lender's, as everything its side adds (the evidence routes' rule); the centre as itself.
      const uploader = role === 'lender' ? 'platform' : (actorOf(identity, null, c) ?? 'staff');
      const added = await this.evidence.add(
        c.id,
        files,
        { userId: identity.user.id, role: uploader, name: identity.user.displayName },
        { requestId: r.id },
      );
      await this.audit.append(c.id, identity.user.id, DOCUMENTS_PROVIDED, {
        requestId: r.id,
        kind: r.kind,
        role,
        evidenceIds: added.map((e) => e.id),
        status,
      });
    });
    return this.viewOf(identity, await this.access.getCase(c.id), actorOf(identity, null, c), null);
  }

  /** The lender's staff (or the centre) say why not (`c` from `assertMayAnswer`). */
  async decline(
    identity: Identity,
    c: CaseRecord,
    requestId: string,
    body: DocumentDeclineBody,
  ): Promise<DocumentRequestList> {
    await this.answer(identity, c, requestId, async (r, role, status) => {
      await this.claim(identity, r, 'declined', role, body.reason);
      // The reason is shown with the request; the log says only that it was declined.
      await this.audit.append(c.id, identity.user.id, DOCUMENTS_DECLINED, {
        requestId: r.id,
        kind: r.kind,
        role,
        status,
      });
    });
    return this.viewOf(identity, await this.access.getCase(c.id), actorOf(identity, null, c), null);
  }

  /** For staff: open requests on the open cases they may see (a lender's staff: their lender's), soonest due first. */
  async openRequests(identity: Identity): Promise<OpenDocumentRequest[]> {
    const actor = actorOf(identity, null);
    if (actor !== 'staff' && actor !== 'admin') {
      throw AccordError.because('FORBIDDEN', 'review.staffOnly', 'open document requests are listed for staff');
    }
    const now = this.now();
    const cases = new Map<string, CaseRecord | null>();
    const out: OpenDocumentRequest[] = [];
    for (const r of await this.store.listOpenDocumentRequests()) {
      if (!cases.has(r.caseId)) cases.set(r.caseId, await this.store.getCase(r.caseId));
      const c = cases.get(r.caseId);
      if (!c || !QUESTION_STATES.includes(c.status)) continue;
      if (identity.user.staffRole === 'platform' && c.lenderId !== identity.user.lenderId) continue;
      out.push(toOpenRequest(r, c.number, now));
    }
    return out;
  }

  private readable(identity: Identity, caseId: string) {
    return this.access.caseForMember(identity, caseId, READERS, MEMBERS);
  }

  /** One answer at a time per case, on an open case, to an open request of this case. */
  private async answer(
    identity: Identity,
    c: CaseRecord,
    requestId: string,
    apply: (r: DocumentRequestRecord, role: DocumentAnswerRole, caseStatus: CaseRecord['status']) => Promise<void>,
  ): Promise<void> {
    const role: DocumentAnswerRole = identity.user.staffRole === 'platform' ? 'lender' : 'centre';
    await this.queue.run(c.id, async () => {
      const now = await this.openCase(c.id);
      const r = await this.store.getDocumentRequest(requestId);
      if (!r || r.caseId !== c.id) {
        throw AccordError.because('NOT_FOUND', 'documents.noSuchRequest', 'no such document request on this case', {
          requestId,
        });
      }
      if (r.status !== 'open') throw this.answered(r.status);
      await apply(r, role, now.status);
      await this.effects.changed(c.id);
    });
  }

  private async claim(
    identity: Identity,
    r: DocumentRequestRecord,
    status: 'provided' | 'declined',
    role: DocumentAnswerRole,
    reason: string | null,
  ): Promise<void> {
    try {
      await this.store.answerDocumentRequest(r.id, {
        status,
        at: this.now().toISOString(),
        byId: identity.user.id,
        byRole: role,
        byName: identity.user.displayName,
        reason,
      });
    } catch (err) {
      // Answered on another node meanwhile: the first answer stands.
      if (err instanceof AccordError && err.code === 'CONFLICT') throw this.answered('answered');
      throw err;
    }
  }

  private answered(status: string): AccordError {
    return AccordError.because('CONFLICT', 'documents.answered', `the request was answered already (${status})`);
  }

  /** The case as it is now, if it still takes requests and answers. */
  private async openCase(caseId: string): Promise<CaseRecord> {
    const c = await this.access.getCase(caseId);
    if (!(await this.isOpen(c))) {
      throw AccordError.because(
        'INVALID_TRANSITION',
        'documents.closed',
        `the case takes no more document requests or answers (${c.status})`,
        { status: c.status },
      );
    }
    return c;
  }

  private async isOpen(c: CaseRecord): Promise<boolean> {
    return QUESTION_STATES.includes(c.status) && (await this.store.getOutcome(c.id)) === null;
  }

  private async dueDays(c: CaseRecord): Promise<number> {
    const lender = c.lenderId ? await this.store.getLender(c.lenderId) : null;
    return lender?.documentDueDays ?? DOCUMENT_DUE_DAYS_DEFAULT;
  }

  private async viewOf(
    identity: Identity,
    c: CaseRecord,
    actor: Actor | null,
    memberRole: CaseRole | null,
  ): Promise<DocumentRequestList> {
    const viewer = viewerSide(identity, actor, memberRole);
    const [requests, evidence, open, days] = await Promise.all([
      this.store.listDocumentRequests(c.id),
      this.evidence.list(c.id, viewer),
      this.isOpen(c),
      this.dueDays(c),
    ]);
    const now = this.now();
    return {
      caseId: c.id,
      requests: requests.map((r) => toRequestView(r, evidence, viewer, now)),
      mayRequest: open && actor === 'customer',
      mayAnswer: open && (actor === 'staff' || actor === 'admin'),
      dueWorkingDays: days,
    };
  }
}
