import type {
  CaseCategory,
  CaseLanguage,
  CaseLifecycle,
  CaseRole,
  CaseStatus,
  Channel,
  ChatMessage,
  ChatCite,
  Phase,
  SettlementTerms,
  StaffRole,
  AuditEntryBody,
  DocAuthor,
  PartyRole,
  RoundView,
} from '@accord/shared';

import type { AccountEventStore, LenderStore } from './account-types';
import type { HardshipStore } from './hardship-types';
import type { AssistantStore } from './assistant-types';
import type { SurveyStore } from './survey-types';
import type { QuestionStore } from './question-types';
import type { DocumentRequestStore } from './doc-request-types';
import type { EvidenceStore } from './evidence-types';
import type { RightsStore } from './rights-types';

export type * from './account-types';
export type * from './hardship-types';
export type * from './assistant-types';
export type * from './survey-types';
export type * from './question-types';
export type * from './doc-request-types';
export type * from './evidence-types';
export type * from './rights-types';

export interface UserRecord {
  id: string;
  kind: 'staff' | 'guest';
  username: string | null;
  displayName: string;
  staffRole: StaffRole | null;
  passwordHash: string | null;
  mustChangePassword: boolean;
  /** The lender of a lender-staff (`platform`) account belongs to. */
  lenderId: string | null;
  /** When an admin deactivated the account: it signs in to nothing from then on. */
  deactivatedAt: string | null;
  /** Where notices (invitations, schedules, reminders, outcomes) are sent; none: nothing is e-mailed. */
  email: string | null;
  createdAt: string;
}

/** `email` and `lenderId` may be left out (guests and the first admin have neither). */
export type NewUser = Omit<UserRecord, 'createdAt' | 'lenderId' | 'deactivatedAt' | 'email'> &
  Partial<Pick<UserRecord, 'lenderId'>> & { email?: string | null };

/** What an admin changes on a staff account. */
export type UserPatch = Partial<Pick<UserRecord, 'displayName' | 'staffRole' | 'lenderId' | 'deactivatedAt'>>;

export interface CaseRecord {
  id: string;
  number: string;
  title: string;
  /** The complaint's description. */
  summary: string;
  category: CaseCategory;
  status: CaseStatus;
  /** When the case entered its current status. */
  statusSince: string;
  amountInDisputeCents: number;
  /** The language the case is conducted in (its settlement text and record). */
  language: CaseLanguage;
  createdAt: string;
  desiredOutcome: string;
  customerId: string | null;
  mediatorId: string | null;
  session: { startsAt: string; timeZone: string; durationMinutes: number } | null;
  question: string | null;
  rejectionReason: string | null;
  tracking: { id: string; pinHash: string; revokedAt: string | null } | null;
  purgedAt: string | null;
  /** The lender the complaint is against (null: a case opened without one, e.g. by hand). */
  lenderId: string | null;
}

export type NewCase = Pick<CaseRecord, 'id' | 'title' | 'summary' | 'category' | 'amountInDisputeCents'> &
  Partial<Pick<CaseRecord, 'status' | 'desiredOutcome' | 'customerId' | 'tracking' | 'language' | 'lenderId'>>;

/** Fields a case changes over its life; `status` moves `statusSince` along. */
export type CasePatch = Partial<
  Pick<CaseRecord, 'status' | 'mediatorId' | 'session' | 'question' | 'rejectionReason' | 'tracking' | 'purgedAt'>
>;

export interface MediatorProfile {
  userId: string;
  organisation: string;
  languages: string[];
  specialities: string[];
}

export interface CaseQuery {
  status?: CaseLifecycle | undefined;
  category?: CaseCategory | undefined;
  /** Case number contains this. */
  q?: string | undefined;
}

export interface MemberRecord {
  caseId: string;
  userId: string;
  role: CaseRole;
  displayName: string;
  addedAt: string;
  /** Let in from the waiting room; remembered across reconnects. */
  admitted: boolean;
  muted: boolean;
  handRaised: boolean;
  /** Set when the mediator removed this person; a removed member reaches nothing of the case. */
  removedAt: string | null;
}

export type MemberFlags = Partial<Pick<MemberRecord, 'admitted' | 'muted' | 'handRaised'>>;

export interface RoomStateRecord {
  caseId: string;
  phase: Phase;
  lobby: boolean;
  quietOpening: boolean;
  agreementLocked: boolean;
  caucusUserId: string | null;
  /** The phase the open caucus was opened from, which closing it returns to; null with no caucus open. */
  caucusReturnPhase: Phase | null;
  /** Every party the mediator has held a caucus with in this room, in the order first opened. */
  caucusParties: string[];
  pinned: { text: string; by: string; at: string } | null;
  version: number;
}

export type RoomStatePatch = Partial<Omit<RoomStateRecord, 'caseId' | 'version'>>;

/** One entry of a case's hash-chained audit log (the shape `shared/src/audit.ts` hashes and verifies). */
export type AuditRecord = AuditEntryBody & { hash: string };
/** What the next entry of a chain needs of the one before: a store reads no more than this. */
export type AuditHead = Pick<AuditRecord, 'seq' | 'hash'>;

export interface InviteRecord {
  id: string;
  /** scrypt hash of the PIN that came with the invite (signing as a guest), if any. */
  pinHash: string | null;
  caseId: string;
  userId: string;
  role: CaseRole;
  displayName: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  /**
   * When the PIN was last reset (its hash cleared); null if never. A reset PIN is handed out only to
   * the party's own session, never to whoever opens the link next (`RecoveryService.claimPin`).
   */
  pinResetAt: string | null;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** Set for sessions opened through an invite: such a token reaches this case only. */
  caseId: string | null;
  inviteId: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface NewMessage {
  id: string;
  caseId: string;
  channel: Channel;
  clientId: string;
  senderId: string;
  senderName: string;
  senderRole: CaseRole;
  text: string;
  /** The evidence items it cites, checked by the chat service; omitted or empty: none. */
  cites?: ChatCite[];
  createdAt: string;
}

export interface AppendResult {
  message: ChatMessage;
  duplicate: boolean;
}

export interface MessageQuery {
  /** Messages with seq strictly greater than this, ascending. */
  afterSeq?: number;
  /** Messages with seq strictly below this; returns the newest `limit` of them, ascending. */
  beforeSeq?: number;
  limit: number;
}

export interface StoredDoc {
  snapshot: Uint8Array | null;
  updates: { id: number; data: Uint8Array }[];
}

/** The store as a whole: what it is, whether it answers, and closing it. */
export interface StoreAdmin {
  readonly kind: string;
  /** Resolves when the store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface UserStore {
  createUser(user: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByUsername(username: string): Promise<UserRecord | null>;
  setPassword(userId: string, passwordHash: string, mustChange: boolean): Promise<void>;
  countStaff(): Promise<number>;
  listStaff(): Promise<UserRecord[]>;
  /** Changes a staff account; returns it as it now is, or null if there is none. */
  updateUser(userId: string, patch: UserPatch): Promise<UserRecord | null>;
}

export interface CaseStore {
  /** Assigns the next case number of the current year. */
  createCase(input: NewCase): Promise<CaseRecord>;
  getCase(id: string): Promise<CaseRecord | null>;
  getCaseByTracking(trackingId: string): Promise<CaseRecord | null>;
  countCases(): Promise<number>;
  listCases(query: CaseQuery): Promise<CaseRecord[]>;
  /**
   * Changes a case; with `expectedStatus` only if it is still in that status
   * (throws CONFLICT otherwise), so two reviewers cannot both move it.
   */
  updateCase(id: string, patch: CasePatch, expectedStatus?: CaseLifecycle): Promise<CaseRecord>;

  /** The encrypted personal identifiers of a case's customer. */
  putPii(caseId: string, data: Uint8Array): Promise<void>;
  getPii(caseId: string): Promise<Uint8Array | null>;

  /**
   * Deletes what the retention period ends: personal data, evidence rows, the hardship declaration,
   * chat, documents, invites. Keeps the case number, the audit log and the sealed record.
   * Here rather than with each aggregate it empties: it is one transaction over the case.
   */
  purgeCase(caseId: string, at: string): Promise<void>;
}

export interface MediatorStore {
  putMediatorProfile(profile: MediatorProfile): Promise<void>;
  listMediatorProfiles(): Promise<MediatorProfile[]>;
}

export interface MemberStore {
  /** Adds or updates a membership (a person has one role per case); re-adding a removed member restores it. */
  putMember(member: Pick<MemberRecord, 'caseId' | 'userId' | 'role' | 'displayName'>): Promise<MemberRecord>;
  getMember(caseId: string, userId: string): Promise<MemberRecord | null>;
  /**
   * The member as getMember would answer now, when a node-local cache holds it fresh (see
   * withMemberCache); undefined when only a read can tell. Lets a check made per Yjs update stay
   * synchronous.
   */
  peekMember?(caseId: string, userId: string): MemberRecord | undefined;
  /** Current (not removed) members. */
  listMembers(caseId: string): Promise<MemberRecord[]>;
  setMemberFlags(caseId: string, userId: string, flags: MemberFlags): Promise<MemberRecord | null>;
  /** Admits every current member still waiting (mediators never wait); returns their user ids. */
  admitAll(caseId: string): Promise<string[]>;
  /**
   * Removes a member: marks the membership removed, revokes their invites to
   * the case and the sessions opened through them. Returns the revoked session ids.
   * Here rather than with invites or sessions: the membership is what it changes; the revocations follow.
   */
  removeMember(caseId: string, userId: string, at: string): Promise<string[]>;
  /** A user's current memberships with their cases. Here rather than with cases: it reads by membership. */
  listMemberships(userId: string): Promise<{ case: CaseRecord; role: CaseRole }[]>;
}

export interface RoomStateStore {
  getRoomState(caseId: string): Promise<RoomStateRecord>;
  /**
   * Applies the patch and increments the version, atomically. With `expectedVersion`
   * it throws CONFLICT when the state changed meanwhile (compare-and-set across nodes).
   */
  updateRoomState(caseId: string, patch: RoomStatePatch, expectedVersion?: number): Promise<RoomStateRecord>;
}

export interface AuditStore {
  /**
   * Appends to the case's audit log. `build` gets the previous entry (or null)
   * inside the store's transaction, so the chain cannot fork under concurrency.
   */
  appendAudit(caseId: string, build: (previous: AuditHead | null) => AuditRecord): Promise<AuditRecord>;
  listAudit(caseId: string, query: { beforeSeq?: number; limit: number }): Promise<AuditRecord[]>;
}

export interface InviteStore {
  createInvite(invite: Omit<InviteRecord, 'revokedAt' | 'createdAt' | 'pinResetAt'>): Promise<InviteRecord>;
  getInvite(id: string): Promise<InviteRecord | null>;
  listInvites(caseId: string): Promise<InviteRecord[]>;
  /** Sets the invite's PIN hash if it has none yet; true when this call set it (the PIN is shown once). */
  claimInvitePin(id: string, pinHash: string): Promise<boolean>;
  /**
   * Clears the PIN of every unrevoked invite of one member that has one, and marks when: the old
   * PIN stops working at once. Returns the ids of the invites reset (none: the member had no PIN).
   */
  resetInvitePins(caseId: string, userId: string, at: string): Promise<string[]>;
  /**
   * Revokes the invite and every session opened through it; returns the revoked session ids.
   * Here rather than with sessions: the invite is what it revokes; its sessions follow.
   */
  revokeInvite(id: string, at: string): Promise<string[]>;
}

export interface SessionStore {
  createSession(session: Omit<SessionRecord, 'revokedAt' | 'createdAt'>): Promise<SessionRecord>;
  getSession(id: string): Promise<SessionRecord | null>;
  revokeSession(id: string, at: string): Promise<void>;
  /** Revokes every live session of a user except one (after a password change); returns their ids. */
  revokeUserSessions(userId: string, exceptId: string | null, at: string): Promise<string[]>;
}

/** Builds a chat message's audit entry once its seq is known, in the transaction that stores it. */
export type MessageAudit = (stored: ChatMessage, previous: AuditHead | null) => AuditRecord;

/** A chat message waiting for a SQL store's group commit. */
export interface PendingMessage {
  m: NewMessage;
  audit: MessageAudit | undefined;
}

export interface ChatStore {
  /**
   * Stores a chat message with the next sequence number of its case and channel, atomically.
   * A second call with the same (case, sender, clientId) stores nothing and returns
   * the first message with `duplicate: true`; with different text it throws CONFLICT.
   * With `audit`, the message's audit entry is appended in the same transaction.
   */
  appendMessage(message: NewMessage, audit?: MessageAudit): Promise<AppendResult>;
  listMessages(caseId: string, channel: Channel, query: MessageQuery): Promise<ChatMessage[]>;
  headSeq(caseId: string, channel: Channel): Promise<number>;
}

export interface SignoffStore {
  /** The freeze in force (not voided) for a case, if any. */
  currentFreeze(caseId: string): Promise<FreezeRecord | null>;
  createFreeze(freeze: Omit<FreezeRecord, 'voidedAt'>): Promise<FreezeRecord>;
  /** Voids the freeze in force; its signatures go with it. Returns the voided freeze. */
  voidFreeze(caseId: string, at: string): Promise<FreezeRecord | null>;
  /** Adds a signature; a second one by the same person for the same freeze throws CONFLICT. */
  addSignature(signature: SignatureRecord): Promise<SignatureRecord>;
  listSignatures(freezeId: string): Promise<SignatureRecord[]>;
  /** Stores the sealed record; there is at most one per case (a second throws CONFLICT). */
  saveOutcome(outcome: OutcomeRow): Promise<void>;
  getOutcome(caseId: string): Promise<OutcomeRow | null>;
}

export interface DocStore {
  /** Appends one Yjs update to a document's log; returns its id (increasing). */
  appendDocUpdate(docName: string, update: Uint8Array): Promise<number>;
  loadDoc(docName: string): Promise<StoredDoc>;
  /**
   * Replaces the snapshot by one that contains the updates `coveredIds` (ids as read by `loadDoc`)
   * and deletes exactly those, atomically; only forward: refused (a no-op) unless the highest covered
   * id is above the current snapshot's. Exact ids, not "everything up to": with several writers an
   * id below the highest can commit after the read, and must survive.
   */
  compactDoc(docName: string, snapshot: Uint8Array, coveredIds: readonly number[]): Promise<void>;
}

/** Every aggregate's methods: what a backend implements besides StoreAdmin. */
export type StoreAggregates = UserStore &
  LenderStore &
  AccountEventStore &
  CaseStore &
  EvidenceStore &
  MediatorStore &
  MemberStore &
  RoomStateStore &
  AuditStore &
  InviteStore &
  SessionStore &
  ChatStore &
  SignoffStore &
  DocStore &
  OutboxStore &
  NegotiationStore &
  OfferStore &
  HardshipStore &
  AssistantStore &
  SurveyStore &
  QuestionStore &
  DocumentRequestStore &
  RightsStore;

/** One consent a party gave to one clause's text (never changed; a later one supersedes it). */
export interface ConsentRecord {
  /** Per case, from 1, in the order given. */
  seq: number;
  caseId: string;
  clauseId: string;
  hash: string;
  userId: string;
  role: PartyRole;
  displayName: string;
  state: 'agreed' | 'objected';
  reason: string;
  at: string;
}

/** A negotiation round the mediator closed: the agreement as it stood (text, terms, consent). */
export interface RoundRecord {
  caseId: string;
  /** Per case, from 1. */
  n: number;
  closedAt: string;
  closedBy: { userId: string; role: string; displayName: string };
  note: string;
  text: string;
  fingerprint: string;
  terms: SettlementTerms;
  clauses: RoundView['clauses'];
}

/** Clause consent, the authors of the agreement's Yjs clients, and the rounds. */
export interface NegotiationStore {
  /** Appends a consent and gives it the case's next seq. */
  addConsent(entry: Omit<ConsentRecord, 'seq'>): Promise<ConsentRecord>;
  listConsent(caseId: string): Promise<ConsentRecord[]>;
  /** Records who writes with a Yjs client id in a case's agreement; a client id keeps its first author. */
  bindDocAuthor(caseId: string, author: DocAuthor): Promise<void>;
  listDocAuthors(caseId: string): Promise<DocAuthor[]>;
  /** Stores a closed round as the case's next (`n` is the last round's plus one, atomically). */
  addRound(round: Omit<RoundRecord, 'n'>): Promise<RoundRecord>;
  listRounds(caseId: string): Promise<RoundRecord[]>;
}

/** A party's blind offer, sealed (encrypted with the data key): its amount is never stored in the clear. */
export interface OfferRecord {
  caseId: string;
  round: number;
  role: PartyRole;
  userId: string;
  sealed: Uint8Array;
  at: string;
}

export interface OfferResultRecord {
  caseId: string;
  round: number;
  overlap: boolean;
  midpointCents: number | null;
  at: string;
}

export interface OfferStore {
  /** Stores an offer; false (nothing stored) when this role already has one in that round. */
  addOffer(offer: OfferRecord): Promise<boolean>;
  listOffers(caseId: string): Promise<OfferRecord[]>;
  /** Records a round's result; false (nothing stored) when the round already has one. */
  resolveOfferRound(result: OfferResultRecord): Promise<boolean>;
  listOfferResults(caseId: string): Promise<OfferResultRecord[]>;
}

/**
 * A notice waiting in the outbox (notify/). It names its recipient (`customer:<caseId>` or
 * `user:<userId>`), never their address: the address is looked up when it is sent, so no personal
 * data sits here in the clear, and a purged case's notices find nobody to go to.
 */
export interface OutboxRecord {
  id: string;
  caseId: string | null;
  kind: string;
  recipient: string;
  /** What the notice is about (JSON, rendered when sent, in the recipient's language). */
  payload: string;
  /** Not sent before this time (reminders). */
  notBefore: string;
  /** Not sent at or after this time (a reminder of a session that has begun): dropped instead. */
  expiresAt: string | null;
  attempts: number;
  nextAttemptAt: string;
  /** A node holds it until then while it sends; after that (it crashed) another may claim it. */
  leaseOwner: string | null;
  leaseUntil: string | null;
  sentAt: string | null;
  /** Cancelled (rescheduled), expired or undeliverable: never sent. */
  droppedAt: string | null;
  dropReason: string | null;
  lastError: string | null;
  createdAt: string;
}

export type NewOutboxMessage = Pick<
  OutboxRecord,
  'id' | 'caseId' | 'kind' | 'recipient' | 'payload' | 'notBefore' | 'expiresAt'
>;

export interface OutboxStore {
  enqueueMail(messages: readonly NewOutboxMessage[]): Promise<void>;
  /**
   * In one statement: up to `limit` messages due at `now` (not sent, not dropped, `notBefore` and
   * `nextAttemptAt` reached, no live lease), leased to `owner` until `leaseUntil`, attempts counted.
   * Two nodes never claim the same message while its lease lasts.
   */
  claimMail(owner: string, now: string, leaseUntil: string, limit: number): Promise<OutboxRecord[]>;
  /** Marks it sent, if `owner` still holds it; false when the lease was lost. */
  markMailSent(id: string, owner: string, at: string): Promise<boolean>;
  /** Gives the lease back with the next attempt's time and the error. */
  markMailFailed(id: string, owner: string, nextAttemptAt: string, error: string): Promise<void>;
  markMailDropped(id: string, owner: string, at: string, reason: string): Promise<void>;
  /** Drops the case's unsent messages of these kinds not currently leased (rescheduled reminders); how many. */
  cancelMail(caseId: string, kinds: readonly string[], at: string, reason: string): Promise<number>;
  /** Releases every lease `owner` holds (a node closing cleanly). */
  releaseMail(owner: string): Promise<void>;
  listMail(caseId: string): Promise<OutboxRecord[]>;
}

/**
 * Everything Accord keeps durably, one narrow interface per aggregate (a service needs only the
 * ones it uses). Every method is async so that a networked backend (PostgreSQL) implements the
 * same interface; callers never assume a synchronous store. Implementations must make each
 * method atomic.
 */
export type Store = StoreAdmin & StoreAggregates;

export interface FreezeRecord {
  id: string;
  caseId: string;
  text: string;
  fingerprint: string;
  frozenAt: string;
  frozenBy: string;
  /** The settlement terms as they were when frozen. */
  terms: SettlementTerms;
  /** The user ids that must sign this freeze: fixed when it is made. */
  signers: string[];
  /**
   * The clauses of the frozen text, each as consent is bound to it (the sealed record lists them and
   * the seal checks consent against them). Absent (null) on freezes made before clause consent existed.
   */
  clauses?: FrozenClause[] | null;
  voidedAt: string | null;
}

export interface FrozenClause {
  id: string;
  number: number;
  hash: string;
  /** The Yjs client id that created the clause's block (its proposer); null for the terms clause. */
  client: number | null;
}

export interface SignatureRecord {
  freezeId: string;
  userId: string;
  role: CaseRole;
  /** The signer's name from their member record (the identity), never what they typed. */
  name: string;
  fingerprint: string;
  signedAt: string;
}

export interface OutcomeRow {
  caseId: string;
  record: string;
  signature: string;
  sealedAt: string;
}

/** The state of a room nobody has touched yet: scheduled, with a waiting room. */
export function defaultRoomState(caseId: string): RoomStateRecord {
  return {
    caseId,
    phase: 'scheduled',
    lobby: true,
    quietOpening: false,
    agreementLocked: false,
    caucusUserId: null,
    caucusReturnPhase: null,
    caucusParties: [],
    pinned: null,
    version: 0,
  };
}

export { GENESIS_HASH } from '@accord/shared';
