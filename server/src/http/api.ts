import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import type { AssistantService } from '../assistant/service';
import type { AccountService } from '../auth/accounts';
import type { AuthService } from '../auth/service';
import type { CaseFlow } from '../cases/index';
import type { RecoveryService } from '../cases/recovery';
import type { CaseService } from '../cases/service';
import type { CourtPackageService } from '../court/service';
import type { DashboardService } from '../dashboard/service';
import type { EvidenceService } from '../evidence/service';
import type { SigningKey } from '../outcome/keys';
import type { OutcomePdf } from '../outcome/pdf';
import type { OutcomeService } from '../outcome/service';
import type { QuestionService } from '../questions/service';
import type { DocumentRequestService } from '../documents/service';
import { routesOn } from './route';
import { accountRoutes } from './routes/accounts';
import { assistantRoutes } from './routes/assistant';
import { authRoutes } from './routes/auth';
import { caseRoutes } from './routes/cases';
import { courtRoutes } from './routes/court';
import { dashboardRoutes } from './routes/dashboard';
import { evidenceRoutes } from './routes/evidence';
import { hardshipRoutes } from './routes/hardship';
import { intakeRoutes } from './routes/intake';
import { inviteRoutes } from './routes/invites';
import { outcomeRoutes } from './routes/outcome';
import { questionRoutes } from './routes/questions';
import { documentRoutes } from './routes/documents';
import { recordRoutes } from './routes/records';
import { recoveryRoutes } from './routes/recovery';
import { reviewRoutes } from './routes/review';
import { schedulingRoutes } from './routes/scheduling';
import { staffRoutes } from './routes/staff';
import { surveyRoutes } from './routes/surveys';
import { rightsRoutes } from './routes/rights';
import type { RightsService } from '../rights/service';
import type { SurveyService } from '../surveys/service';

export interface ApiDeps {
  auth: AuthService;
  accounts: AccountService;
  cases: CaseService;
  flow: CaseFlow;
  recovery: RecoveryService;
  evidence: EvidenceService;
  signingKey: SigningKey;
  outcome: OutcomeService;
  outcomePdf: OutcomePdf;
  /** The court-confirmation package. */
  court: CourtPackageService;
  /** The pre-session question thread. */
  questions: QuestionService;
  /** Document requests to the lender, answered with files or a reason before a due date. */
  documents: DocumentRequestService;
  surveys: SurveyService;
  /** The rights and duties before the session, and the parties' acknowledgements. */
  rights: RightsService;
  dashboard: DashboardService;
  /** The mediation assistant in the case and the room. */
  assistant: AssistantService;
}

/**
 * The REST API: every route of `ROUTES` (shared/src/routes.ts) but the health check, by
 * resource. Every path parameter, query and body is validated by the route's schema.
 */
export function createApiRouter(deps: ApiDeps): Router {
  const { auth, cases, flow, evidence } = deps;
  const router = Router();
  const route = routesOn(router, (token) => auth.authenticate(token));
  // Files are held in memory only until they are checked, encrypted and written.
  const upload: RequestHandler = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: evidence.limits.maxBytes,
      files: evidence.limits.maxFiles,
      fields: 20,
      fieldSize: 16 * 1024,
    },
  }).array('evidence', evidence.limits.maxFiles);

  outcomeRoutes(route, deps);
  authRoutes(route, { auth, cases });
  inviteRoutes(route, { auth, cases });
  caseRoutes(route, { auth, cases });
  staffRoutes(route, { cases });
  accountRoutes(route, deps);
  intakeRoutes(route, { flow, upload });
  reviewRoutes(route, flow);
  schedulingRoutes(route, flow);
  evidenceRoutes(route, { access: flow.access, evidence, upload });
  recordRoutes(route, flow);
  hardshipRoutes(route, flow);
  questionRoutes(route, deps.questions);
  documentRoutes(route, { documents: deps.documents, upload });
  assistantRoutes(route, deps);
  recoveryRoutes(route, { auth, recovery: deps.recovery });
  courtRoutes(route, deps);
  surveyRoutes(route, deps.surveys);
  rightsRoutes(route, deps.rights);
  dashboardRoutes(route, deps);
  return router;
}
