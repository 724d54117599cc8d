import type { RecordsService } from '../../cases/records';
import type { RegisterRoute } from '../route';

/** The customer's export of their case. */
export function recordRoutes(route: RegisterRoute, { records }: { records: RecordsService }): void {
  route('GET /api/cases/:caseId/export', async ({ identity, params, res }) => {
    const bundle = await records.export(identity, params.caseId);
    res.setHeader('Content-Disposition', 'attachment; filename="accord-export.json"');
    return bundle;
  });
}
