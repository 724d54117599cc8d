import {
  AccordError,
  ChatCite,
  HardshipKind,
  LenderPlanPolicy,
  type CaseRole,
  type Channel,
  type ChatMessage,
  type Phase,
} from '@accord/shared';
import type {
  AccountEventRecord,
  AuditRecord,
  LenderRecord,
  NewCase,
  NewMessage,
  NewUser,
  NewOutboxMessage,
  CaseRecord,
  EvidenceRecord,
  FreezeRecord,
  HardshipRecord,
  QuestionPostRecord,
  InviteRecord,
  MediatorProfile,
  MemberRecord,
  OutcomeRow,
  OutboxRecord,
  RoomStateRecord,
  SessionRecord,
  SignatureRecord,
  UserRecord,
} from './types';

/**
 * Row mappers both SQL stores share: the columns are the same in SQLite and PostgreSQL. Where the
 * two drivers return a column differently, the mapper takes either: a boolean is 0/1 from SQLite
 * and true/false from PostgreSQL; a 64-bit integer (bigint, count(*)) is a string from `pg`.
 */
export type Row = Record<string, unknown>;

export const str = (v: unknown): string => v as string;
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
export const num = (v: unknown): number => Number(v);
const bool = (v: unknown): boolean => v === 1 || v === true;

export function toUser(r: Row): UserRecord {
  return {
    id: str(r.id),
    kind: r.kind as UserRecord['kind'],
    username: strOrNull(r.username),
    displayName: str(r.display_name),
    staffRole: strOrNull(r.staff_role) as UserRecord['staffRole'],
    passwordHash: strOrNull(r.password_hash),
    mustChangePassword: bool(r.must_change_password),
    lenderId: strOrNull(r.lender_id),
    deactivatedAt: strOrNull(r.deactivated_at),
    email: strOrNull(r.email ?? null),
    createdAt: str(r.created_at),
  };
}

export function toLender(r: Row): LenderRecord {
  const policy = strOrNull(r.plan_policy ?? null);
  return {
    id: str(r.id),
    name: str(r.name),
    createdAt: str(r.created_at),
    // Written from a checked policy; read through the schema all the same (a hand-edited row fails loudly).
    planPolicy: policy === null ? null : LenderPlanPolicy.parse(JSON.parse(policy)),
    documentDueDays:
      r.document_due_days === null || r.document_due_days === undefined ? null : num(r.document_due_days),
  };
}

export function toHardship(r: Row): HardshipRecord {
  return {
    caseId: str(r.case_id),
    kind: HardshipKind.parse(r.kind),
    since: strOrNull(r.since),
    description: str(r.description),
    evidenceIds: JSON.parse(str(r.evidence_ids)) as string[],
    declaredBy: str(r.declared_by),
    declaredAt: str(r.declared_at),
    updatedAt: str(r.updated_at),
  };
}

export function toQuestionPost(r: Row): QuestionPostRecord {
  return {
    id: str(r.id),
    caseId: str(r.case_id),
    seq: num(r.seq),
    kind: r.kind === 'answer' ? 'answer' : 'question',
    replyTo: strOrNull(r.reply_to),
    authorId: str(r.author_id),
    authorRole: str(r.author_role) as QuestionPostRecord['authorRole'],
    authorName: str(r.author_name),
    body: str(r.body),
    at: str(r.at),
  };
}

export function toAccountEvent(r: Row): AccountEventRecord {
  return {
    id: str(r.id),
    at: str(r.at),
    actorId: strOrNull(r.actor_id),
    kind: str(r.kind),
    targetId: str(r.target_id),
    data: JSON.parse(str(r.data)) as Record<string, unknown>,
  };
}

export function toCase(r: Row): CaseRecord {
  return {
    id: str(r.id),
    number: str(r.number),
    title: str(r.title),
    summary: str(r.summary),
    category: r.category as CaseRecord['category'],
    status: r.status as CaseRecord['status'],
    statusSince: str(r.status_since ?? r.created_at),
    amountInDisputeCents: num(r.amount_in_dispute_cents),
    createdAt: str(r.created_at),
    desiredOutcome: str(r.desired_outcome ?? ''),
    language: r.language === 'en' ? 'en' : 'zh-CN',
    customerId: strOrNull(r.customer_id),
    mediatorId: strOrNull(r.mediator_id),
    session:
      r.session_starts_at === null || r.session_starts_at === undefined
        ? null
        : {
            startsAt: str(r.session_starts_at),
            timeZone: str(r.session_time_zone),
            durationMinutes: num(r.session_minutes),
          },
    question: strOrNull(r.question),
    rejectionReason: strOrNull(r.rejection_reason),
    tracking:
      r.tracking_id === null || r.tracking_id === undefined
        ? null
        : { id: str(r.tracking_id), pinHash: str(r.tracking_pin_hash), revokedAt: strOrNull(r.tracking_revoked_at) },
    purgedAt: strOrNull(r.purged_at),
    lenderId: strOrNull(r.lender_id),
  };
}

export function toEvidence(r: Row): EvidenceRecord {
  return {
    id: str(r.id),
    caseId: str(r.case_id),
    uploadedBy: str(r.uploaded_by),
    uploaderRole: str(r.uploader_role),
    name: str(r.name),
    storedName: str(r.stored_name),
    type: r.type as EvidenceRecord['type'],
    size: num(r.size),
    sha256: str(r.sha256),
    uploadedAt: str(r.uploaded_at),
    uploaderName: strOrNull(r.uploader_name),
    shownTo: r.shown_to === 'caucus' ? 'caucus' : 'both',
    caucusSide: strOrNull(r.caucus_side) as EvidenceRecord['caucusSide'],
    requestId: strOrNull(r.request_id),
  };
}

export function toMediatorProfile(r: Row): MediatorProfile {
  return {
    userId: str(r.user_id),
    organisation: str(r.organisation),
    languages: JSON.parse(str(r.languages)) as string[],
    specialities: JSON.parse(str(r.specialities)) as string[],
  };
}

export function toMember(r: Row): MemberRecord {
  return {
    caseId: str(r.case_id),
    userId: str(r.user_id),
    role: r.role as CaseRole,
    displayName: str(r.display_name),
    addedAt: str(r.added_at),
    admitted: bool(r.admitted),
    muted: bool(r.muted),
    handRaised: bool(r.hand_raised),
    removedAt: strOrNull(r.removed_at),
  };
}

export function toRoomState(r: Row): RoomStateRecord {
  return {
    caseId: str(r.case_id),
    phase: r.phase as Phase,
    lobby: bool(r.lobby),
    quietOpening: bool(r.quiet_opening),
    agreementLocked: bool(r.agreement_locked),
    caucusUserId: strOrNull(r.caucus_user_id),
    caucusReturnPhase: strOrNull(r.caucus_return_phase) as Phase | null,
    caucusParties: JSON.parse(str(r.caucus_parties ?? '[]')) as string[],
    pinned: r.pinned_text === null ? null : { text: str(r.pinned_text), by: str(r.pinned_by), at: str(r.pinned_at) },
    version: num(r.version),
  };
}

export function toAudit(r: Row): AuditRecord {
  return {
    caseId: str(r.case_id),
    seq: num(r.seq),
    at: str(r.at),
    actorId: strOrNull(r.actor_id),
    kind: str(r.kind),
    data: JSON.parse(str(r.data)) as Record<string, unknown>,
    prevHash: str(r.prev_hash),
    hash: str(r.hash),
  };
}

export function toMessage(r: Row): ChatMessage {
  return {
    channel: r.channel as Channel,
    seq: num(r.seq),
    id: str(r.id),
    clientId: str(r.client_id),
    caseId: str(r.case_id),
    senderId: str(r.sender_id),
    senderName: str(r.sender_name),
    senderRole: r.sender_role as CaseRole,
    text: str(r.text),
    cites: citesOf(r.cites),
    createdAt: str(r.created_at),
  };
}

/**
 * A message's citations as stored: NULL (most messages: nothing to write or parse), or their JSON.
 * The column is written only for a message that cites something, so the chat path stays as it was.
 */
export const citesColumn = (cites: readonly ChatCite[] | undefined): string | null =>
  cites && cites.length > 0 ? JSON.stringify(cites.map(({ id, name, type }) => ({ id, name, type }))) : null;

/** The `messages` table's columns, in the order `messageValues` gives their values (both SQL stores). */
export const MESSAGE_COLUMNS =
  'case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at, cites';

/** A message's values for MESSAGE_COLUMNS, stored with `seq`. */
export function messageValues(m: NewMessage, seq: number): unknown[] {
  return [
    m.caseId,
    m.channel,
    seq,
    m.id,
    m.clientId,
    m.senderId,
    m.senderName,
    m.senderRole,
    m.text,
    m.createdAt,
    citesColumn(m.cites),
  ];
}

function citesOf(v: unknown): ChatCite[] {
  if (typeof v !== 'string') return [];
  return ChatCite.array().parse(JSON.parse(v));
}

/** The message a NewMessage becomes with its seq: `cites` always present. */
export const storedMessage = (m: NewMessage, seq: number): ChatMessage => ({ ...m, cites: m.cites ?? [], seq });

/** Whether a retry (same clientId) is the message stored: same text, channel and citations. */
export const sameMessage = (
  stored: { text: unknown; channel: unknown; cites: readonly ChatCite[] },
  m: NewMessage,
): boolean =>
  stored.text === m.text &&
  stored.channel === m.channel &&
  stored.cites.map((c) => c.id).join() === (m.cites ?? []).map((c) => c.id).join();

export function toOutcome(r: Row): OutcomeRow {
  return { caseId: str(r.case_id), record: str(r.record), signature: str(r.signature), sealedAt: str(r.sealed_at) };
}

/** The parameters of both stores' room-state upsert, in its column order; booleans as the driver wants them. */
export function roomStateParams<B>(next: RoomStateRecord, bool: (v: boolean) => B): (string | number | B | null)[] {
  return [
    next.caseId,
    next.phase,
    bool(next.lobby),
    bool(next.quietOpening),
    bool(next.agreementLocked),
    next.caucusUserId,
    next.pinned?.text ?? null,
    next.pinned?.by ?? null,
    next.pinned?.at ?? null,
    next.version,
    next.caucusReturnPhase,
    JSON.stringify(next.caucusParties),
  ];
}

/** The parameters of both stores' case INSERT, in its column order (id … tracking_pin_hash, language). */
export function caseInsertParams(input: NewCase, number: string, createdAt: string): (string | number | null)[] {
  return [
    input.id,
    number,
    input.title,
    input.summary,
    input.category,
    input.status ?? 'scheduled',
    createdAt,
    input.amountInDisputeCents,
    createdAt,
    input.desiredOutcome ?? '',
    input.customerId ?? null,
    input.tracking?.id ?? null,
    input.tracking?.pinHash ?? null,
    input.language ?? 'zh-CN',
    input.lenderId ?? null,
  ];
}

/** The parameters of both stores' user INSERT, in its column order; the boolean as the driver wants it. */
export function userInsertParams<B>(user: NewUser, createdAt: string, bool: (v: boolean) => B): (string | B | null)[] {
  return [
    user.id,
    user.kind,
    user.username,
    user.displayName,
    user.staffRole,
    user.passwordHash,
    bool(user.mustChangePassword),
    user.lenderId ?? null,
    createdAt,
    user.email ?? null,
  ];
}

/** The parameters of both stores' invite INSERT, in its column order (id … pin_hash). */
export function inviteInsertParams(r: InviteRecord): (string | null)[] {
  return [r.id, r.caseId, r.userId, r.role, r.displayName, r.createdBy, r.createdAt, r.expiresAt, r.pinHash];
}

/** The parameters of both stores' freeze INSERT, in its column order (id … clauses). */
export function freezeInsertParams(f: Omit<FreezeRecord, 'voidedAt'>): (string | null)[] {
  return [
    f.id,
    f.caseId,
    f.text,
    f.fingerprint,
    f.frozenAt,
    f.frozenBy,
    JSON.stringify(f.terms),
    JSON.stringify(f.signers),
    f.clauses ? JSON.stringify(f.clauses) : null,
  ];
}

export const now = () => new Date().toISOString();

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
    clauses: r.clauses ? (JSON.parse(str(r.clauses)) as FreezeRecord['clauses']) : null,
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
    pinResetAt: strOrNull(r.pin_reset_at),
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

/** The refusal of a chat message whose clientId its sender already used for other text (every store). */
export const clientIdReused = (clientId: string): AccordError =>
  new AccordError('CONFLICT', `clientId ${clientId} was already used for a different message`);

export function toOutbox(r: Row): OutboxRecord {
  return {
    id: str(r.id),
    caseId: strOrNull(r.case_id),
    kind: str(r.kind),
    recipient: str(r.recipient),
    payload: str(r.payload),
    notBefore: str(r.not_before),
    expiresAt: strOrNull(r.expires_at),
    attempts: num(r.attempts),
    nextAttemptAt: str(r.next_attempt_at),
    leaseOwner: strOrNull(r.lease_owner),
    leaseUntil: strOrNull(r.lease_until),
    sentAt: strOrNull(r.sent_at),
    droppedAt: strOrNull(r.dropped_at),
    dropReason: strOrNull(r.drop_reason),
    lastError: strOrNull(r.last_error),
    createdAt: str(r.created_at),
  };
}

/** The parameters of both stores' outbox INSERT, in its column order (id … created_at). */
export function outboxInsertParams(m: NewOutboxMessage, createdAt: string): (string | null)[] {
  return [m.id, m.caseId, m.kind, m.recipient, m.payload, m.notBefore, m.expiresAt, m.notBefore, createdAt];
}
