import type { HardshipService } from '../../cases/hardship';
import type { PlanPolicies } from '../../cases/plan-policy';
import type { CaseRequest, RegisterRoute } from '../route';

export interface HardshipRouteDeps {
  hardship: HardshipService;
  planPolicies: PlanPolicies;
}

/** The customer's hardship declaration, and the repayment-plan limits of the case's lender. */
export function hardshipRoutes(route: RegisterRoute, { hardship, planPolicies }: HardshipRouteDeps): void {
  route('GET /api/cases/:caseId/hardship', ({ identity, params }) => hardship.get(identity, params.caseId));
  route(
    'PUT /api/cases/:caseId/hardship',
    ({ identity, access, body }) => hardship.declare(identity, access.id, body),
    // Someone who may not declare is refused before being told what a valid declaration is.
    { access: ({ identity, params }: CaseRequest) => hardship.assertMayDeclare(identity, params.caseId) },
  );
  route('GET /api/cases/:caseId/plan-policy', ({ identity, params }) => planPolicies.forCase(identity, params.caseId));
}
