import type {
  AssistantStore,
  CaseAssistantRecord,
  ProposalUseRecord,
  SurveyResponseRecord,
  SurveyStore,
} from './types';

/** The memory store's assistant readings and proposal decisions (its own class: the store's file stays readable). */
export class MemoryAssistant implements AssistantStore {
  private readonly byCase = new Map<string, CaseAssistantRecord>();
  private readonly uses = new Map<string, ProposalUseRecord[]>();

  async putClassification(c: Parameters<AssistantStore['putClassification']>[0]): Promise<CaseAssistantRecord> {
    const before = this.byCase.get(c.caseId);
    const record: CaseAssistantRecord = {
      caseId: c.caseId,
      modelType: c.modelType,
      modelProbability: c.modelProbability,
      modelVersion: c.modelVersion,
      correctedType: before?.correctedType ?? null,
      correctedFacts: before?.correctedFacts ?? null,
      correctedBy: before?.correctedBy ?? null,
      classifiedAt: c.at,
      updatedAt: c.at,
    };
    this.byCase.set(c.caseId, record);
    return structuredClone(record);
  }

  async putCorrections(
    caseId: string,
    c: Parameters<AssistantStore['putCorrections']>[1],
  ): Promise<CaseAssistantRecord | null> {
    const before = this.byCase.get(caseId);
    if (!before) return null;
    const record = {
      ...before,
      correctedType: c.type,
      correctedFacts: structuredClone(c.facts),
      correctedBy: c.by,
      updatedAt: c.at,
    };
    this.byCase.set(caseId, record);
    return structuredClone(record);
  }

  async getAssistant(caseId: string): Promise<CaseAssistantRecord | null> {
    const r = this.byCase.get(caseId);
    return r ? structuredClone(r) : null;
  }

  async listDisputeTypes(): ReturnType<AssistantStore['listDisputeTypes']> {
    return [...this.byCase.values()].map((r) => ({ caseId: r.caseId, type: r.correctedType ?? r.modelType }));
  }

  async addProposalUse(use: Omit<ProposalUseRecord, 'seq'>): Promise<ProposalUseRecord> {
    const list = this.uses.get(use.caseId) ?? [];
    const record = { ...structuredClone(use), seq: list.length + 1 };
    list.push(record);
    this.uses.set(use.caseId, list);
    return structuredClone(record);
  }

  async listProposalUses(caseId: string): Promise<ProposalUseRecord[]> {
    return structuredClone(this.uses.get(caseId) ?? []);
  }

  purge(caseId: string): void {
    this.uses.delete(caseId);
    const r = this.byCase.get(caseId);
    if (r) this.byCase.set(caseId, { ...r, correctedFacts: null });
  }
}

/** The memory store's surveys: who answered, and apart from it, what was answered. */
export class MemorySurveys implements SurveyStore {
  private readonly answered = new Set<string>();
  private readonly responses = new Map<string, SurveyResponseRecord>();

  async submitSurvey(
    a: { caseId: string; userId: string; at: string },
    response: SurveyResponseRecord,
  ): Promise<boolean> {
    const key = `${a.caseId}|${a.userId}`;
    if (this.answered.has(key)) return false;
    this.answered.add(key);
    this.responses.set(response.id, structuredClone(response));
    return true;
  }

  async hasAnsweredSurvey(caseId: string, userId: string): Promise<boolean> {
    return this.answered.has(`${caseId}|${userId}`);
  }

  async listSurveyResponses(caseIds: readonly string[] | null): Promise<SurveyResponseRecord[]> {
    const wanted = caseIds ? new Set(caseIds) : null;
    // By id (random), as the SQL stores do: the order says nothing about who answered when.
    return [...this.responses.values()]
      .filter((r) => !wanted || wanted.has(r.caseId))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => structuredClone(r));
  }

  purge(caseId: string): void {
    for (const r of this.responses.values()) if (r.caseId === caseId) r.comment = '';
  }
}
