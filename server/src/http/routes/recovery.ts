import type { AuthService } from '../../auth/service';
import type { RecoveryService } from '../../cases/recovery';
import { managing, type RegisterRoute } from '../route';

/** Recovery: re-inviting a removed party, reissuing a lost invite, resetting a signing PIN, appealing. */
export function recoveryRoutes(
  route: RegisterRoute,
  { auth, recovery }: { auth: AuthService; recovery: RecoveryService },
): void {
  // Who manages a case's invites (its mediator, an admin) brings people back and resets their PINs.
  const manager = { access: managing(auth, 'invite.create') };
  route('GET /api/cases/:caseId/members/removed', ({ access }) => recovery.removed(access), manager);
  route(
    'POST /api/cases/:caseId/members/:userId/reinvite',
    ({ access, params, body }) => recovery.reinvite(access, params.userId, body.expiresInHours),
    manager,
  );
  route(
    'POST /api/cases/:caseId/invites/:inviteId/reissue',
    ({ access, params, body }) => recovery.reissue(access, params.inviteId, body.expiresInHours),
    manager,
  );
  route(
    'POST /api/cases/:caseId/members/:userId/pin-reset',
    ({ access, params }) => recovery.resetPin(access, params.userId),
    manager,
  );
  route('POST /api/cases/:caseId/signing-pin', async ({ identity, params }) =>
    recovery.claimPin(await auth.principalFor(identity, params.caseId, 'room.join'), identity),
  );
  route('POST /api/cases/:caseId/appeal', ({ identity, params, body }) =>
    recovery.appeal(identity, params.caseId, body.reason),
  );
}
