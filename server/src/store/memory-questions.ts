import type { NewQuestionPost, QuestionPostRecord, QuestionStore } from './types';

/** The memory store's question threads (its own class: the store's file stays readable). */
export class MemoryQuestions implements QuestionStore {
  private readonly byId = new Map<string, QuestionPostRecord>();

  async addQuestionPost(post: NewQuestionPost): Promise<{ record: QuestionPostRecord; created: boolean }> {
    const stored = this.byId.get(post.id);
    if (stored) return { record: structuredClone(stored), created: false };
    const seq = 1 + Math.max(0, ...[...this.byId.values()].filter((p) => p.caseId === post.caseId).map((p) => p.seq));
    const record = { ...structuredClone(post), seq };
    this.byId.set(post.id, record);
    return { record: structuredClone(record), created: true };
  }

  async listQuestionPosts(caseId: string): Promise<QuestionPostRecord[]> {
    return [...this.byId.values()]
      .filter((p) => p.caseId === caseId)
      .sort((a, b) => a.seq - b.seq)
      .map((p) => structuredClone(p));
  }

  async openQuestionCounts(): Promise<{ caseId: string; open: number }[]> {
    const answered = new Set(
      [...this.byId.values()].flatMap((p) => (p.kind === 'answer' && p.replyTo ? [p.replyTo] : [])),
    );
    const counts = new Map<string, number>();
    for (const p of this.byId.values()) {
      if (p.kind === 'question' && !answered.has(p.id)) counts.set(p.caseId, (counts.get(p.caseId) ?? 0) + 1);
    }
    return [...counts].map(([caseId, open]) => ({ caseId, open }));
  }

  purge(caseId: string): void {
    for (const [id, p] of this.byId) if (p.caseId === caseId) this.byId.delete(id);
  }
}
