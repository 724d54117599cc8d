import type { DocAuthor } from '@accord/shared';
import type { ConsentRecord, NegotiationStore, RoundRecord } from './types';

/** The memory store's clause consent, doc authors and rounds (its own class: the store's file stays readable). */
export class MemoryNegotiation implements NegotiationStore {
  /** Per case: consent in seq order, doc authors by Yjs client id, rounds in order. */
  private readonly consent = new Map<string, ConsentRecord[]>();
  private readonly authors = new Map<string, Map<number, DocAuthor>>();
  private readonly rounds = new Map<string, RoundRecord[]>();

  async addConsent(entry: Omit<ConsentRecord, 'seq'>): Promise<ConsentRecord> {
    const list = this.consent.get(entry.caseId) ?? [];
    const record: ConsentRecord = { ...entry, seq: list.length + 1 };
    this.consent.set(entry.caseId, [...list, record]);
    return { ...record };
  }

  async listConsent(caseId: string): Promise<ConsentRecord[]> {
    return (this.consent.get(caseId) ?? []).map((e) => ({ ...e }));
  }

  async bindDocAuthor(caseId: string, author: DocAuthor): Promise<void> {
    const authors = this.authors.get(caseId) ?? new Map<number, DocAuthor>();
    if (!authors.has(author.client)) authors.set(author.client, { ...author });
    this.authors.set(caseId, authors);
  }

  async listDocAuthors(caseId: string): Promise<DocAuthor[]> {
    return [...(this.authors.get(caseId)?.values() ?? [])].sort((a, b) => a.client - b.client).map((a) => ({ ...a }));
  }

  async addRound(round: Omit<RoundRecord, 'n'>): Promise<RoundRecord> {
    const list = this.rounds.get(round.caseId) ?? [];
    const record: RoundRecord = structuredClone({ ...round, n: list.length + 1 });
    this.rounds.set(round.caseId, [...list, record]);
    return structuredClone(record);
  }

  async listRounds(caseId: string): Promise<RoundRecord[]> {
    return structuredClone(this.rounds.get(caseId) ?? []);
  }

  /** A purged case's negotiation goes with its content. */
  purge(caseId: string): void {
    this.consent.delete(caseId);
    this.authors.delete(caseId);
    this.rounds.delete(caseId);
  }
}
