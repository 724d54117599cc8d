import type { QuestionService } from '../../questions/service';
import type { CaseRequest, RegisterRoute } from '../route';

/** The pre-session question thread: the customer asks, the lender's staff and the centre answer. */
export function questionRoutes(route: RegisterRoute, questions: QuestionService): void {
  route('GET /api/cases/:caseId/questions', ({ identity, params }) => questions.thread(identity, params.caseId));
  route(
    'POST /api/cases/:caseId/questions',
    ({ identity, access, body }) => questions.ask(identity, access, body),
    // Someone who may not ask is refused before being told what a valid question is.
    { access: ({ identity, params }: CaseRequest) => questions.assertMayAsk(identity, params.caseId) },
  );
  route(
    'POST /api/cases/:caseId/questions/:questionId/answers',
    ({ identity, access, params, body }) => questions.answer(identity, access, params.questionId, body),
    { access: ({ identity, params }: CaseRequest) => questions.assertMayAnswer(identity, params.caseId) },
  );
  route('GET /api/questions/open', ({ identity }) => questions.openCounts(identity));
}
