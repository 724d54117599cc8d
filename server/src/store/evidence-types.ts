import type { EvidenceSharing, PartySide } from '@accord/shared';

export interface EvidenceRecord {
  id: string;
  caseId: string;
  uploadedBy: string;
  uploaderRole: string;
  name: string;
  storedName: string;
  type: 'application/pdf' | 'image/jpeg' | 'image/png';
  size: number;
  sha256: string;
  uploadedAt: string;
  /** The uploader's display name (staff and the mediator); null for the customer, never shown to the lender. */
  uploaderName: string | null;
  /** Shown to both parties, or in caucus to one side only (`shared/src/evidence.ts`). */
  shownTo: EvidenceSharing;
  caucusSide: PartySide | null;
  /** The document request it answers, if any. */
  requestId: string | null;
}

export interface EvidenceStore {
  /** Adds evidence unless the case already holds `max` files (CONFLICT), atomically. */
  addEvidence(evidence: EvidenceRecord, max: number): Promise<EvidenceRecord>;
  listEvidence(caseId: string): Promise<EvidenceRecord[]>;
  getEvidence(id: string): Promise<EvidenceRecord | null>;
  /** Marks who sees an item; the item as it now is, or null if there is none. */
  setEvidenceSharing(
    id: string,
    shownTo: EvidenceSharing,
    caucusSide: PartySide | null,
  ): Promise<EvidenceRecord | null>;
}
