import type { RightsAckRecord, RightsStore } from './rights-types';

/** The memory store's acknowledgements of the rights and duties: one per person per case, the first kept. */
export class MemoryRights implements RightsStore {
  private readonly acks = new Map<string, RightsAckRecord>();

  async addRightsAck(ack: RightsAckRecord): Promise<{ record: RightsAckRecord; created: boolean }> {
    const key = `${ack.caseId}|${ack.userId}`;
    const stored = this.acks.get(key);
    if (stored) return { record: structuredClone(stored), created: false };
    this.acks.set(key, structuredClone(ack));
    return { record: structuredClone(ack), created: true };
  }

  async getRightsAck(caseId: string, userId: string): Promise<RightsAckRecord | null> {
    const stored = this.acks.get(`${caseId}|${userId}`);
    return stored ? structuredClone(stored) : null;
  }

  async listRightsAcks(caseId: string): Promise<RightsAckRecord[]> {
    return [...this.acks.values()]
      .filter((a) => a.caseId === caseId)
      .sort((a, b) => (a.at === b.at ? (a.userId < b.userId ? -1 : 1) : a.at < b.at ? -1 : 1))
      .map((a) => structuredClone(a));
  }
}
