import type { DocAuthor, PartyRole } from '@accord/shared';
import { num, str, type Row } from './rows';
import type { ConsentRecord, RoundRecord } from './types';

/** Row mappers of the negotiation tables, shared by both SQL stores (same columns in each). */

export function toConsent(r: Row): ConsentRecord {
  return {
    seq: num(r.seq),
    caseId: str(r.case_id),
    clauseId: str(r.clause_id),
    hash: str(r.hash),
    userId: str(r.user_id),
    role: str(r.role) as PartyRole,
    displayName: str(r.display_name),
    state: str(r.state) as ConsentRecord['state'],
    reason: str(r.reason),
    at: str(r.at),
  };
}

export function toDocAuthor(r: Row): DocAuthor {
  return { client: num(r.client), userId: str(r.user_id), role: str(r.role), displayName: str(r.display_name) };
}

export function toRound(r: Row): RoundRecord {
  return {
    caseId: str(r.case_id),
    n: num(r.n),
    closedAt: str(r.closed_at),
    closedBy: JSON.parse(str(r.closed_by)) as RoundRecord['closedBy'],
    note: str(r.note),
    text: str(r.text),
    fingerprint: str(r.fingerprint),
    terms: JSON.parse(str(r.terms)) as RoundRecord['terms'],
    clauses: JSON.parse(str(r.clauses)) as RoundRecord['clauses'],
  };
}

/** The parameters of both stores' consent INSERT, in its column order (case_id … at). */
export function consentInsertParams(e: ConsentRecord): (string | number)[] {
  return [e.caseId, e.seq, e.clauseId, e.hash, e.userId, e.role, e.displayName, e.state, e.reason, e.at];
}

/** The parameters of both stores' round INSERT, in its column order (case_id … clauses). */
export function roundInsertParams(r: RoundRecord): (string | number)[] {
  return [
    r.caseId,
    r.n,
    r.closedAt,
    JSON.stringify(r.closedBy),
    r.note,
    r.text,
    r.fingerprint,
    JSON.stringify(r.terms),
    JSON.stringify(r.clauses),
  ];
}
