import type { SurveyService } from '../../surveys/service';
import type { CaseRequest, RegisterRoute } from '../route';

/** The survey after the session: its state for the asking party, and their answers (never read back). */
export function surveyRoutes(route: RegisterRoute, surveys: SurveyService): void {
  route('GET /api/cases/:caseId/survey', ({ identity, params }) => surveys.view(identity, params.caseId));
  route(
    'POST /api/cases/:caseId/survey',
    ({ identity, params, body }) => surveys.answer(identity, params.caseId, body),
    // Someone who may not answer is refused before being told what valid answers are.
    { access: ({ identity, params }: CaseRequest) => surveys.partyOf(identity, params.caseId) },
  );
}
