import type { RightsService } from '../../rights/service';
import type { CaseRequest, RegisterRoute } from '../route';

/** The rights and duties before the session: the text in the viewer's language, and a party's acknowledgement. */
export function rightsRoutes(route: RegisterRoute, rights: RightsService): void {
  route('GET /api/cases/:caseId/rights', ({ identity, params, query }) =>
    rights.view(identity, params.caseId, query.lang),
  );
  route(
    'POST /api/cases/:caseId/rights/acknowledgement',
    ({ identity, params, body }) => rights.acknowledge(identity, params.caseId, body),
    // Someone who may not acknowledge is refused before being told what a valid acknowledgement is.
    { access: ({ identity, params }: CaseRequest) => rights.partyOf(identity, params.caseId) },
  );
}
