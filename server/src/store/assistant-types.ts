import type { DisputeType, Fact } from '@accord/shared';

/** What the assistant holds of a case: the classifier's reading at intake and the mediator's corrections. */
export interface CaseAssistantRecord {
  caseId: string;
  modelType: DisputeType;
  modelProbability: number;
  /** Which committed model read it (a fingerprint of the model file), so a later model's reading is told apart. */
  modelVersion: string;
  /** The mediator's correction of the type; null while they agree with the model. */
  correctedType: DisputeType | null;
  /** The facts as the mediator corrected them (the whole list); null while uncorrected. */
  correctedFacts: Fact[] | null;
  /** Who last corrected either; null while uncorrected. */
  correctedBy: string | null;
  classifiedAt: string;
  updatedAt: string;
}

export interface Classification {
  caseId: string;
  modelType: DisputeType;
  modelProbability: number;
  modelVersion: string;
  at: string;
}

export interface AssistantCorrections {
  type: DisputeType | null;
  facts: Fact[] | null;
  by: string;
  at: string;
}

export type ProposalAction = 'accepted' | 'edited' | 'dropped';

/** What the mediator did with one item of the first proposal (never changed; a later decision follows it). */
export interface ProposalUseRecord {
  caseId: string;
  /** Per case, from 1, in the order decided. */
  seq: number;
  /** The proposal item (template clause) decided on. */
  itemId: string;
  action: ProposalAction;
  /** The agreement clause it became (its block's id); null when dropped. */
  clauseId: string | null;
  /** The text that went into the agreement (as edited); empty when dropped. */
  text: string;
  /** Where the item came from (template, its version, the rules and facts it cites), as JSON the assistant defines. */
  source: string;
  userId: string;
  at: string;
}

export interface AssistantStore {
  /**
   * Stores the classifier's reading of a case; a later reading (a re-classification) replaces the
   * model's fields and keeps the mediator's corrections.
   */
  putClassification(c: Classification): Promise<CaseAssistantRecord>;
  /** Replaces the mediator's corrections (null clears one); null when the case was never classified. */
  putCorrections(caseId: string, c: AssistantCorrections): Promise<CaseAssistantRecord | null>;
  getAssistant(caseId: string): Promise<CaseAssistantRecord | null>;
  /** Every classified case's type as it stands (the correction, else the model's), for the outcome figures. */
  listDisputeTypes(): Promise<{ caseId: string; type: DisputeType }[]>;
  /** Appends a decision, numbered after the case's last. */
  addProposalUse(use: Omit<ProposalUseRecord, 'seq'>): Promise<ProposalUseRecord>;
  listProposalUses(caseId: string): Promise<ProposalUseRecord[]>;
}
