import {
  AccordError,
  classifyComplaint,
  reviewsComplaints,
  type AssistantCorrectionsBody,
  type AssistantView,
  type Proposal,
  type ProposalDecisionBody,
  type ProposalDecisionResult,
  type ProposalDecisionView,
  type ProposalInput,
  type ProvenanceView,
} from '@accord/shared';
import type { RoomStates } from '../access/room-states';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import type { CaseAccess } from '../cases/access';
import type { HardshipService } from '../cases/hardship';
import { KeyedSerialQueue } from '../lib/serial-queue';
import type { ProposalUseRecord } from '../store/assistant-types';
import type {
  AssistantStore,
  AuditRecord,
  CaseAssistantRecord,
  CaseRecord,
  CaseStore,
  LenderStore,
  MemberStore,
} from '../store/types';
import { checkSpans, complaintOf, effectiveFacts, todayIn } from './complaint';
import { agreementOpen, type AgreementWriter } from './writer';

export interface AssistantDeps {
  store: CaseStore & MemberStore & LenderStore & AssistantStore;
  access: CaseAccess;
  rooms: Pick<RoomStates, 'fresh'>;
  audit: AuditLog;
  hardship: Pick<HardshipService, 'forExport'>;
  /** The first proposal (shared/src/assistant/proposal.ts), pure. */
  propose: (input: ProposalInput) => Proposal;
  /** The model's fingerprint intake stores (cases/intake.ts). */
  modelVersion: string;
  writer: AgreementWriter;
  /** An audit entry the room's activity feed shows (a clause added). */
  recorded: (entry: AuditRecord) => void;
}

/** A case's zone before its session is scheduled (as the room's welcome says). */
const CASE_TIME_ZONE = 'Asia/Shanghai';

/** What provenance keeps of a proposal clause (`proposal_uses.source`). */
interface UseSource {
  template: string;
  version: number;
  heading: string;
  rules: string[];
  facts: { start: number; end: number; text: string }[];
  type: string;
  modelVersion: string;
}

/**
 * The assistant where the mediator meets it: the complaint's facts (as read, or as the mediator
 * corrected them), its dispute type, the first proposal made from them, and the mediator's decision
 * on each clause; an accepted clause goes into the live agreement (`writer.ts`) and keeps where it
 * came from. The working view is the neutral's: the case's mediator, and the centre's admins and
 * reviewers, read it; only the mediator changes it. Which clauses came from it, everyone in the case sees.
 */
export class AssistantService {
  private readonly queue = new KeyedSerialQueue();

  constructor(private readonly deps: AssistantDeps) {}

  async view(identity: Identity, caseId: string): Promise<AssistantView> {
    const { c, mediator } = await this.reader(identity, caseId);
    return this.build(c, mediator);
  }

  /** The mediator's corrections of the type and the facts, as a whole; audited by what changed, not the text. */
  async correct(identity: Identity, caseId: string, body: AssistantCorrectionsBody): Promise<AssistantView> {
    const c = await this.assertMediator(identity, caseId);
    const { text } = complaintOf(c);
    if (body.facts) checkSpans(text, body.facts);
    return this.queue.run(c.id, async () => {
      const before = await this.classified(c);
      const at = new Date().toISOString();
      await this.deps.store.putCorrections(c.id, { type: body.type, facts: body.facts, by: identity.user.id, at });
      const { read } = effectiveFacts(text, null);
      const member = await this.deps.store.getMember(c.id, identity.user.id);
      await this.deps.audit.append(c.id, identity.user.id, 'assistant.corrected', {
        actor: { userId: identity.user.id, displayName: member?.displayName ?? '', role: 'mediator' },
        target: null,
        // What changed in kind: the type, and how many facts (never the complaint's words or figures).
        detail: {
          typeFrom: before.correctedType ?? before.modelType,
          typeTo: body.type ?? before.modelType,
          typeCorrected: body.type !== null,
          factsCorrected: body.facts !== null,
          factsRead: read.length,
          factsNow: (body.facts ?? read).length,
        },
      });
      return this.build(c, true);
    });
  }

  /** Accepts or edits a clause into the agreement (with its terms), or drops it; every decision audited. */
  async decide(identity: Identity, caseId: string, body: ProposalDecisionBody): Promise<ProposalDecisionResult> {
    const c = await this.assertMediator(identity, caseId);
    const member = await this.deps.store.getMember(c.id, identity.user.id);
    const actor = { userId: identity.user.id, displayName: member?.displayName ?? '', role: 'mediator' };
    return this.queue.run(c.id, async () => {
      const record = await this.classified(c);
      const { proposal } = await this.proposalFor(c, record);
      const item = proposal.items.find((i) => i.id === body.itemId);
      if (!item) {
        throw AccordError.because('NOT_FOUND', 'assistant.noSuchItem', 'the proposal has no such clause', {
          itemId: body.itemId,
        });
      }
      const uses = await this.deps.store.listProposalUses(c.id);
      if (uses.some((u) => u.itemId === item.id && u.clauseId !== null)) {
        throw AccordError.because('CONFLICT', 'assistant.alreadyAdded', 'this clause is in the agreement already', {
          itemId: item.id,
        });
      }
      const source: UseSource = {
        template: item.id,
        version: item.templateVersion,
        heading: item.heading,
        rules: item.ruleIds,
        facts: item.amounts.flatMap((a) => a.from),
        type: proposal.type,
        modelVersion: record.modelVersion,
      };
      const at = new Date().toISOString();
      if (body.action === 'dropped') {
        const use = await this.deps.store.addProposalUse({
          caseId: c.id,
          itemId: item.id,
          action: 'dropped',
          clauseId: null,
          text: '',
          source: JSON.stringify(source),
          userId: identity.user.id,
          at,
        });
        await this.deps.audit.append(c.id, identity.user.id, 'assistant.item_dropped', {
          actor,
          target: null,
          detail: { itemId: item.id, templateVersion: item.templateVersion, seq: use.seq },
        });
        return { decision: await this.decisionView(use) };
      }
      const text = body.action === 'edited' ? (body.text ?? '') : item.text;
      const written = await this.deps.writer.append(c.id, actor, text, item.terms);
      const use = await this.deps.store.addProposalUse({
        caseId: c.id,
        itemId: item.id,
        action: body.action,
        clauseId: written.clauseId,
        text: written.text,
        source: JSON.stringify(source),
        userId: identity.user.id,
        at,
      });
      const entry = await this.deps.audit.append(c.id, identity.user.id, 'assistant.clause_added', {
        actor,
        target: null,
        detail: {
          itemId: item.id,
          templateVersion: item.templateVersion,
          edited: body.action === 'edited',
          clauseId: written.clauseId,
          terms: written.terms.join(','),
          seq: use.seq,
        },
      });
      this.deps.recorded(entry);
      return { decision: await this.decisionView(use) };
    });
  }

  /** Which clauses of the agreement came from the proposal: anyone in the case, staff who may see it. */
  async provenance(identity: Identity, caseId: string): Promise<ProvenanceView> {
    const { c } = await this.member(identity, caseId);
    const uses = await this.deps.store.listProposalUses(c.id);
    const names = await this.names(c.id, uses);
    return {
      clauses: uses.flatMap((u) =>
        u.clauseId === null || u.action === 'dropped'
          ? []
          : [
              {
                clauseId: u.clauseId,
                heading: headingOf(u.source),
                action: u.action,
                text: u.text,
                by: names.get(u.userId) ?? '',
                at: u.at,
              },
            ],
      ),
    };
  }

  /** The case, for its mediator (a staff session or the room's invite); anyone else is refused. */
  async assertMediator(identity: Identity, caseId: string): Promise<CaseRecord> {
    const found = await this.member(identity, caseId);
    if (found.memberRole !== 'mediator') {
      throw AccordError.because('FORBIDDEN', 'assistant.mediatorOnly', "only the case's mediator decides this");
    }
    return found.c;
  }

  /** The case for a reader of the working view: its mediator, the centre's admins and reviewers (not a lender's staff). */
  private async reader(identity: Identity, caseId: string): Promise<{ c: CaseRecord; mediator: boolean }> {
    const found = await this.member(identity, caseId);
    if (found.memberRole === 'mediator') return { c: found.c, mediator: true };
    if (found.actor === 'admin' || (found.actor === 'staff' && reviewsComplaints(identity.user.staffRole))) {
      return { c: found.c, mediator: false };
    }
    throw AccordError.because('FORBIDDEN', 'assistant.mediatorOnly', "the assistant is the mediator's working tool");
  }

  /** Anyone of the case (so that its other people are told whose tool this is); a stranger is refused outright. */
  private member(identity: Identity, caseId: string) {
    return this.deps.access.caseForMember(
      identity,
      caseId,
      ['customer', 'mediator', 'staff', 'admin'],
      ['customer', 'platform', 'mediator', 'observer', 'admin'],
    );
  }

  /**
   * The case's reading by the committed model: made now, by the same code and model as intake, for
   * a case filed before intake classified (the demo, older cases) or read by an earlier model.
   */
  private async classified(c: CaseRecord): Promise<CaseAssistantRecord> {
    const { store, modelVersion } = this.deps;
    const stored = await store.getAssistant(c.id);
    if (stored && stored.modelVersion === modelVersion) return stored;
    const kind = classifyComplaint(complaintOf(c).text);
    return store.putClassification({
      caseId: c.id,
      modelType: kind.type,
      modelProbability: kind.probability,
      modelVersion,
      at: new Date().toISOString(),
    });
  }

  private async proposalFor(c: CaseRecord, record: CaseAssistantRecord) {
    const { text } = complaintOf(c);
    const facts = effectiveFacts(text, record.correctedFacts);
    const [hardship, lender] = await Promise.all([
      this.deps.hardship.forExport(c.id, 'neutral'),
      c.lenderId === null ? null : this.deps.store.getLender(c.lenderId),
    ]);
    const proposal = this.deps.propose({
      language: c.language,
      type: record.correctedType ?? record.modelType,
      facts: facts.facts,
      amountInDisputeCents: c.amountInDisputeCents,
      hardship: hardship ? { kind: hardship.kind, since: hardship.since } : null,
      planPolicy: lender?.planPolicy ?? null,
      today: todayIn(c.session?.timeZone ?? CASE_TIME_ZONE),
    });
    return { proposal, facts };
  }

  private async build(c: CaseRecord, mayDecide: boolean): Promise<AssistantView> {
    const record = await this.classified(c);
    const complaint = complaintOf(c);
    const { proposal, facts } = await this.proposalFor(c, record);
    const ranking = classifyComplaint(complaint.text).ranking;
    const [uses, state] = await Promise.all([this.deps.store.listProposalUses(c.id), this.deps.rooms.fresh(c.id)]);
    const names = await this.names(c.id, [...uses, ...(record.correctedBy ? [{ userId: record.correctedBy }] : [])]);
    return {
      language: c.language,
      complaint,
      form: { amountInDisputeCents: c.amountInDisputeCents },
      facts: facts.marked,
      factsCorrected: record.correctedFacts !== null,
      factsRead: facts.read.length,
      model: { type: record.modelType, probability: record.modelProbability, ranking },
      correctedType: record.correctedType,
      type: record.correctedType ?? record.modelType,
      corrections: record.correctedBy ? { by: names.get(record.correctedBy) ?? '', at: record.updatedAt } : null,
      proposal,
      decisions: uses.map((u) => toDecision(u, names)),
      mayDecide,
      agreementOpen: agreementOpen(state) === null,
    };
  }

  private async decisionView(use: ProposalUseRecord): Promise<ProposalDecisionView> {
    return toDecision(use, await this.names(use.caseId, [use]));
  }

  /** The display names, in the case, of the people named. */
  private async names(caseId: string, who: readonly { userId: string }[]): Promise<Map<string, string>> {
    const ids = [...new Set(who.map((w) => w.userId))];
    const members = await Promise.all(ids.map((id) => this.deps.store.getMember(caseId, id)));
    return new Map(ids.map((id, i) => [id, members[i]?.displayName ?? '']));
  }
}

function toDecision(u: ProposalUseRecord, names: Map<string, string>): ProposalDecisionView {
  return {
    seq: u.seq,
    itemId: u.itemId,
    action: u.action,
    clauseId: u.clauseId,
    text: u.text,
    by: names.get(u.userId) ?? '',
    at: u.at,
  };
}

function headingOf(source: string): string {
  try {
    const parsed = JSON.parse(source) as Partial<UseSource>;
    return typeof parsed.heading === 'string' ? parsed.heading : '';
  } catch {
    return '';
  }
}
