import type { RequestHandler } from 'express';
import type { CaseFlow } from '../../cases/index';
import type { RegisterRoute } from '../route';

export interface IntakeRouteDeps {
  flow: Pick<CaseFlow, 'access' | 'intake' | 'tracking' | 'transitions'>;
  upload: RequestHandler;
}

/** The public complaint form and the customer's tracking link: signing in with it, ending it, the progress. */
export function intakeRoutes(route: RegisterRoute, { flow, upload }: IntakeRouteDeps): void {
  route('POST /api/intake', ({ body, files }) => flow.intake.intake(body, files), { upload });

  route('POST /api/track/:trackingId/sign-in', ({ params, body }) =>
    flow.tracking.trackSignIn(params.trackingId, body.pin),
  );

  route('POST /api/cases/:caseId/tracking/revoke', ({ identity, params }) =>
    flow.tracking.revokeTracking(identity, params.caseId),
  );

  route('GET /api/cases/:caseId/progress', async ({ identity, params }) => {
    await flow.access.caseFor(identity, params.caseId, ['customer', 'staff', 'admin', 'mediator']);
    return flow.transitions.progress(params.caseId);
  });
}
