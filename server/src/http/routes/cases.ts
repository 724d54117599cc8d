import type { AuthService } from '../../auth/service';
import type { CaseService } from '../../cases/service';
import { managing, type RegisterRoute } from '../route';

/** Cases opened by staff, and their members. */
export function caseRoutes(route: RegisterRoute, { auth, cases }: { auth: AuthService; cases: CaseService }): void {
  route('POST /api/cases', ({ identity, body }) => cases.createCase(identity, body));

  route('GET /api/cases/:caseId', async ({ identity, params }) => {
    const principal = await auth.principalFor(identity, params.caseId, 'case.read');
    return cases.getCase(principal.caseId);
  });

  route(
    'POST /api/cases/:caseId/members',
    ({ access, body }) => cases.addMember(access.caseId, body, access.role, access),
    {
      access: managing(auth, 'member.add'),
    },
  );
}
