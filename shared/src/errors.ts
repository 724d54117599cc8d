import { z } from 'zod';

/**
 * Named error codes. Every error that crosses the wire (socket ack, REST body,
 * `accord:error` event) carries one of these, so clients can branch on the code
 * and show a translated message instead of parsing English text.
 */
export const ErrorCode = z.enum([
  'VALIDATION_FAILED',
  'UNKNOWN_EVENT',
  'UNAUTHENTICATED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'BAD_CREDENTIALS',
  'INVITE_INVALID',
  'INVITE_EXPIRED',
  'INVITE_REVOKED',
  'FORBIDDEN',
  'NOT_A_MEMBER',
  'NOT_FOUND',
  'CONFLICT',
  'MUTED',
  'NOT_ADMITTED',
  'PHASE_RULES',
  'INVALID_TRANSITION',
  'CAUCUS_CLOSED',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'BUSY',
  'STORE_FAILED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One problem found while validating a payload, with the path of the offending field. */
export const ValidationIssue = z.object({
  path: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/**
 * Why, more precisely than the code: the key a client translates (with `params`) into the user's
 * language. The English `message` is for logs and developers only; no screen shows it. A client that
 * meets a reason it does not know falls back to its text for the code.
 */
export const ErrorReason = z.enum([
  'auth.wrongPassword',
  'auth.wrongCurrentPassword',
  'auth.wrongPin',
  /** params: seconds */
  'auth.lockedOut',
  'tracking.mismatch',
  /** A one-time password signs in to nothing but the form that replaces it. */
  'auth.mustChangePassword',
  /** The account was deactivated by an admin. */
  'auth.deactivated',
  'accounts.usernameTaken',
  'accounts.noSuchLender',
  /** An admin may not deactivate or demote their own account (nobody would be left to undo it). */
  'accounts.notYourself',
  /** Accepting a complaint names the lender's representative for its room. */
  'review.platformMemberRequired',
  /** The chosen representative is not an active staff account of the complaint's lender. */
  'review.platformMemberWrongLender',
  'review.reviewersOnly',
  'auth.passwordSignInOnly',
  /** params: username */
  'staff.usernameTaken',
  'staff.notFound',
  /** params: name */
  'invite.nameTaken',
  'invite.notFound',
  'case.notFound',
  /** params: from, to (case statuses, translated by the client) */
  'case.cannotMove',
  /** params: status (the case's status now) */
  'case.statusChanged',
  'review.staffOnly',
  /** params: rules (acceptance rule codes, comma-separated) */
  'review.rulesNotMet',
  'mediator.notFound',
  /** params: timeZone */
  'schedule.unknownTimeZone',
  'schedule.notScheduled',
  'evidence.none',
  /** params: max */
  'evidence.tooMany',
  /** params: name */
  'evidence.empty',
  /** params: name, maxMb */
  'evidence.tooLarge',
  /** params: name */
  'evidence.wrongType',
  /** params: evidenceId (when a citation names it) */
  'evidence.notFound',
  /** A party may show new evidence in its own side's caucus only. */
  'evidence.caucusNotYours',
  /** Only the case's mediator changes who is shown an item. */
  'evidence.mediatorOnly',
  /** A citation names an item of another case. params: evidenceId */
  'evidence.otherCase',
  /** A citation names an item some readers of the chat or agreement may not see (caucus-only). params: name */
  'evidence.notShownToAll',
  'room.sealed',
  /** params: phase */
  'room.alreadyInPhase',
  /** params: from, to (phases) */
  'room.cannotMovePhase',
  'room.caucusWithParty',
  /** params: phase */
  'room.noCaucusInPhase',
  'room.caucusAlreadyOpen',
  'room.noCaucusOpen',
  'room.mediatorNotMuted',
  'room.removedByAdmin',
  'room.alreadyLocked',
  'room.alreadyUnlocked',
  'room.mediatorOnly',
  'room.noSuchParticipant',
  'room.changedMeanwhile',
  'chat.concluded',
  'chat.quietOpening',
  'chat.notInConversation',
  /** This party already made its blind offer in the current round. params: round */
  'offer.alreadySubmitted',
  /** Every blind-offer round of the case has been used. params: limit */
  'offer.limitReached',
  /** Blind offers are made in the joint session, a private session or drafting. params: phase */
  'offer.notInPhase',
  /** A call event from a connection that has not joined the call. */
  'call.notInCall',
  /** The signal's target is not in this room's call (another case's peer, someone waiting, someone gone). */
  'call.peerNotInCall',
  /** The target is in the call but apart from the sender now (a private session separates them). */
  'call.separated',
  /** The peer id is held by another person. */
  'call.peerTaken',
  /** This role listens to the call but sends no sound or picture (an observer). */
  'call.listenOnly',
  /** This role takes no part in the room's call. */
  'call.notAllowed',
  'signing.notReady',
  'signing.nothingFrozen',
  'signing.notASigner',
  'signing.textChanged',
  'signing.signersChanged',
  'signing.alreadySigned',
  'signing.alreadyFrozen',
  /** params: missing (signatures missing) */
  'outcome.notSettled',
  'outcome.alreadySealed',
  'outcome.mediatorOnly',
  'outcome.reasonNeeded',
  'outcome.notSealed',
  'recovery.notRemoved',
  'recovery.staffAccount',
  'recovery.inviteRevoked',
  'recovery.noPin',
  'recovery.pinNotReset',
  'recovery.pinOtherSession',
  'appeal.notRejected',
  'appeal.alreadyAppealed',
  /** Consent is given by the two parties only. */
  'negotiation.partiesOnly',
  /** params: clauseId */
  'negotiation.noSuchClause',
  /** The clause's text is not the one the party read (params: clause, its number). */
  'negotiation.clauseChanged',
  /** params: phase */
  'negotiation.notNow',
  /** params: n */
  'negotiation.noSuchRound',
  /** Only the case's customer declares a hardship. */
  'hardship.customerOnly',
  /** params: evidenceId (a proof named that is not this case's evidence) */
  'hardship.proofNotInCase',
  /** params: status (the case's status: concluded, nothing more is declared) */
  'hardship.caseConcluded',
  /** The court-confirmation package is made for a sealed settlement only. */
  'court.notSealed',
  'court.notSettled',
  /** The package shows the borrower's identifiers: the centre, the case's mediator and the borrower only. */
  'court.notAllowed',
  /** Only the case's customer asks a question. */
  'questions.customerOnly',
  /** Only the lender's staff and the centre answer. */
  'questions.answerersOnly',
  /** params: status (the case takes no more questions or answers) */
  'questions.closed',
  /** params: questionId (no such question on this case) */
  'questions.noSuchQuestion',
  /** Only the case's customer asks the lender for documents. */
  'documents.customerOnly',
  /** Only the case's lender's staff and the mediation centre answer a document request. */
  'documents.answerersOnly',
  /** params: status (the case takes no more document requests or answers) */
  'documents.closed',
  /** params: requestId (no such document request on this case) */
  'documents.noSuchRequest',
  /** The request was answered already (provided or declined): the first answer stands. */
  'documents.answered',
  /** Answering with documents needs at least one file. */
  'documents.none',
  /** Only the case's two parties (the customer, the lender's representative) answer the survey. */
  'survey.partiesOnly',
  /** The survey opens once the session is over. */
  'survey.notYet',
  /** This person has answered the case's survey already. */
  'survey.alreadyAnswered',
  /** The case's content was purged after the retention period: the survey takes no more answers. */
  'survey.closed',
  /** Only the case's two parties (the customer, the lender's representative) acknowledge the rights and duties. */
  'rights.partiesOnly',
  /** The text acknowledged is not the current one of its language (edited since it was shown): read it again. */
  'rights.textChanged',
  /** The outcomes dashboard is for the centre's admins and reviewers and for a lender's staff. */
  'dashboard.staffOnly',
  /** A lender's staff asked for another lender's figures. */
  'dashboard.otherLender',
  /** The assistant's working view and decisions are the mediator's (and the centre's staff read them). */
  'assistant.mediatorOnly',
  /** params: itemId (not a clause of the proposal as it reads now) */
  'assistant.noSuchItem',
  /** params: itemId (its clause is in the agreement already) */
  'assistant.alreadyAdded',
  /** params: phase; nothing goes into the agreement now (before the session, locked, signing, concluded) */
  'assistant.agreementClosed',
  /** The mediator locked the agreement: unlock it first */
  'assistant.agreementLocked',
  /** A corrected fact's span is not the text at that place of the complaint (params: index) */
  'assistant.spanMismatch',
]);
export type ErrorReason = z.infer<typeof ErrorReason>;

/** Values a reason's translation interpolates (a count, a limit, a name): never prose. */
export const ErrorParams = z.record(z.string().max(64), z.union([z.string().max(200), z.number()]));
export type ErrorParams = z.infer<typeof ErrorParams>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Present when the server knows more than the code says; see ErrorReason. */
  reason: ErrorReason.optional(),
  params: ErrorParams.optional(),
  issues: z.array(ValidationIssue).optional(),
  /** With RATE_LIMITED and BUSY: how long to wait before the same request can succeed. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** HTTP status for each code, used by the REST boundary. */
export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNKNOWN_EVENT: 400,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  BAD_CREDENTIALS: 401,
  INVITE_INVALID: 400,
  INVITE_EXPIRED: 410,
  INVITE_REVOKED: 410,
  FORBIDDEN: 403,
  NOT_A_MEMBER: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  MUTED: 403,
  NOT_ADMITTED: 403,
  PHASE_RULES: 409,
  INVALID_TRANSITION: 409,
  CAUCUS_CLOSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  // Too many passwords being checked at once: refused at once rather than queued (with Retry-After).
  BUSY: 503,
  STORE_FAILED: 503,
  INTERNAL: 500,
};

/**
 * The typed error thrown by handlers; the transport boundary turns it into an
 * ack `{ ok: false, error }`, a REST error body or a WebSocket close.
 */
export class AccordError extends Error {
  readonly code: ErrorCode;
  readonly issues: ValidationIssue[] | undefined;
  readonly reason: ErrorReason | undefined;
  readonly params: ErrorParams | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    issues?: ValidationIssue[],
    detail?: { reason: ErrorReason; params?: ErrorParams },
  ) {
    super(message);
    this.name = 'AccordError';
    this.code = code;
    this.issues = issues;
    this.reason = detail?.reason;
    this.params = detail?.params;
  }

  /** An error whose reason (and params) the client translates; `message` is the English for logs. */
  static because(code: ErrorCode, reason: ErrorReason, message: string, params?: ErrorParams): AccordError {
    return new AccordError(code, message, undefined, params ? { reason, params } : { reason });
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.params ? { params: this.params } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

/**
 * Close codes of the Yjs WebSocket endpoint (4000–4999 is the application range).
 * They mirror HTTP statuses so that they read naturally in logs.
 */
export const CloseCode = {
  /** A message that is not valid y-websocket protocol or an update Yjs cannot decode. */
  MALFORMED: 4400,
  UNAUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  DOCUMENT_NOT_FOUND: 4404,
  /** A message over the size limit (sent by the WebSocket layer itself). */
  TOO_LARGE: 1009,
  /**
   * The client sent faster than the server could take (more than 1024 messages queued, or over its
   * message/byte rate: reason `RATE_LIMITED: …`); a permanent close for the stock provider.
   */
  OVERLOADED: 4429,
  /** The server could not store an update; the client should reconnect and resend. */
  STORE_FAILED: 4503,
  /** The node is shutting down; reconnect (possibly to another node). */
  GOING_AWAY: 1001,
  /** Something failed on the server that is not the client's doing. */
  INTERNAL: 1011,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * The close code a refusal of the Yjs endpoint is sent with, for every error code (exhaustive, so a
 * new error code cannot be added without deciding how a WebSocket client hears of it). The close
 * reason carries the error code itself (`CODE: message`).
 */
export const closeCodeOf: Readonly<Record<ErrorCode, CloseCode>> = {
  VALIDATION_FAILED: CloseCode.MALFORMED,
  UNKNOWN_EVENT: CloseCode.MALFORMED,
  UNAUTHENTICATED: CloseCode.UNAUTHENTICATED,
  TOKEN_INVALID: CloseCode.UNAUTHENTICATED,
  TOKEN_EXPIRED: CloseCode.UNAUTHENTICATED,
  TOKEN_REVOKED: CloseCode.UNAUTHENTICATED,
  BAD_CREDENTIALS: CloseCode.UNAUTHENTICATED,
  INVITE_INVALID: CloseCode.UNAUTHENTICATED,
  INVITE_EXPIRED: CloseCode.UNAUTHENTICATED,
  INVITE_REVOKED: CloseCode.UNAUTHENTICATED,
  FORBIDDEN: CloseCode.FORBIDDEN,
  NOT_A_MEMBER: CloseCode.FORBIDDEN,
  // A party still in the waiting room reaches no document until the mediator admits them.
  NOT_ADMITTED: CloseCode.FORBIDDEN,
  MUTED: CloseCode.FORBIDDEN,
  // Not allowed in the room's present state: as forbidden as anything else, until the state changes.
  PHASE_RULES: CloseCode.FORBIDDEN,
  INVALID_TRANSITION: CloseCode.FORBIDDEN,
  CAUCUS_CLOSED: CloseCode.FORBIDDEN,
  CONFLICT: CloseCode.FORBIDDEN,
  NOT_FOUND: CloseCode.DOCUMENT_NOT_FOUND,
  PAYLOAD_TOO_LARGE: CloseCode.TOO_LARGE,
  RATE_LIMITED: CloseCode.OVERLOADED,
  BUSY: CloseCode.OVERLOADED,
  STORE_FAILED: CloseCode.STORE_FAILED,
  INTERNAL: CloseCode.INTERNAL,
};
