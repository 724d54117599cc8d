import type { AssistantService } from '../../assistant/service';
import type { CaseRequest, RegisterRoute } from '../route';

/** The mediation assistant: the mediator's working view, corrections and decisions; provenance for everyone. */
export function assistantRoutes(route: RegisterRoute, { assistant }: { assistant: AssistantService }): void {
  // Someone who may not correct or decide is refused before being told what a valid body is.
  const mediatorOnly = {
    access: ({ identity, params }: CaseRequest) => assistant.assertMediator(identity, params.caseId),
  };
  route('GET /api/cases/:caseId/assistant', ({ identity, params }) => assistant.view(identity, params.caseId));
  route(
    'PUT /api/cases/:caseId/assistant/corrections',
    ({ identity, access, body }) => assistant.correct(identity, access.id, body),
    mediatorOnly,
  );
  route(
    'POST /api/cases/:caseId/assistant/decisions',
    ({ identity, access, body }) => assistant.decide(identity, access.id, body),
    mediatorOnly,
  );
  route('GET /api/cases/:caseId/assistant/provenance', ({ identity, params }) =>
    assistant.provenance(identity, params.caseId),
  );
}
