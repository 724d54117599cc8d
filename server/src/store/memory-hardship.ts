import type { HardshipRecord, HardshipStore } from './types';

/** The memory store's hardship declarations (its own class: the store's file stays readable). */
export class MemoryHardship implements HardshipStore {
  private readonly byCase = new Map<string, HardshipRecord>();

  async putHardship(record: HardshipRecord): Promise<{ record: HardshipRecord; created: boolean }> {
    const before = this.byCase.get(record.caseId);
    const stored = { ...structuredClone(record), declaredAt: before?.declaredAt ?? record.declaredAt };
    this.byCase.set(record.caseId, stored);
    return { record: structuredClone(stored), created: before === undefined };
  }

  async getHardship(caseId: string): Promise<HardshipRecord | null> {
    const h = this.byCase.get(caseId);
    return h ? structuredClone(h) : null;
  }

  purge(caseId: string): void {
    this.byCase.delete(caseId);
  }
}
