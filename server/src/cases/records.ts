import type { CaseExport, SealedOutcome } from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import type { EvidenceService } from '../evidence/service';
import { threadOf } from '../questions/thread';
import type { CaseStore, EvidenceStore, ChatStore, SignoffStore, QuestionStore } from '../store/types';
import { viewerSide, type CaseAccess } from './access';
import type { HardshipService } from './hardship';
import type { PiiVault } from './pii';
import type { CaseTransitions } from './transitions';

/** What is kept of a case and for how long: the customer's export, and the purge after retention. */
export class RecordsService {
  // Aggregates: cases, evidence, chat (the joint transcript), outcome (signoffs), questions, audit, admin (purge).
  constructor(
    private readonly store: CaseStore & EvidenceStore & ChatStore & SignoffStore & QuestionStore,
    private readonly access: CaseAccess,
    private readonly pii: PiiVault,
    private readonly evidence: EvidenceService,
    private readonly transitions: CaseTransitions,
    private readonly audit: AuditLog,
    private readonly sealedRecord: (caseId: string) => Promise<SealedOutcome | null>,
    private readonly hardship: Pick<HardshipService, 'forExport'>,
  ) {}

  /** Everything the customer is entitled to: their data, their documents, the joint chat, their hardship, their questions, the outcome. */
  async export(identity: Identity, caseId: string): Promise<CaseExport> {
    const { c, actor } = await this.access.caseFor(identity, caseId, ['customer', 'admin']);
    const pii = await this.pii.read(c.id);
    // The customer's export holds what the customer may see: never the lender's caucus-only items.
    const viewer = viewerSide(identity, actor, null);
    const files = await Promise.all(
      (await this.evidence.list(c.id, viewer)).map(async (e) => {
        const { data } = await this.evidence.read(c.id, e.id, { userId: identity.user.id, role: 'export' }, viewer);
        return { name: e.name, type: e.type, sha256: e.sha256, base64: data.toString('base64') };
      }),
    );
    const transcript = [];
    for (;;) {
      const page = await this.store.listMessages(c.id, 'joint', { afterSeq: transcript.at(-1)?.seq ?? 0, limit: 1000 });
      transcript.push(
        ...page.map((m) => ({ seq: m.seq, sender: m.senderName, role: m.senderRole, text: m.text, at: m.createdAt })),
      );
      if (page.length < 1000) break;
    }
    // Refused (INTERNAL) rather than exported when the stored record fails its seal check.
    const outcome = await this.sealedRecord(c.id);
    await this.audit.append(c.id, identity.user.id, 'case.exported', {});
    return {
      format: 'accord.export/1',
      exportedAt: new Date().toISOString(),
      case: {
        number: c.number,
        category: c.category,
        amountInDisputeCents: c.amountInDisputeCents,
        description: c.summary,
        desiredOutcome: c.desiredOutcome,
        status: c.status,
      },
      personalData: pii,
      progress: await this.transitions.progress(c.id),
      documents: files,
      transcript,
      outcome,
      hardship: await this.hardship.forExport(c.id, viewer),
      questions: threadOf(await this.store.listQuestionPosts(c.id)),
    };
  }

  /** Purges closed cases past the retention period; their sealed records and audit logs stay. */
  async purgeExpired(retentionDays: number, now = new Date()): Promise<string[]> {
    const purged: string[] = [];
    for (const c of await this.store.listCases({ status: 'closed' })) {
      if (c.purgedAt !== null) continue;
      if (now.getTime() - new Date(c.statusSince).getTime() < retentionDays * 24 * 3600_000) continue;
      this.evidence.removeAll(c.id);
      await this.store.purgeCase(c.id, now.toISOString());
      await this.audit.append(c.id, null, 'case.purged', { retentionDays });
      purged.push(c.id);
    }
    return purged;
  }
}
