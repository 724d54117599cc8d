import type { CourtPackageService } from '../../court/service';
import type { RegisterRoute } from '../route';

/** The court-confirmation package of a sealed settlement: its window, and the ZIP (audited). */
export function courtRoutes(route: RegisterRoute, { court }: { court: CourtPackageService }): void {
  route('GET /api/cases/:caseId/court-package', async ({ identity, params }) => court.info(identity, params.caseId));

  route('GET /api/cases/:caseId/court-package/zip', async ({ identity, params }) => {
    const zip = await court.build(identity, params.caseId);
    return { contentType: 'application/zip', filename: zip.filename, data: zip.data };
  });
}
