import type { CaseRole } from '@accord/shared';
import type { CaseRecord, FreezeRecord, InviteRecord, SessionRecord, SignatureRecord } from './types';

/**
 * Row mappers both SQL stores share (the columns and their types are the same
 * in SQLite and PostgreSQL for these tables); the others differ in how
 * booleans and 64-bit integers come back, and stay with their store.
 */
export type Row = Record<string, unknown>;

export const str = (v: unknown): string => v as string;
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

export function toFreeze(r: Row): FreezeRecord {
  return {
    id: str(r.id),
    caseId: str(r.case_id),
    text: str(r.text),
    fingerprint: str(r.fingerprint),
    frozenAt: str(r.frozen_at),
    frozenBy: str(r.frozen_by),
    terms: JSON.parse(str(r.terms)) as FreezeRecord['terms'],
    signers: JSON.parse(str(r.signers)) as string[],
    voidedAt: strOrNull(r.voided_at),
  };
}

export function toInvite(r: Row): InviteRecord {
  return {
    id: str(r.id),
    pinHash: strOrNull(r.pin_hash),
    caseId: str(r.case_id),
    userId: str(r.user_id),
    role: r.role as CaseRole,
    displayName: str(r.display_name),
    createdBy: strOrNull(r.created_by),
    createdAt: str(r.created_at),
    expiresAt: str(r.expires_at),
    revokedAt: strOrNull(r.revoked_at),
  };
}

export function toSession(r: Row): SessionRecord {
  return {
    id: str(r.id),
    userId: str(r.user_id),
    caseId: strOrNull(r.case_id),
    inviteId: strOrNull(r.invite_id),
    createdAt: str(r.created_at),
    expiresAt: str(r.expires_at),
    revokedAt: strOrNull(r.revoked_at),
  };
}

export function toSignature(r: Row): SignatureRecord {
  return {
    freezeId: str(r.freeze_id),
    userId: str(r.user_id),
    role: r.role as CaseRole,
    name: str(r.name),
    fingerprint: str(r.fingerprint),
    signedAt: str(r.signed_at),
  };
}

/** The parameters of both stores' case UPDATE, in its column order (status … purged_at, then id). */
export function caseUpdateParams(next: CaseRecord, id: string): (string | number | null)[] {
  return [
    next.status,
    next.statusSince,
    next.mediatorId,
    next.session?.startsAt ?? null,
    next.session?.timeZone ?? null,
    next.session?.durationMinutes ?? null,
    next.question,
    next.rejectionReason,
    next.tracking?.id ?? null,
    next.tracking?.pinHash ?? null,
    next.tracking?.revokedAt ?? null,
    next.purgedAt,
    id,
  ];
}
