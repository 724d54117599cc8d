import type { RoomStates } from '../access/room-states';
import type { DocRegistry } from '../agreement/registry';
import type { TermsHistory } from '../agreement/terms-history';
import type { AssistantService } from '../assistant/service';
import type { AuditLog } from '../audit/log';
import type { AccountService } from '../auth/accounts';
import type { AuthService } from '../auth/service';
import type { TokenSigner } from '../auth/tokens';
import type { CaseFlow } from '../cases/index';
import type { RecoveryService } from '../cases/recovery';
import type { CaseService } from '../cases/service';
import type { CallService } from '../call/service';
import type { CourtPackageService } from '../court/service';
import type { DashboardService } from '../dashboard/service';
import type { QuestionService } from '../questions/service';
import type { DocumentRequestService } from '../documents/service';
import type { ChatService } from '../chat/service';
import type { EvidenceService } from '../evidence/service';
import type { ModerationService } from '../moderation/service';
import type { OfferService } from '../negotiation/offers';
import type { NegotiationService } from '../negotiation/consent';
import type { NoticeService } from '../notify/notices';
import type { MailSender } from '../notify/sender';
import type { SigningKey } from '../outcome/keys';
import type { OutcomePdf } from '../outcome/pdf';
import type { OutcomeService } from '../outcome/service';
import type { RoomBroadcasts } from '../room/broadcasts';
import type { RightsService } from '../rights/service';
import type { SurveyService } from '../surveys/service';

/** The services around a session, built on the room's: see `around-session.ts`. */
export type RoomServices = Omit<Services, 'court' | 'surveys' | 'questions' | 'documents' | 'dashboard' | 'rights'>;

export interface Services {
  readonly tokens: TokenSigner;
  readonly signingKey: SigningKey;
  readonly auth: AuthService;
  /** Staff accounts and lenders (admin). */
  readonly accounts: AccountService;
  readonly cases: CaseService;
  readonly rooms: RoomStates;
  readonly audit: AuditLog;
  readonly docs: DocRegistry;
  readonly evidence: EvidenceService;
  /** The case from complaint to closing: intake, tracking, review, scheduling, records, transitions. */
  readonly flow: CaseFlow;
  /** Re-invite, reissue, PIN reset, appeal. */
  readonly recovery: RecoveryService;
  readonly chat: ChatService;
  readonly moderation: ModerationService;
  readonly outcome: OutcomeService;
  /** The sealed outcome as a PDF that carries the record (for the verify page's QR, the public URL). */
  readonly outcomePdf: OutcomePdf;
  readonly broadcasts: RoomBroadcasts;
  /** Who changed which settlement term (audit entries, the feed, "last changed by"). */
  readonly terms: TermsHistory;
  /** Notices by e-mail: queued by `notices`, sent from the outbox by `mail` (started by the server). */
  readonly notices: NoticeService;
  readonly mail: MailSender;
  /** The room's call: who is in it, whom each may reach, the signalling between them. */
  readonly calls: CallService;
  /** Blind offers: sealed, resolved once both parties are in, the midpoint proposed into the terms. */
  readonly offers: OfferService;
  /** Clause-by-clause consent and negotiation rounds (and the room's view of blind offers). */
  readonly negotiation: NegotiationService;
  /** The court-confirmation package of a sealed settlement (audited, least privilege). */
  readonly court: CourtPackageService;
  /** The anonymous survey after the session (answers kept apart from who answered). */
  readonly surveys: SurveyService;
  /** The customer's questions about the contract before the session, answered by the lender's staff. */
  readonly questions: QuestionService;
  /** The customer's requests for documents from the lender, answered with files or a reason before a due date. */
  readonly documents: DocumentRequestService;
  /** The outcomes dashboard: a read model over the store, with no state or hooks of its own. */
  readonly dashboard: DashboardService;
  /** The rights and duties before the session (content/rights) and each party's acknowledgement of them. */
  readonly rights: RightsService;
  /** The mediation assistant: the complaint's facts and type, the first proposal, its clauses into the agreement. */
  readonly assistant: AssistantService;
}
