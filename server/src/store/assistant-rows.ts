import { CaseRole, DisputeType, type Fact } from '@accord/shared';
import { num, str, strOrNull, type Row } from './rows';
import type { CaseAssistantRecord, ProposalUseRecord, SurveyResponseRecord } from './types';

/** Row mappers of the assistant's and the surveys' tables, shared by both SQL stores. */
export function toCaseAssistant(r: Row): CaseAssistantRecord {
  const facts = strOrNull(r.corrected_facts);
  const corrected = strOrNull(r.corrected_type);
  return {
    caseId: str(r.case_id),
    modelType: DisputeType.parse(r.model_type),
    modelProbability: num(r.model_probability),
    modelVersion: str(r.model_version),
    correctedType: corrected === null ? null : DisputeType.parse(corrected),
    // Written only by this store from facts the service validated.
    correctedFacts: facts === null ? null : (JSON.parse(facts) as Fact[]),
    correctedBy: strOrNull(r.corrected_by),
    classifiedAt: str(r.classified_at),
    updatedAt: str(r.updated_at),
  };
}

export function toProposalUse(r: Row): ProposalUseRecord {
  return {
    caseId: str(r.case_id),
    seq: num(r.seq),
    itemId: str(r.item_id),
    action: str(r.action) as ProposalUseRecord['action'],
    clauseId: strOrNull(r.clause_id),
    text: str(r.text),
    source: str(r.source),
    userId: str(r.user_id),
    at: str(r.at),
  };
}

export function toSurveyResponse(r: Row): SurveyResponseRecord {
  return {
    id: str(r.id),
    caseId: str(r.case_id),
    role: CaseRole.parse(r.role),
    satisfaction: num(r.satisfaction),
    // 0/1 from SQLite, booleans from PostgreSQL.
    heard: Boolean(r.heard),
    fair: Boolean(r.fair),
    again: Boolean(r.again),
    comment: str(r.comment),
    day: str(r.day),
  };
}

export const proposalUseParams = (u: ProposalUseRecord): (string | number | null)[] => [
  u.caseId,
  u.seq,
  u.itemId,
  u.action,
  u.clauseId,
  u.text,
  u.source,
  u.userId,
  u.at,
];
