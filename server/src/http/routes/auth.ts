import type { AuthService } from '../../auth/service';
import { toUserView } from '../../auth/service';
import type { CaseService } from '../../cases/service';
import type { RegisterRoute } from '../route';

/** Signing in and out, the password, and who the signed-in user is. */
export function authRoutes(route: RegisterRoute, { auth, cases }: { auth: AuthService; cases: CaseService }): void {
  route('POST /api/auth/login', ({ req, body }) => auth.login(body, req.ip ?? 'unknown'));
  route('POST /api/auth/logout', ({ identity }) => auth.logout(identity));
  route('POST /api/auth/password', ({ identity, body }) => auth.changePassword(identity, body));
  route('GET /api/me', async ({ identity }) => ({
    user: toUserView(identity.user),
    memberships: await cases.memberships(identity),
  }));
}
