import {
  ONE_SIDED_SHARE,
  SURVEY_MINIMUM,
  type CaseLifecycle,
  type CaseRole,
  type DashboardDisputeType,
  type DurationFigure,
  type SessionBalance,
  type SettlementRate,
  type SurveyAnswers,
  type SurveyGroup,
  type SurveyGroupKey,
} from '@accord/shared';

/**
 * The outcomes dashboard's figures as pure functions of what the service gathered from the store:
 * no store, no clock (the moment of the figures is passed in), so each is tested on its own.
 */

const HOUR = 3600_000;

/** What the figures read of one audit entry. */
export interface HistoryEntry {
  at: string;
  kind: string;
  data: Record<string, unknown>;
}

/** One case as the figures see it (no personal data: no names of parties, no complaint text). */
export interface CaseFacts {
  caseId: string;
  number: string;
  lenderId: string | null;
  lenderName: string | null;
  mediatorId: string | null;
  mediatorName: string | null;
  disputeType: DashboardDisputeType;
  status: CaseLifecycle;
  filedAt: string;
  acceptedAt: string | null;
  /** When the mediation ended, settled or not. */
  resolvedAt: string | null;
  outcome: 'settled' | 'not_settled' | null;
  /** Whether the room was opened (the case was in mediation at some point). */
  hadSession: boolean;
  caucus: CaucusTime;
}

export interface CaucusTime {
  customerMs: number;
  lenderMs: number;
  /** A caucus is still open: counted up to `now`. */
  open: boolean;
}

/**
 * The value at the nearest rank: the smallest value with at least p % of the values at or below it
 * (rank ⌈p/100 · n⌉ of the sorted values). Null for no values.
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Median and 90th percentile (nearest rank) of durations given in milliseconds, in hours to a tenth. */
export function durationFigure(ms: readonly number[]): DurationFigure {
  const hours = ms.map((x) => x / HOUR);
  const median = nearestRank(hours, 50);
  const p90 = nearestRank(hours, 90);
  return {
    count: ms.length,
    medianHours: median === null ? null : round1(median),
    p90Hours: p90 === null ? null : round1(p90),
  };
}

const CONCLUDED: ReadonlySet<string> = new Set(['settled', 'not_settled']);

/** From a case's status changes: when it was first accepted, when its mediation ended and how. */
export function statusMilestones(history: readonly HistoryEntry[]): {
  acceptedAt: string | null;
  resolvedAt: string | null;
  outcome: 'settled' | 'not_settled' | null;
  hadSession: boolean;
} {
  let acceptedAt: string | null = null;
  let resolvedAt: string | null = null;
  let outcome: 'settled' | 'not_settled' | null = null;
  let hadSession = false;
  for (const e of history) {
    if (e.kind !== 'case.status') continue;
    const to = e.data.to;
    if (to === 'accepted' && acceptedAt === null) acceptedAt = e.at;
    if (to === 'in_mediation') hadSession = true;
    if (typeof to === 'string' && CONCLUDED.has(to) && resolvedAt === null) {
      resolvedAt = e.at;
      outcome = to as 'settled' | 'not_settled';
      hadSession = true;
    }
  }
  return { acceptedAt, resolvedAt, outcome, hadSession };
}

const targetOf = (e: HistoryEntry): string | null => {
  const target = e.data.target as { userId?: unknown } | null | undefined;
  return typeof target?.userId === 'string' ? target.userId : null;
};

/** Entries after which no caucus is open, whatever was open before. */
function endsEveryCaucus(e: HistoryEntry): boolean {
  if (e.kind === 'caucus.closed' || e.kind === 'phase.changed' || e.kind === 'outcome.sealed') return true;
  // The case left mediation (withdrawn, settled…): its room is over.
  return e.kind === 'case.status' && e.data.from === 'in_mediation';
}

/**
 * The mediator's time in caucus with each side, from the room's audit entries: a caucus runs from
 * its `caucus.opened` to the next opening (moved to another party), its close, a phase change, the
 * party's removal, the sealed outcome or the case leaving mediation; one still open runs to `now`.
 * `roles` gives each member's role in the case (removed members included).
 */
export function caucusTime(
  history: readonly HistoryEntry[],
  roles: ReadonlyMap<string, CaseRole>,
  now: Date,
): CaucusTime {
  const time = { customerMs: 0, lenderMs: 0 };
  let current: { userId: string; since: number } | null = null;
  const end = (at: number) => {
    if (!current) return;
    const ms = Math.max(0, at - current.since);
    const role = roles.get(current.userId);
    if (role === 'customer') time.customerMs += ms;
    else if (role === 'platform') time.lenderMs += ms;
    current = null;
  };
  for (const e of history) {
    const at = Date.parse(e.at);
    if (e.kind === 'caucus.opened') {
      end(at);
      const userId = targetOf(e);
      if (userId) current = { userId, since: at };
    } else if (endsEveryCaucus(e) || (e.kind === 'member.removed' && current && targetOf(e) === current.userId)) {
      end(at);
    }
  }
  const open = current !== null;
  end(now.getTime());
  return { ...time, open };
}

/** The balance of one session's caucus time: the customer's share, flagged past ONE_SIDED_SHARE either way. */
export function balanceOf(c: CaucusTime): Pick<SessionBalance, 'customerShare' | 'balance'> {
  const total = c.customerMs + c.lenderMs;
  if (total <= 0) return { customerShare: null, balance: 'none' };
  const share = c.customerMs / total;
  const oneSided = share > ONE_SIDED_SHARE || 1 - share > ONE_SIDED_SHARE;
  return { customerShare: Math.round(share * 1000) / 1000, balance: oneSided ? 'one_sided' : 'balanced' };
}

/** Settled out of concluded (settled or not settled) cases. */
export function settlementRate(cases: readonly Pick<CaseFacts, 'outcome'>[]): SettlementRate {
  const concluded = cases.filter((c) => c.outcome !== null).length;
  const settled = cases.filter((c) => c.outcome === 'settled').length;
  return { settled, concluded, rate: concluded === 0 ? null : Math.round((settled / concluded) * 1000) / 1000 };
}

/** Settlement rates per group, the groups in first-seen order (callers sort them). */
export function settlementBy<K>(
  cases: readonly CaseFacts[],
  keyOf: (c: CaseFacts) => K,
): { key: K; sample: CaseFacts; rate: SettlementRate }[] {
  const groups = new Map<K, CaseFacts[]>();
  for (const c of cases) {
    const key = keyOf(c);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups].map(([key, members]) => ({ key, sample: members[0] as CaseFacts, rate: settlementRate(members) }));
}

export interface SurveyInput extends SurveyAnswers {
  role: CaseRole;
}

const share = (n: number, of: number) => Math.round((n / of) * 1000) / 1000;

/** Whether a count is too small to show (none is nothing to hide). */
const tooFew = (n: number) => n > 0 && n < SURVEY_MINIMUM;

/**
 * One group of responses: its figures only when it holds at least SURVEY_MINIMUM of them, and when
 * the responses the viewer could see but this view leaves out (`rest`: the other lenders', for the
 * centre filtering by lender) are none or as many, so that subtracting this view from a wider one
 * never isolates a few responses.
 */
export function surveyGroup(
  group: SurveyGroupKey,
  responses: readonly SurveyInput[],
  rest: readonly SurveyInput[] = [],
): SurveyGroup {
  const n = responses.length;
  if (n < SURVEY_MINIMUM || tooFew(rest.length)) return { group, shown: false };
  const count = (f: (r: SurveyInput) => boolean) => responses.filter(f).length;
  return {
    group,
    shown: true,
    count: n,
    meanSatisfaction: Math.round((responses.reduce((sum, r) => sum + r.satisfaction, 0) / n) * 100) / 100,
    heardShare: share(
      count((r) => r.heard),
      n,
    ),
    fairShare: share(
      count((r) => r.fair),
      n,
    ),
    againShare: share(
      count((r) => r.again),
      n,
    ),
  };
}

/**
 * The survey figures: all responses, the customers', the lenders' representatives'; comments (for
 * whoever may read them) only when there are enough responses, sorted so their order tells nothing.
 */
export function surveyFigures(
  responses: readonly SurveyInput[],
  withComments: boolean,
  rest: readonly SurveyInput[] = [],
): { minimum: number; groups: SurveyGroup[]; comments: string[] | null } {
  const of = (role: CaseRole) => (r: SurveyInput) => r.role === role;
  const groups = [
    surveyGroup('all', responses, rest),
    surveyGroup('customer', responses.filter(of('customer')), rest.filter(of('customer'))),
    surveyGroup('platform', responses.filter(of('platform')), rest.filter(of('platform'))),
  ];
  const comments =
    withComments && responses.length >= SURVEY_MINIMUM
      ? responses
          .map((r) => r.comment.trim())
          .filter((c) => c.length > 0)
          .sort((a, b) => a.localeCompare(b))
      : withComments
        ? []
        : null;
  return { minimum: SURVEY_MINIMUM, groups, comments };
}

/** Cases by state, in the lifecycle's order, states with none left out. */
export function byState(
  cases: readonly Pick<CaseFacts, 'status'>[],
  order: readonly CaseLifecycle[],
): { state: CaseLifecycle; count: number }[] {
  return order
    .map((state) => ({ state, count: cases.filter((c) => c.status === state).length }))
    .filter((s) => s.count > 0);
}

/** Milliseconds from `from` to `to`, or null when either is missing. */
export function between(from: string, to: string | null): number | null {
  return to === null ? null : Math.max(0, Date.parse(to) - Date.parse(from));
}

const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;

/** One session's row of the neutrality table. */
export function sessionRow(c: CaseFacts): SessionBalance {
  return {
    caseNumber: c.number,
    lenderName: c.lenderName,
    mediatorName: c.mediatorName,
    customerMinutes: minutes(c.caucus.customerMs),
    lenderMinutes: minutes(c.caucus.lenderMs),
    ...balanceOf(c.caucus),
    open: c.caucus.open,
  };
}

/** One case's CSV row, in DASHBOARD_CSV_COLUMNS order: days in UTC, minutes to a tenth, no personal data. */
export function csvRow(c: CaseFacts): string[] {
  const day = (iso: string | null) => (iso === null ? '' : iso.slice(0, 10));
  return [
    c.number,
    c.lenderName ?? '',
    c.mediatorName ?? '',
    c.disputeType,
    c.status,
    day(c.filedAt),
    day(c.acceptedAt),
    day(c.resolvedAt),
    c.outcome === null ? '' : c.outcome === 'settled' ? 'yes' : 'no',
    String(minutes(c.caucus.customerMs)),
    String(minutes(c.caucus.lenderMs)),
  ];
}
