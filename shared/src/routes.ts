import { z } from 'zod';
import { CaseId, UserId } from './ids';
import {
  AssignBody,
  CaseDetail,
  CaseHistoryEntry,
  CaseExport,
  CaseProgress,
  EvidenceView,
  InfoAnswerBody,
  IntakeFields,
  IntakeResult,
  MediatorProfileBody,
  MediatorView,
  QueueItem,
  QueueQuery,
  RevealBody,
  RevealResult,
  ReviewDecision,
  RoomInviteResult,
  ScheduleBody,
  TrackSignInBody,
  WithdrawBody,
} from './intake';
import { DashboardFigures, DashboardQuery } from './dashboard';
import { HardshipBody, HardshipView } from './hardship';
import { CourtPackageInfo } from './court';
import { AnswerBody, OpenQuestionCount, QuestionBody, QuestionThread } from './questions';
import {
  DocumentDeclineBody,
  DocumentDueDaysBody,
  DocumentRequestBody,
  DocumentRequestList,
  OpenDocumentRequest,
} from './doc-requests';
import { EvidenceShareBody, EvidenceUploadFields } from './evidence';
import { RightsAckBody, RightsQuery, RightsView } from './rights';
import { SurveyAnswers, SurveyView } from './surveys';
import {
  AssistantCorrectionsBody,
  AssistantView,
  ProposalDecisionBody,
  ProposalDecisionResult,
  ProvenanceView,
} from './assistant/rest';
import { PublicKeyDocument, SealedOutcome } from './outcome';
import { PlanPolicyView } from './repayment';
import {
  AddMemberBody,
  CaseView,
  ChangePasswordBody,
  CreateCaseBody,
  CreateInviteBody,
  CreateStaffBody,
  AccountStatusBody,
  AccountView,
  CreateAccountBody,
  LenderAdminView,
  LenderBody,
  LenderId,
  LenderView,
  PlanPolicyBody,
  OneTimePasswordResult,
  UpdateAccountBody,
  HealthResult,
  InviteAcceptResult,
  InviteView,
  LoginBody,
  LoginResult,
  MeResult,
  UserView,
} from './rest';
import { AppealBody, NewLinkBody, RemovedMember, SigningPinResult } from './recovery';

/**
 * Every REST route the server serves, keyed `'METHOD /api/path/:param'`: what it takes,
 * what it answers and whether it needs a session. The server registers its routers by
 * these keys and validates with these schemas; the client builds its URLs from them and
 * checks the answers with them; docs/PROTOCOL.md names each key (a test checks).
 */

export const API_PREFIX = '/api';

/** An input checked by a schema; `name` is how its errors name it ("invalid <name>: …"). */
export interface RouteInput<S extends z.ZodType = z.ZodType> {
  schema: S;
  name: string;
}
const input = <S extends z.ZodType>(schema: S, name: string): RouteInput<S> => ({ schema, name });

/** The answer of a route: JSON checked by a schema, nothing (204), or a file with its own type. */
export type RouteResult = z.ZodType | 'no content' | 'file';

export interface RouteSpec {
  /** `session`: `Authorization: Bearer <token>` from a sign-in, an invite or a tracking link. */
  auth: 'none' | 'session';
  /** Path parameters, each checked (and named in errors) on its own. */
  params?: Record<string, RouteInput>;
  query?: RouteInput;
  /** A JSON body, or the text fields of a multipart form when `upload` is set. */
  body?: RouteInput;
  /** multipart/form-data: files arrive under this field name. */
  upload?: 'evidence';
  /** 200 unless said; `no content` answers 204. */
  status?: 201;
  result: RouteResult;
}

const caseId = { caseId: input(CaseId, 'case id') };
const userId = { userId: input(UserId, 'user id') };
const TrackingId = z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'not a tracking link');

export const ROUTES = {
  'GET /api/health': { auth: 'none', result: HealthResult },
  'GET /api/outcome/public-key': { auth: 'none', result: PublicKeyDocument },

  // ---- sign-in and the signed-in user
  'POST /api/auth/login': { auth: 'none', body: input(LoginBody, 'login body'), result: LoginResult },
  'POST /api/auth/logout': { auth: 'session', result: 'no content' },
  'POST /api/auth/password': {
    auth: 'session',
    body: input(ChangePasswordBody, 'password body'),
    result: 'no content',
  },
  'GET /api/me': { auth: 'session', result: MeResult },

  // ---- cases, members, invites, staff
  'POST /api/invites/:invite/accept': {
    auth: 'none',
    params: { invite: input(z.string().min(16).max(4096), 'invite') },
    result: InviteAcceptResult,
  },
  'POST /api/cases': { auth: 'session', body: input(CreateCaseBody, 'case body'), status: 201, result: CaseView },
  'GET /api/cases/:caseId': { auth: 'session', params: caseId, result: CaseView },
  'GET /api/cases/:caseId/outcome': { auth: 'session', params: caseId, result: SealedOutcome },
  /** Answered as an attachment (accord-outcome-<number>.pdf) that carries the sealed record. */
  'GET /api/cases/:caseId/outcome/pdf': { auth: 'session', params: caseId, result: 'file' },
  'POST /api/cases/:caseId/members': {
    auth: 'session',
    params: caseId,
    body: input(AddMemberBody, 'member body'),
    result: 'no content',
  },
  'GET /api/cases/:caseId/invites': { auth: 'session', params: caseId, result: z.array(InviteView) },
  'POST /api/cases/:caseId/invites': {
    auth: 'session',
    params: caseId,
    body: input(CreateInviteBody, 'invite body'),
    status: 201,
    result: InviteView,
  },
  'DELETE /api/cases/:caseId/invites/:inviteId': {
    auth: 'session',
    params: { ...caseId, inviteId: input(z.uuid(), 'invite id') },
    result: 'no content',
  },
  // ---- recovery (shared/src/recovery.ts)
  'GET /api/cases/:caseId/members/removed': { auth: 'session', params: caseId, result: z.array(RemovedMember) },
  'POST /api/cases/:caseId/members/:userId/reinvite': {
    auth: 'session',
    params: { ...caseId, userId: input(z.uuid(), 'user id') },
    body: input(NewLinkBody.prefault({}), 'new link'),
    status: 201,
    result: InviteView,
  },
  'POST /api/cases/:caseId/invites/:inviteId/reissue': {
    auth: 'session',
    params: { ...caseId, inviteId: input(z.uuid(), 'invite id') },
    body: input(NewLinkBody.prefault({}), 'new link'),
    status: 201,
    result: InviteView,
  },
  'POST /api/cases/:caseId/members/:userId/pin-reset': {
    auth: 'session',
    params: { ...caseId, userId: input(z.uuid(), 'user id') },
    result: 'no content',
  },
  'POST /api/cases/:caseId/signing-pin': { auth: 'session', params: caseId, result: SigningPinResult },
  'POST /api/cases/:caseId/appeal': {
    auth: 'session',
    params: caseId,
    body: input(AppealBody, 'appeal'),
    result: CaseProgress,
  },
  'GET /api/staff': { auth: 'session', result: z.array(UserView) },
  'POST /api/staff': { auth: 'session', body: input(CreateStaffBody, 'staff body'), status: 201, result: UserView },

  // ---- the admin's accounts and lenders
  'GET /api/admin/accounts': { auth: 'session', result: z.array(AccountView) },
  'POST /api/admin/accounts': {
    auth: 'session',
    body: input(CreateAccountBody, 'account'),
    status: 201,
    result: OneTimePasswordResult,
  },
  'PUT /api/admin/accounts/:userId': {
    auth: 'session',
    params: userId,
    body: input(UpdateAccountBody, 'account'),
    result: AccountView,
  },
  'POST /api/admin/accounts/:userId/status': {
    auth: 'session',
    params: userId,
    body: input(AccountStatusBody, 'account status'),
    result: AccountView,
  },
  'POST /api/admin/accounts/:userId/password': { auth: 'session', params: userId, result: OneTimePasswordResult },
  /** Public: the complaint form's list of lenders. */
  'GET /api/lenders': { auth: 'none', result: z.array(LenderView) },
  'POST /api/lenders': { auth: 'session', body: input(LenderBody, 'lender'), status: 201, result: LenderView },
  'PUT /api/lenders/:lenderId': {
    auth: 'session',
    params: { lenderId: input(LenderId, 'lender id') },
    body: input(LenderBody, 'lender'),
    result: LenderView,
  },
  /** The lenders with their repayment-plan limits (the admin's lenders page). */
  'GET /api/admin/lenders': { auth: 'session', result: z.array(LenderAdminView) },
  'PUT /api/lenders/:lenderId/plan-policy': {
    auth: 'session',
    params: { lenderId: input(LenderId, 'lender id') },
    body: input(PlanPolicyBody, 'plan policy'),
    result: LenderAdminView,
  },
  /** The working days the lender's staff have to answer a document request (null: the default). */
  'PUT /api/lenders/:lenderId/document-due-days': {
    auth: 'session',
    params: { lenderId: input(LenderId, 'lender id') },
    body: input(DocumentDueDaysBody, 'document due days'),
    result: LenderAdminView,
  },

  // ---- complaints: intake and the customer's tracking link
  'POST /api/intake': {
    auth: 'none',
    upload: 'evidence',
    body: input(IntakeFields, 'complaint'),
    status: 201,
    result: IntakeResult,
  },
  'POST /api/track/:trackingId/sign-in': {
    auth: 'none',
    params: { trackingId: input(TrackingId, 'tracking link') },
    body: input(TrackSignInBody, 'sign-in'),
    result: InviteAcceptResult,
  },
  'POST /api/cases/:caseId/tracking/revoke': { auth: 'session', params: caseId, result: 'no content' },
  'GET /api/cases/:caseId/progress': { auth: 'session', params: caseId, result: CaseProgress },

  // ---- review
  'GET /api/review/queue': { auth: 'session', query: input(QueueQuery, 'queue query'), result: z.array(QueueItem) },
  'GET /api/cases/:caseId/detail': { auth: 'session', params: caseId, result: CaseDetail },
  'GET /api/cases/:caseId/history': { auth: 'session', params: caseId, result: z.array(CaseHistoryEntry) },
  'POST /api/cases/:caseId/review': {
    auth: 'session',
    params: caseId,
    body: input(ReviewDecision, 'decision'),
    result: CaseProgress,
  },
  'POST /api/cases/:caseId/answer': {
    auth: 'session',
    params: caseId,
    body: input(InfoAnswerBody, 'answer'),
    result: CaseProgress,
  },
  'POST /api/cases/:caseId/withdraw': {
    auth: 'session',
    params: caseId,
    // The reason is optional, so is the body.
    body: input(WithdrawBody.default({}), 'withdrawal'),
    result: CaseProgress,
  },
  /** The lender-staff accounts a reviewer may choose as the room's platform party at acceptance. */
  'GET /api/cases/:caseId/representatives': { auth: 'session', params: caseId, result: z.array(UserView) },
  'POST /api/cases/:caseId/reveal': {
    auth: 'session',
    params: caseId,
    body: input(RevealBody, 'reveal'),
    result: RevealResult,
  },

  // ---- mediators, assignment, scheduling
  'GET /api/mediators': { auth: 'session', result: z.array(MediatorView) },
  'PUT /api/mediators': { auth: 'session', body: input(MediatorProfileBody, 'mediator'), result: 'no content' },
  'POST /api/cases/:caseId/assign': {
    auth: 'session',
    params: caseId,
    body: input(AssignBody, 'assignment'),
    result: CaseProgress,
  },
  'POST /api/cases/:caseId/schedule': {
    auth: 'session',
    params: caseId,
    body: input(ScheduleBody, 'schedule'),
    result: CaseProgress,
  },
  'GET /api/cases/:caseId/room-invite': { auth: 'session', params: caseId, result: RoomInviteResult },

  /** The repayment-plan limits of the case's lender, for the terms panel (members of the case and staff). */
  'GET /api/cases/:caseId/plan-policy': { auth: 'session', params: caseId, result: PlanPolicyView },
  /** The customer's hardship declaration (null: none), for the customer, the mediator, the lender's staff, reviewers. */
  'GET /api/cases/:caseId/hardship': { auth: 'session', params: caseId, result: HardshipView.nullable() },
  /** The customer declares (or changes) their hardship, its proofs named among the case's evidence. */
  'PUT /api/cases/:caseId/hardship': {
    auth: 'session',
    params: caseId,
    body: input(HardshipBody, 'hardship'),
    result: HardshipView,
  },

  // ---- the pre-session question thread
  /** The case's questions and answers, for its customer, the lender's staff, the centre and its mediator. */
  'GET /api/cases/:caseId/questions': { auth: 'session', params: caseId, result: QuestionThread },
  /** The customer asks a question about the contract (idempotent by the question's id). */
  'POST /api/cases/:caseId/questions': {
    auth: 'session',
    params: caseId,
    body: input(QuestionBody, 'question'),
    result: QuestionThread,
  },
  /** The lender's staff or the centre answer a question (idempotent by the answer's id). */
  'POST /api/cases/:caseId/questions/:questionId/answers': {
    auth: 'session',
    params: { ...caseId, questionId: input(z.uuid(), 'question id') },
    body: input(AnswerBody, 'answer'),
    result: QuestionThread,
  },
  /** For staff: the cases they may see with unanswered questions, and how many. */
  'GET /api/questions/open': { auth: 'session', result: z.array(OpenQuestionCount) },
  /** The case's document requests, for its customer, the lender's staff, the centre and the room's members. */
  'GET /api/cases/:caseId/document-requests': { auth: 'session', params: caseId, result: DocumentRequestList },
  /** The customer asks the lender for a document (idempotent by the request's id). */
  'POST /api/cases/:caseId/document-requests': {
    auth: 'session',
    params: caseId,
    body: input(DocumentRequestBody, 'document request'),
    status: 201,
    result: DocumentRequestList,
  },
  /** The lender's staff (or the centre) answer with the documents: evidence of the case, shown to both parties. */
  'POST /api/cases/:caseId/document-requests/:requestId/documents': {
    auth: 'session',
    params: { ...caseId, requestId: input(z.uuid(), 'request id') },
    upload: 'evidence',
    status: 201,
    result: DocumentRequestList,
  },
  /** The lender's staff (or the centre) say why the document cannot be provided. */
  'POST /api/cases/:caseId/document-requests/:requestId/decline': {
    auth: 'session',
    params: { ...caseId, requestId: input(z.uuid(), 'request id') },
    body: input(DocumentDeclineBody, 'decline'),
    result: DocumentRequestList,
  },
  /** For staff: open requests on the cases they may see (a lender's staff: their lender's), soonest due first. */
  'GET /api/document-requests/open': { auth: 'session', result: z.array(OpenDocumentRequest) },
  /** What this mediation is and the viewer's rights and duties, in their language; whether they acknowledged it. */
  'GET /api/cases/:caseId/rights': {
    auth: 'session',
    params: caseId,
    query: input(RightsQuery, 'rights query'),
    result: RightsView,
  },
  /** A party acknowledges the text it was shown (once per case; recorded, audited, listed in the sealed record). */
  'POST /api/cases/:caseId/rights/acknowledgement': {
    auth: 'session',
    params: caseId,
    body: input(RightsAckBody, 'acknowledgement'),
    result: RightsView,
  },
  /** The survey after the session, for one of the case's two parties: whether it is open to them, answered (never any answers). */
  'GET /api/cases/:caseId/survey': { auth: 'session', params: caseId, result: SurveyView },
  /** A party answers it, once; the answers are kept apart from who gave them (docs/SECURITY.md, "Surveys"). */
  'POST /api/cases/:caseId/survey': {
    auth: 'session',
    params: caseId,
    body: input(SurveyAnswers, 'survey answers'),
    status: 201,
    result: SurveyView,
  },
  // ---- the mediation assistant (shared/src/assistant/rest.ts)
  /** The complaint's facts, its type and the first proposal: the case's mediator, the centre's admins and reviewers. */
  'GET /api/cases/:caseId/assistant': { auth: 'session', params: caseId, result: AssistantView },
  /** The mediator corrects the type and the facts (the whole list); answers with the view as it now reads. */
  'PUT /api/cases/:caseId/assistant/corrections': {
    auth: 'session',
    params: caseId,
    body: input(AssistantCorrectionsBody, 'corrections'),
    result: AssistantView,
  },
  /** The mediator accepts, edits (into the agreement) or drops one clause of the proposal. */
  'POST /api/cases/:caseId/assistant/decisions': {
    auth: 'session',
    params: caseId,
    body: input(ProposalDecisionBody, 'decision'),
    status: 201,
    result: ProposalDecisionResult,
  },
  /** Which clauses of the agreement came from the proposal: anyone in the case. */
  'GET /api/cases/:caseId/assistant/provenance': { auth: 'session', params: caseId, result: ProvenanceView },

  // ---- evidence and records
  'GET /api/cases/:caseId/evidence': { auth: 'session', params: caseId, result: z.array(EvidenceView) },
  /** The customer, the lender's staff and the room's members add evidence; `caucus` shows it to one side only. */
  'POST /api/cases/:caseId/evidence': {
    auth: 'session',
    params: caseId,
    upload: 'evidence',
    body: input(EvidenceUploadFields, 'evidence fields'),
    status: 201,
    result: z.array(EvidenceView),
  },
  'GET /api/cases/:caseId/evidence/:evidenceId': {
    auth: 'session',
    params: { ...caseId, evidenceId: input(z.uuid(), 'evidence id') },
    result: 'file',
  },
  /** The mediator shows an item to both parties, or in caucus to one side only. */
  'PUT /api/cases/:caseId/evidence/:evidenceId/sharing': {
    auth: 'session',
    params: { ...caseId, evidenceId: input(z.uuid(), 'evidence id') },
    body: input(EvidenceShareBody, 'sharing'),
    result: EvidenceView,
  },
  /** Answered as an attachment (accord-export.json). */
  'GET /api/cases/:caseId/export': { auth: 'session', params: caseId, result: CaseExport },

  // ---- the court-confirmation package (shared/src/court.ts)
  /** The window to apply in, for anyone who reads the case's outcome; `mayDownload` for those who may. */
  'GET /api/cases/:caseId/court-package': { auth: 'session', params: caseId, result: CourtPackageInfo },
  /** Answered as an attachment (accord-court-<number>.zip); the borrower's identifiers in it are audited. */
  'GET /api/cases/:caseId/court-package/zip': { auth: 'session', params: caseId, result: 'file' },
  // ---- the outcomes dashboard (shared/src/dashboard.ts): the centre's admins and reviewers, a lender's staff (own cases)
  'GET /api/dashboard': { auth: 'session', query: input(DashboardQuery, 'dashboard filter'), result: DashboardFigures },
  /** Answered as an attachment (accord-dashboard-<day>.csv, UTF-8 with a BOM): one row per case, no personal data. */
  'GET /api/dashboard/csv': { auth: 'session', query: input(DashboardQuery, 'dashboard filter'), result: 'file' },
} as const satisfies Record<string, RouteSpec>;

export type Routes = typeof ROUTES;
export type RouteKey = keyof Routes;
export { routeOf, pathOf, type RouteMethod, type RouteParams, type ParamsArg } from './route-path';

type Spec<K extends RouteKey> = Routes[K];
type InputOf<T> = T extends RouteInput<infer S> ? S : never;
/** The body a client sends (before defaults), or `undefined` for a route without one. */
export type RouteBody<K extends RouteKey> =
  Spec<K> extends { body: RouteInput } ? z.input<InputOf<Spec<K>['body']>> : undefined;
/** The query a client sends, or `undefined`. */
export type RouteQuery<K extends RouteKey> =
  Spec<K> extends { query: RouteInput } ? z.input<InputOf<Spec<K>['query']>> : undefined;
/** What a route answers: the result schema's output, `void` for 204; a file is not JSON. */
export type RouteAnswer<K extends RouteKey> = Spec<K>['result'] extends z.ZodType
  ? z.output<Spec<K>['result']>
  : Spec<K>['result'] extends 'no content'
    ? void
    : never;
/** The routes that answer with JSON or nothing (the others are downloads). */
export type JsonRouteKey = { [K in RouteKey]: Spec<K>['result'] extends 'file' ? never : K }[RouteKey];
/** The routes that take multipart uploads. */
export type UploadRouteKey = { [K in RouteKey]: Spec<K> extends { upload: string } ? K : never }[RouteKey];
