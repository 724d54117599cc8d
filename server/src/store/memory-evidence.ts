import { AccordError } from '@accord/shared';
import type { EvidenceRecord, EvidenceStore } from './types';

/** The memory store's evidence rows (its own class: the store's file stays readable). */
export class MemoryEvidence implements EvidenceStore {
  private readonly byId = new Map<string, EvidenceRecord>();

  async addEvidence(e: EvidenceRecord, max: number): Promise<EvidenceRecord> {
    if ([...this.byId.values()].filter((x) => x.caseId === e.caseId).length >= max) {
      throw AccordError.because('CONFLICT', 'evidence.tooMany', `a case holds at most ${max} evidence files`, { max });
    }
    this.byId.set(e.id, { ...e });
    return e;
  }

  async listEvidence(caseId: string): Promise<EvidenceRecord[]> {
    // In the order added, as the SQL stores list them.
    return [...this.byId.values()]
      .filter((x) => x.caseId === caseId)
      .sort((a, b) => (a.uploadedAt < b.uploadedAt ? -1 : a.uploadedAt > b.uploadedAt ? 1 : a.id < b.id ? -1 : 1))
      .map((x) => ({ ...x }));
  }

  async getEvidence(id: string): Promise<EvidenceRecord | null> {
    const e = this.byId.get(id);
    return e ? { ...e } : null;
  }

  async setEvidenceSharing(
    id: string,
    shownTo: EvidenceRecord['shownTo'],
    caucusSide: EvidenceRecord['caucusSide'],
  ): Promise<EvidenceRecord | null> {
    const e = this.byId.get(id);
    if (!e) return null;
    const next = { ...e, shownTo, caucusSide: shownTo === 'caucus' ? caucusSide : null };
    this.byId.set(id, next);
    return { ...next };
  }

  purge(caseId: string): void {
    for (const [id, e] of this.byId) if (e.caseId === caseId) this.byId.delete(id);
  }
}
