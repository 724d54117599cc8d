import { z } from 'zod';
import { EvidenceSharing, PartySide } from './evidence';
import { PRIVACY_NOTICE_VERSION } from './constants';
import { CaseAppeal } from './recovery';
import { CaseCategory, LenderId } from './rest';
import { CaseLifecycle } from './lifecycle';
import { CaseId, CaseLanguage, CaseNumber, Cents, IsoDateTime, UserId } from './ids';
import { PersonName } from './names';
import { EvidenceKind } from './evidence-kind';
import { HardshipKind, HardshipView } from './hardship';
import { QuestionView } from './questions';

// ---- intake ------------------------------------------------------------------

/** A mainland China mobile number: 11 digits starting with 1. */
export const Phone = z.string().regex(/^1\d{10}$/, 'an 11-digit mobile number');
/** A resident ID number: 17 digits and a digit or X. */
export const NationalId = z.string().regex(/^\d{17}[\dX]$/, '18 characters: 17 digits and a digit or X');

export { PRIVACY_NOTICE_VERSION };

export const IntakeBody = z.strictObject({
  /** The lender the complaint is against (from `GET /api/lenders`). */
  lenderId: LenderId,
  name: PersonName(2, 50),
  phone: Phone,
  nationalId: NationalId,
  contractNumber: z.string().trim().min(3).max(64),
  /** Where notices go (the invitation, the session and its reminders, the outcome); optional, kept encrypted. */
  email: z.preprocess((v) => (v === '' ? undefined : v), z.email('an e-mail address').max(254).optional()),
  category: CaseCategory,
  amountInDisputeCents: Cents,
  description: z.string().trim().min(10, 'at least 10 characters').max(10_000),
  desiredOutcome: z.string().trim().min(2).max(2000),
  /** The language of the complaint form; the case, its settlement and its record are in it. */
  language: CaseLanguage.default('zh-CN'),
  /** The privacy notice the complainant read and accepted: the current one. */
  privacyNotice: z.literal(PRIVACY_NOTICE_VERSION, {
    error: `accept the current privacy notice (${PRIVACY_NOTICE_VERSION})`,
  }),
  /**
   * Separate consent to processing sensitive personal information (the ID number, and the phone as
   * given with it), which the law asks for apart from the notice.
   */
  sensitiveConsent: z.literal(true, { error: 'separate consent to processing the ID number and phone is needed' }),
});
export type IntakeBody = z.infer<typeof IntakeBody>;

export const IntakeResult = z.object({
  caseId: CaseId,
  caseNumber: CaseNumber,
  /** The private tracking link; with the PIN it signs the customer in to follow the case. */
  trackingUrl: z.string(),
  pin: z.string().regex(/^\d{6}$/),
});
export type IntakeResult = z.infer<typeof IntakeResult>;

/**
 * The complaint form as multipart fields: all strings, so the amount arrives as digits and
 * is read as a number, and the consent box as a boolean, before `IntakeBody` checks them.
 */
export const IntakeFields = z.preprocess((raw) => {
  if (typeof raw !== 'object' || raw === null) return raw;
  const { amountInDisputeCents: amount, sensitiveConsent: consent } = raw as Record<string, unknown>;
  return {
    ...raw,
    amountInDisputeCents: /^\d+$/.test(String(amount)) ? Number(amount) : amount,
    // A checkbox arrives as "true" (or not at all).
    ...(consent === 'true' ? { sensitiveConsent: true } : {}),
  };
}, IntakeBody);

export const TrackSignInBody = z.strictObject({ pin: z.string().regex(/^\d{6}$/, 'six digits') });

// ---- evidence ----------------------------------------------------------------

export { EvidenceKind };
export const EvidenceView = z.object({
  id: z.uuid(),
  caseId: CaseId,
  name: z.string(),
  type: EvidenceKind,
  size: z.int().min(1),
  sha256: z.string(),
  /** Who added it: their id, their role on the case, and (staff and the mediator) their display name. */
  uploadedBy: z.object({ userId: UserId, role: z.string(), name: z.string().nullable() }),
  uploadedAt: IsoDateTime,
  /** Shown to both parties, or in caucus to one side only (`evidence.ts`). */
  shownTo: EvidenceSharing,
  caucusSide: PartySide.nullable(),
  /** The document request this item answers, if it was uploaded as an answer to one. */
  requestId: z.uuid().nullable(),
});
export type EvidenceView = z.infer<typeof EvidenceView>;

// ---- review, assignment, scheduling ------------------------------------------------

export const ReviewDecision = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('start') }),
  z.strictObject({
    decision: z.literal('accept'),
    /**
     * The lender-staff account that represents the lender in the room (an active account of the
     * complaint's lender): its 'platform' party.
     */
    platformUserId: z.uuid(),
    /** Needed to accept while an acceptance rule fails. */
    overrideReason: z.string().trim().min(5).max(1000).optional(),
    /** Why the case is accepted, when the reviewer says: recorded on the timeline. */
    reason: z.string().trim().min(2).max(1000).optional(),
  }),
  z.strictObject({ decision: z.literal('reject'), reason: z.string().trim().min(5).max(2000) }),
  z.strictObject({ decision: z.literal('request_info'), question: z.string().trim().min(5).max(2000) }),
]);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const InfoAnswerBody = z.strictObject({ answer: z.string().trim().min(2).max(5000) });
/** `POST /api/cases/:caseId/withdraw`: the customer withdraws the complaint. */
export const WithdrawBody = z.strictObject({ reason: z.string().trim().max(2000).optional() });
export type WithdrawBody = z.infer<typeof WithdrawBody>;

/** The acceptance rules, by code: the client words each in the reader's language. */
export const RuleCode = z.enum([
  'identity',
  'contract_number',
  'description_30',
  'fee_document',
  'hardship_proof',
  'transaction_records',
  'description_80',
]);
export type RuleCode = z.infer<typeof RuleCode>;

/** `rule` is the English wording (for API readers and error messages); `code` is what a client translates. */
export const RuleCheck = z.object({ code: RuleCode, rule: z.string(), ok: z.boolean() });
export type RuleCheck = z.infer<typeof RuleCheck>;

export const MediatorProfileBody = z.strictObject({
  userId: UserId,
  organisation: z.string().trim().min(2).max(200),
  languages: z.array(z.string().trim().min(2).max(20)).min(1).max(10),
  specialities: z.array(z.string().trim().min(2).max(60)).max(20),
});
export type MediatorProfileBody = z.infer<typeof MediatorProfileBody>;

export const MediatorView = MediatorProfileBody.extend({ displayName: z.string(), activeCases: z.int().min(0) });
export type MediatorView = z.infer<typeof MediatorView>;

/** Why a staff member takes a step, when they say: recorded in the audit and shown in the staff case history. */
export const StaffReason = z.string().trim().min(2).max(1000);

export const AssignBody = z.strictObject({ mediatorUserId: UserId, reason: StaffReason.optional() });

/**
 * The time zones a session is scheduled in, chosen from a list (the client names each in words):
 * mainland China first, then where parties of a Chinese consumer-finance dispute most often are.
 */
export const SESSION_TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Macau',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
] as const;
export const SessionTimeZone = z.enum(SESSION_TIME_ZONES);
export type SessionTimeZone = z.infer<typeof SessionTimeZone>;

/** When a session takes place: local date and time as the parties read it, in `timeZone`. */
export const SessionTime = z.object({ startsAt: z.string(), timeZone: z.string(), durationMinutes: z.int() });
export type SessionTime = z.infer<typeof SessionTime>;

export const ScheduleBody = z.strictObject({
  /** Local date and time as the parties read it, in `timeZone`. */
  startsAt: z.iso.datetime({ local: true }),
  timeZone: SessionTimeZone.default('Asia/Shanghai'),
  durationMinutes: z
    .int()
    .min(15)
    .max(8 * 60)
    .default(90),
  reason: StaffReason.optional(),
});
export type ScheduleBody = z.input<typeof ScheduleBody>;

export const RevealBody = z.strictObject({ field: z.enum(['nationalId', 'phone']), reason: StaffReason.optional() });
export const RevealResult = z.object({ field: RevealBody.shape.field, value: z.string() });

/** The customer's room invite; `pin` (which confirms their signature) the first time only. */
export const RoomInviteResult = z.object({ url: z.string(), pin: z.string().nullable() });
export type RoomInviteResult = z.infer<typeof RoomInviteResult>;

// ---- what people see -----------------------------------------------------------

export const TimelineEntry = z.object({
  at: IsoDateTime,
  status: CaseLifecycle,
  by: z.enum(['customer', 'staff', 'admin', 'mediator', 'system']),
  note: z.string().nullable(),
  /** The session as (re)scheduled by this step, for the client to write in the reader's words. */
  session: SessionTime.nullable(),
  /**
   * Not a status change but a step of the question thread (`status` is the case's at the time): the
   * customer asked, or the lender (or the centre) answered. The text is in the thread, not here.
   */
  event: z
    .enum([
      'question_asked',
      'question_answered',
      // A document request: asked by the customer, answered with documents or declined by the lender.
      'documents_requested',
      'documents_provided',
      'documents_declined',
    ])
    .optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const CaseProgress = z.object({
  caseId: CaseId,
  caseNumber: CaseNumber,
  title: z.string(),
  status: CaseLifecycle,
  /** When the case entered its current status. */
  since: IsoDateTime,
  timeline: z.array(TimelineEntry),
  handler: z.object({ role: z.enum(['staff', 'mediator', 'customer', 'none']), name: z.string().nullable() }),
  /** English, for API readers; a client words the next step of `status` itself. */
  nextStep: z.string(),
  session: SessionTime.nullable(),
  /** An open question from the reviewer, for the customer to answer. */
  question: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  /** The customer's appeal of a rejection (one per case), or null: once made, no other is taken. */
  appeal: CaseAppeal.nullable(),
});
export type CaseProgress = z.infer<typeof CaseProgress>;

/** A case's personal data as a role may see it: masked unless revealed to a role that needs it. */
export const PartyData = z.object({
  name: z.string(),
  phone: z.string(),
  nationalId: z.string(),
  contractNumber: z.string(),
  /** The customer's e-mail address, in their own export only (staff views leave it out). */
  email: z.string().nullable().optional(),
});
export type PartyData = z.infer<typeof PartyData>;

export const CaseDetail = z.object({
  progress: CaseProgress,
  category: CaseCategory,
  amountInDisputeCents: Cents,
  description: z.string(),
  desiredOutcome: z.string(),
  party: PartyData,
  evidence: z.array(EvidenceView),
  rules: z.array(RuleCheck),
  mediator: z.object({ userId: UserId, displayName: z.string() }).nullable(),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const QueueQuery = z.object({
  status: CaseLifecycle.optional(),
  category: CaseCategory.optional(),
  /** Only cases waiting in their status at least this long. */
  minWaitHours: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .optional(),
  q: z
    .string()
    .max(40)
    // PostgreSQL text cannot hold NUL (the query would fail, not find nothing); no case number has controls.
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point.
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
    .optional(),
  sort: z.enum(['oldest', 'newest', 'waiting']).default('oldest'),
});
export type QueueQuery = z.output<typeof QueueQuery>;

export const QueueItem = z.object({
  caseId: CaseId,
  caseNumber: CaseNumber,
  title: z.string(),
  category: CaseCategory,
  status: CaseLifecycle,
  createdAt: IsoDateTime,
  since: IsoDateTime,
  waitingHours: z.number(),
  amountInDisputeCents: Cents,
  /** The assigned mediator's name, once there is one. */
  mediatorName: z.string().nullable(),
});
export type QueueItem = z.infer<typeof QueueItem>;

/** `GET /api/cases/:caseId/export`: everything the customer is entitled to, as one JSON file. */
export const CaseExport = z.object({
  format: z.literal('accord.export/1'),
  exportedAt: IsoDateTime,
  case: z.object({
    number: CaseNumber,
    category: CaseCategory,
    amountInDisputeCents: Cents,
    description: z.string(),
    desiredOutcome: z.string(),
    status: CaseLifecycle,
  }),
  /** Unmasked: it is the customer's own data. */
  personalData: PartyData.nullable(),
  progress: CaseProgress,
  documents: z.array(z.object({ name: z.string(), type: EvidenceKind, sha256: z.string(), base64: z.string() })),
  /** The joint chat; caucus channels stay out. */
  transcript: z.array(
    z.object({ seq: z.int(), sender: z.string(), role: z.string(), text: z.string(), at: IsoDateTime }),
  ),
  outcome: z.object({ record: z.unknown(), signature: z.string() }).nullable(),
  /** The hardship the customer declared (its proofs are among `documents`, by SHA-256), or null. */
  hardship: HardshipView.nullable(),
  /** The customer's questions about the contract and their answers, oldest first. */
  questions: z.array(QuestionView),
});
export type CaseExport = z.infer<typeof CaseExport>;

/** Masks all but the last four characters (and the first three of an ID: the region). */
export function maskIdentifier(value: string, keepStart = 0): string {
  if (value.length <= 4 + keepStart) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - 4 - keepStart) + value.slice(-4);
}

/** The `/track` Socket.IO namespace: live case progress for the customer and the staff dashboard. */
export const TrackHandshake = z.object({
  token: z.string().min(1).max(4096),
  /** Follow one case; omitted (staff only) follows every case, for the dashboard. */
  caseId: CaseId.optional(),
  /**
   * With `caseId`: the staff case watch, which also receives `case:evidence` and `case:history`. Only
   * for those who open the case as staff (platform staff, admins, the case's mediator): the customer's
   * tracking page never receives evidence names or who revealed what.
   */
  watch: z.boolean().optional(),
});
export type TrackHandshake = z.infer<typeof TrackHandshake>;

/** `case:evidence` on the staff case watch: the case's evidence list after a change. */
export const CaseEvidenceEvent = z.object({ caseId: CaseId, evidence: z.array(EvidenceView) });
export type CaseEvidenceEvent = z.infer<typeof CaseEvidenceEvent>;

/** `case:history` on the staff case watch: something was added to the case history (fetch it again). */
export const CaseHistoryEvent = z.object({ caseId: CaseId });
export type CaseHistoryEvent = z.infer<typeof CaseHistoryEvent>;

export interface TrackServerEvents {
  'case:progress': (progress: CaseProgress) => void;
  'case:evidence': (event: CaseEvidenceEvent) => void;
  'case:history': (event: CaseHistoryEvent) => void;
}

const HistoryBase = {
  at: IsoDateTime,
  /** Who took the step, by their name as staff see it; null for the system or an unknown account. */
  byName: z.string().nullable(),
  /** The reason the staff member gave (or the customer's answer, question, note), if any. */
  reason: z.string().nullable(),
};
/** `GET /api/cases/:caseId/history`: every step taken on a case, for staff (from the audit log). */
export const CaseHistoryEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    ...HistoryBase,
    by: TimelineEntry.shape.by,
    from: CaseLifecycle,
    to: CaseLifecycle,
    /** The timeline's note, as the customer sees it (accept/reject reason, question, answer, mediator's name). */
    note: z.string().nullable(),
    session: SessionTime.nullable(),
  }),
  z.object({ kind: z.literal('pii_revealed'), ...HistoryBase, field: RevealBody.shape.field }),
  z.object({ kind: z.literal('evidence_added'), ...HistoryBase }),
  /** The customer declared (`changed`: changed) their hardship, of this kind. */
  z.object({ kind: z.literal('hardship'), ...HistoryBase, hardship: HardshipKind, changed: z.boolean() }),
  /** The customer asked a question, or staff answered one (the text is in the question thread). */
  z.object({ kind: z.literal('question_asked'), ...HistoryBase }),
  z.object({ kind: z.literal('question_answered'), ...HistoryBase }),
  /** A document request was made, answered with documents or declined (the texts are in the request). */
  z.object({ kind: z.literal('documents'), ...HistoryBase, step: z.enum(['requested', 'provided', 'declined']) }),
]);
export type CaseHistoryEntry = z.infer<typeof CaseHistoryEntry>;
