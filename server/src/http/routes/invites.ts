import type { AuthService } from '../../auth/service';
import type { CaseService } from '../../cases/service';
import { managing, type RegisterRoute } from '../route';

/** A case's invite links: accepting one (a session for that case), listing, creating, revoking. */
export function inviteRoutes(route: RegisterRoute, { auth, cases }: { auth: AuthService; cases: CaseService }): void {
  route('POST /api/invites/:invite/accept', ({ params }) => auth.acceptInvite(params.invite));

  route('GET /api/cases/:caseId/invites', ({ access }) => cases.listInvites(access.caseId, access.role), {
    access: managing(auth, 'invite.create'),
  });

  route('POST /api/cases/:caseId/invites', ({ access, body }) => cases.createInvite(access.caseId, body, access), {
    access: managing(auth, 'invite.create'),
  });

  route(
    'DELETE /api/cases/:caseId/invites/:inviteId',
    ({ access, params }) => cases.revokeInvite(access.caseId, params.inviteId, access.role),
    { access: managing(auth, 'invite.revoke') },
  );
}
