import type { CaseLanguage, PartyRole } from '@accord/shared';

/**
 * A party's acknowledgement of the rights and duties before the session: which text (language, version,
 * SHA-256) and when. No free text and no name: it outlives the case's purge, as the sealed record does.
 */
export interface RightsAckRecord {
  caseId: string;
  userId: string;
  role: PartyRole;
  language: CaseLanguage;
  version: string;
  sha256: string;
  at: string;
}

export interface RightsStore {
  /**
   * Stores the acknowledgement unless this person has one on this case already: once per person per
   * case, the first kept. The stored one, and whether it is this one.
   */
  addRightsAck(ack: RightsAckRecord): Promise<{ record: RightsAckRecord; created: boolean }>;
  getRightsAck(caseId: string, userId: string): Promise<RightsAckRecord | null>;
  /** The case's acknowledgements in the order given (by time, then person). */
  listRightsAcks(caseId: string): Promise<RightsAckRecord[]>;
}

/** Row mapper shared by both SQL stores. */
export function toRightsAck(r: Record<string, unknown>): RightsAckRecord {
  return {
    caseId: String(r.case_id),
    userId: String(r.user_id),
    role: String(r.role) as PartyRole,
    language: String(r.language) as CaseLanguage,
    version: String(r.version),
    sha256: String(r.sha256),
    at: String(r.at),
  };
}
