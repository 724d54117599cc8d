import type { HardshipKind } from '@accord/shared';

/** The customer's hardship declaration of a case (one per case; a later one replaces it). */
export interface HardshipRecord {
  caseId: string;
  kind: HardshipKind;
  /** A calendar date (YYYY-MM-DD), or null when not given. */
  since: string | null;
  description: string;
  /** The case's evidence files that prove it, in the order named. */
  evidenceIds: string[];
  /** The user id of who declared it (the customer). */
  declaredBy: string;
  declaredAt: string;
  updatedAt: string;
}

export interface HardshipStore {
  /**
   * Stores the case's declaration, atomically: the first one as given (`created`), a later one
   * replacing everything but the first's `declaredAt`. Returns it as stored.
   */
  putHardship(record: HardshipRecord): Promise<{ record: HardshipRecord; created: boolean }>;
  getHardship(caseId: string): Promise<HardshipRecord | null>;
}
