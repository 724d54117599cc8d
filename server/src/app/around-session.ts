import type { AccordConfig } from '../config';
import { PiiVault } from '../cases/pii';
import { CourtPackageService } from '../court/service';
import { DashboardService } from '../dashboard/service';
import { DataCipher } from '../evidence/cipher';
import { QuestionService } from '../questions/service';
import { DocumentRequestService } from '../documents/service';
import type { AccordIo } from '../room/socket-types';
import { trackBroadcasts } from '../room/track';
import { SurveyService } from '../surveys/service';
import { RightsService } from '../rights/service';
import { loadRightsTexts } from '../rights/text';
import type { Infrastructure } from './infrastructure';
import type { RoomServices, Services } from './service-types';

/**
 * The services around a session, built on the room's: the questions before it, the survey and the
 * court-confirmation package after it, the outcomes dashboard over all of them, and the rights and duties
 * read before it.
 */
export function buildAroundSession(
  core: RoomServices,
  infra: Infrastructure,
  config: AccordConfig,
  io: AccordIo,
  publicUrl: () => string,
): Pick<Services, 'court' | 'surveys' | 'questions' | 'documents' | 'dashboard' | 'rights'> {
  const { store } = infra;
  return {
    court: buildCourt(core, infra, config, publicUrl),
    surveys: new SurveyService(store, core.flow.access, core.audit),
    questions: buildQuestions(infra, core, io),
    documents: buildDocuments(infra, core, io),
    dashboard: new DashboardService(store, core.audit),
    // The texts are read here, at start: one missing or malformed stops the start (a ConfigError).
    rights: new RightsService(store, core.flow.access, core.audit, loadRightsTexts(config.rightsDir)),
  };
}

/**
 * The pre-session question thread: a question asked or answered reaches the customer's timeline live (without the
 * notices of a status change: the status did not change) and the staff watching the case; the lender's
 * representative is told of a question by e-mail, the customer of an answer, if they have an address.
 */
function buildQuestions(
  { store, log }: Infrastructure,
  { flow, audit, notices }: Pick<Services, 'flow' | 'audit' | 'notices'>,
  io: AccordIo,
): QuestionService {
  const track = trackBroadcasts(io);
  return new QuestionService(store, flow.access, audit, {
    changed: async (caseId, kind) => {
      const c = await store.getCase(caseId);
      track.progressChanged(await flow.transitions.progress(caseId), c?.lenderId ?? null);
      track.historyChanged(caseId);
      // Queued before the post is answered; a notice that cannot be queued does not undo the post.
      const queued = kind === 'question' ? notices.questionAsked(caseId) : notices.questionAnswered(caseId);
      await queued.catch((err: unknown) =>
        log.error({ event: 'mail.enqueue_failed', err }, 'a notice could not be queued'),
      );
    },
  });
}

/**
 * Document requests: a request made or answered reaches the customer's timeline live (the progress,
 * whose timeline has the step), the staff watching the case (its history) and the room (a content-free
 * `documents:changed`: each viewer fetches the requests as their side may see them).
 */
function buildDocuments(
  { store }: Infrastructure,
  { flow, audit, evidence, broadcasts }: Pick<Services, 'flow' | 'audit' | 'evidence' | 'broadcasts'>,
  io: AccordIo,
): DocumentRequestService {
  const track = trackBroadcasts(io);
  return new DocumentRequestService(store, flow.access, audit, evidence, {
    changed: async (caseId) => {
      const c = await store.getCase(caseId);
      track.progressChanged(await flow.transitions.progress(caseId), c?.lenderId ?? null);
      track.historyChanged(caseId);
      broadcasts.documentsChanged(caseId);
    },
  });
}

function buildCourt(
  services: RoomServices,
  { store }: Infrastructure,
  config: AccordConfig,
  publicUrl: () => string,
): CourtPackageService {
  const { flow, audit, outcomePdf, signingKey, outcome } = services;
  return new CourtPackageService({
    store,
    access: flow.access,
    pii: new PiiVault(store, new DataCipher(config.dataKey)),
    audit,
    outcomePdf,
    signingKey,
    sealedRecord: (caseId) => outcome.record(caseId),
    historyChanged: (caseId) => flow.transitions.historyChanged(caseId),
    publicUrl,
  });
}
