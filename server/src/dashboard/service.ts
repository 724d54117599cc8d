import { stringify } from 'csv-stringify/sync';
import {
  AccordError,
  CaseLifecycle,
  DASHBOARD_CSV_COLUMNS,
  type CaseRole,
  type DashboardFigures,
  type DashboardQuery,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import type {
  AssistantStore,
  CaseRecord,
  CaseStore,
  DocumentRequestStore,
  LenderStore,
  MemberStore,
  SurveyStore,
  UserStore,
} from '../store/types';
import { documentFigures } from './documents';
import {
  between,
  byState,
  caucusTime,
  csvRow,
  durationFigure,
  sessionRow,
  settlementBy,
  settlementRate,
  statusMilestones,
  surveyFigures,
  type CaseFacts,
} from './figures';

/** Who is looking, as the dashboard scopes it. */
interface Viewer {
  /** The only lender whose cases they see (a lender's staff); null: every case. */
  lenderId: string | null;
  /** Free-text survey comments are for the centre's admins only. */
  comments: boolean;
}

/** The cases the figures are about, with their facts, for one viewer and filter. */
interface Gathered {
  viewer: Viewer;
  lenders: Map<string, string>;
  /** Every case the viewer may see, whatever the filters. */
  scope: CaseRecord[];
  facts: CaseFacts[];
}

/** A cell Excel would run as a formula is written as text (a leading apostrophe). */
const inert = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/**
 * The outcomes dashboard's read model: gathers each visible case's status history, caucus entries,
 * dispute type, lender and mediator through the store's aggregates, and hands them to the pure
 * figures of `figures.ts`. Nothing is stored; each request reads afresh.
 */
export class DashboardService {
  // Aggregates: cases, members (caucus parties' roles), users (mediators' names), lenders, assistant
  // (dispute types), surveys (anonymous responses), document requests, audit (through AuditLog).
  constructor(
    private readonly store: CaseStore &
      MemberStore &
      UserStore &
      LenderStore &
      AssistantStore &
      SurveyStore &
      DocumentRequestStore,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async figures(identity: Identity, query: DashboardQuery): Promise<DashboardFigures> {
    const now = this.now();
    const { viewer, lenders, scope, facts } = await this.gather(identity, query, now);
    const surveys = await this.surveys(viewer, scope, query.lenderId ?? null);
    const acceptance = facts.flatMap((c) => between(c.filedAt, c.acceptedAt) ?? []);
    const resolution = facts.flatMap((c) => between(c.filedAt, c.resolvedAt) ?? []);
    const rated = facts.filter((c) => c.outcome !== null);
    const requests = (await Promise.all(facts.map((c) => this.store.listDocumentRequests(c.caseId)))).flat();
    const lenderId = viewer.lenderId ?? query.lenderId ?? null;
    return {
      generatedAt: now.toISOString(),
      lenderId,
      lenderName: lenderId === null ? null : (lenders.get(lenderId) ?? null),
      from: query.from ?? null,
      to: query.to ?? null,
      lenders: viewer.lenderId === null ? [...lenders].map(([id, name]) => ({ id, name })) : [],
      cases: facts.length,
      byState: byState(facts, CaseLifecycle.options),
      timeToAcceptance: durationFigure(acceptance),
      timeToResolution: durationFigure(resolution),
      settlement: {
        overall: settlementRate(facts),
        byDisputeType: settlementBy(rated, (c) => c.disputeType)
          .map(({ key, rate }) => ({ type: key, ...rate }))
          .sort((a, b) => b.concluded - a.concluded || a.type.localeCompare(b.type)),
        byLender: settlementBy(rated, (c) => c.lenderId)
          .map(({ key, sample, rate }) => ({ lenderId: key, name: sample.lenderName, ...rate }))
          .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')),
        byMediator: settlementBy(
          rated.filter((c) => c.mediatorId !== null),
          (c) => c.mediatorId ?? '',
        )
          .map(({ key, sample, rate }) => ({ mediatorId: key, name: sample.mediatorName, ...rate }))
          .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')),
      },
      surveys: surveyFigures(surveys.shown, viewer.comments, surveys.rest),
      sessions: facts.filter((c) => c.hadSession).map(sessionRow),
      documents: documentFigures(requests, now),
    };
  }

  /** The per-case rows as CSV: UTF-8 with a byte-order mark, so Excel reads the Chinese names. */
  async csv(identity: Identity, query: DashboardQuery): Promise<Buffer> {
    const { facts } = await this.gather(identity, query, this.now());
    const rows = [[...DASHBOARD_CSV_COLUMNS], ...facts.map((c) => csvRow(c).map(inert))];
    return Buffer.from(stringify(rows, { bom: true, record_delimiter: 'windows' }), 'utf8');
  }

  /** Who may see what: the centre's admins and reviewers everything, a lender's staff their lender's cases. */
  private viewerOf(identity: Identity, query: DashboardQuery): Viewer {
    const role = identity.user.staffRole;
    const staffSession = identity.session.caseId === null;
    if (staffSession && (role === 'admin' || role === 'reviewer')) {
      return { lenderId: null, comments: role === 'admin' };
    }
    if (staffSession && role === 'platform' && identity.user.lenderId !== null) {
      if (query.lenderId !== undefined && query.lenderId !== identity.user.lenderId) {
        throw AccordError.because(
          'FORBIDDEN',
          'dashboard.otherLender',
          "a lender's staff see their own lender's figures",
        );
      }
      return { lenderId: identity.user.lenderId, comments: false };
    }
    throw AccordError.because(
      'FORBIDDEN',
      'dashboard.staffOnly',
      "the dashboard is for the mediation centre's staff and the lenders' staff",
    );
  }

  /**
   * The survey responses of the viewer's cases, whatever the dates (a narrower date range would let two
   * views differ by one case's answers), split into those of the lender filtered by and the rest.
   */
  private async surveys(viewer: Viewer, scope: readonly CaseRecord[], lenderId: string | null) {
    if (scope.length === 0) return { shown: [], rest: [] };
    const responses = await this.store.listSurveyResponses(viewer.lenderId === null ? null : scope.map((c) => c.id));
    const lenderOf = new Map(scope.map((c) => [c.id, c.lenderId]));
    // A response of a case outside the scope (none should be) is left out rather than shown.
    const visible = responses.filter((r) => lenderOf.has(r.caseId));
    if (viewer.lenderId !== null || lenderId === null) return { shown: visible, rest: [] };
    return {
      shown: visible.filter((r) => lenderOf.get(r.caseId) === lenderId),
      rest: visible.filter((r) => lenderOf.get(r.caseId) !== lenderId),
    };
  }

  private async gather(identity: Identity, query: DashboardQuery, now: Date): Promise<Gathered> {
    const viewer = this.viewerOf(identity, query);
    const lenderId = viewer.lenderId ?? query.lenderId ?? null;
    const lenders = new Map((await this.store.listLenders()).map((l) => [l.id, l.name]));
    const filed = (c: CaseRecord) => c.createdAt.slice(0, 10);
    const scope = (await this.store.listCases({})).filter(
      (c) => viewer.lenderId === null || c.lenderId === viewer.lenderId,
    );
    const cases = scope.filter(
      (c) =>
        (lenderId === null || c.lenderId === lenderId) &&
        (query.from === undefined || filed(c) >= query.from) &&
        (query.to === undefined || filed(c) <= query.to),
    );
    const types = new Map((await this.store.listDisputeTypes()).map((d) => [d.caseId, d.type]));
    const names = new Map<string, Promise<string | null>>();
    const nameOf = (userId: string) => {
      let name = names.get(userId);
      if (!name) {
        name = this.store.getUser(userId).then((u) => u?.displayName ?? null);
        names.set(userId, name);
      }
      return name;
    };
    const facts: CaseFacts[] = [];
    // One case at a time: each reads its whole audit log, and the store's connections are shared with the rooms.
    for (const c of cases) {
      const history = await this.audit.all(c.id);
      const milestones = statusMilestones(history);
      const roles = await this.caucusRoles(c.id, history);
      facts.push({
        caseId: c.id,
        number: c.number,
        lenderId: c.lenderId,
        lenderName: c.lenderId === null ? null : (lenders.get(c.lenderId) ?? null),
        mediatorId: c.mediatorId,
        mediatorName: c.mediatorId === null ? null : await nameOf(c.mediatorId),
        disputeType: types.get(c.id) ?? 'unknown',
        status: c.status,
        filedAt: c.createdAt,
        ...milestones,
        caucus: caucusTime(history, roles, now),
      });
    }
    return { viewer, lenders, scope, facts };
  }

  /** The case role of everyone a caucus was held with (a removed member keeps the role they had). */
  private async caucusRoles(
    caseId: string,
    history: readonly { kind: string; data: Record<string, unknown> }[],
  ): Promise<Map<string, CaseRole>> {
    const roles = new Map<string, CaseRole>();
    for (const e of history) {
      if (e.kind !== 'caucus.opened') continue;
      const userId = (e.data.target as { userId?: unknown } | null)?.userId;
      if (typeof userId !== 'string' || roles.has(userId)) continue;
      const member = await this.store.getMember(caseId, userId);
      if (member) roles.set(userId, member.role);
    }
    return roles;
  }
}
