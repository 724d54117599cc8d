import type { PartyRole } from '@accord/shared';
import { num, str, type Row } from './rows';
import type { OfferRecord, OfferResultRecord } from './types';

// Row mappers of the blind offers, both SQL stores (see rows.ts for how the two drivers differ).

export function toOffer(r: Row): OfferRecord {
  return {
    caseId: str(r.case_id),
    round: num(r.round),
    role: str(r.role) as PartyRole,
    userId: str(r.user_id),
    sealed: new Uint8Array(r.sealed as Buffer),
    at: str(r.at),
  };
}

export function toOfferResult(r: Row): OfferResultRecord {
  return {
    caseId: str(r.case_id),
    round: num(r.round),
    overlap: r.overlap === 1 || r.overlap === true,
    midpointCents: r.midpoint_cents === null || r.midpoint_cents === undefined ? null : num(r.midpoint_cents),
    at: str(r.at),
  };
}
