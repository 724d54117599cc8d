import type { DashboardService } from '../../dashboard/service';
import type { RegisterRoute } from '../route';

/** The outcomes dashboard: its figures as JSON, and one row per case as CSV (scoped in the service). */
export function dashboardRoutes(route: RegisterRoute, { dashboard }: { dashboard: DashboardService }): void {
  route('GET /api/dashboard', ({ identity, query }) => dashboard.figures(identity, query));
  route('GET /api/dashboard/csv', async ({ identity, query }) => ({
    contentType: 'text/csv; charset=utf-8',
    filename: `accord-dashboard-${new Date().toISOString().slice(0, 10)}.csv`,
    data: await dashboard.csv(identity, query),
  }));
}
