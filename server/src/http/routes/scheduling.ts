import type { SchedulingService } from '../../cases/scheduling';
import type { RegisterRoute } from '../route';

/** The mediator directory, assignment, scheduling, and the customer's room invite. */
export function schedulingRoutes(route: RegisterRoute, { scheduling }: { scheduling: SchedulingService }): void {
  route('GET /api/mediators', ({ identity }) => scheduling.mediators(identity));
  route('PUT /api/mediators', ({ identity, body }) => scheduling.putMediator(identity, body));
  route('POST /api/cases/:caseId/assign', ({ identity, params, body }) =>
    scheduling.assign(identity, params.caseId, body.mediatorUserId, body.reason ?? null),
  );
  route('POST /api/cases/:caseId/schedule', ({ identity, params, body }) => {
    const { reason, ...session } = body;
    return scheduling.schedule(identity, params.caseId, session, reason ?? null);
  });
  route('GET /api/cases/:caseId/room-invite', ({ identity, params }) => scheduling.roomInvite(identity, params.caseId));
}
