import type { CaseService } from '../../cases/service';
import type { RegisterRoute } from '../route';

/** Staff accounts. */
export function staffRoutes(route: RegisterRoute, { cases }: { cases: CaseService }): void {
  route('GET /api/staff', ({ identity }) => cases.listStaff(identity));
  route('POST /api/staff', ({ identity, body }) => cases.createStaff(identity, body));
}
