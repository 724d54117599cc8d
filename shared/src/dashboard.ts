import { z } from 'zod';
import { DisputeType } from './assistant/types';
import { IsoDateTime } from './ids';
import { CaseLifecycle } from './lifecycle';
import { LenderId } from './rest';

/**
 * The outcomes dashboard (issue 19): figures over the cases a viewer may see, computed on the server
 * (server/src/dashboard/figures.ts; how each is computed is in docs/ARCHITECTURE.md, "Outcomes dashboard").
 */

const Day = z.iso.date();

/**
 * The filters: cases filed from `from` to `to` (calendar days in UTC, both included), and, for the
 * centre's staff, one lender's. Unknown keys are refused, so a misspelt filter is an error, not ignored.
 */
export const DashboardQuery = z
  .strictObject({
    from: Day.optional(),
    to: Day.optional(),
    lenderId: LenderId.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['to'],
  });
export type DashboardQuery = z.output<typeof DashboardQuery>;

/** The fewest survey responses a group shows figures for: fewer could let one case's answers be read. */
export const SURVEY_MINIMUM = 5;

/** Above this share of the caucus time with one side, a session is flagged as one-sided. */
export const ONE_SIDED_SHARE = 0.75;

/** Median and 90th percentile (nearest rank) of durations in hours; null when there is none. */
export const DurationFigure = z.object({
  count: z.number().int().nonnegative(),
  medianHours: z.number().nonnegative().nullable(),
  p90Hours: z.number().nonnegative().nullable(),
});
export type DurationFigure = z.infer<typeof DurationFigure>;

/** Settled out of the cases whose mediation ended (settled or not settled); rate null when none ended. */
export const SettlementRate = z.object({
  settled: z.number().int().nonnegative(),
  concluded: z.number().int().nonnegative(),
  rate: z.number().min(0).max(1).nullable(),
});
export type SettlementRate = z.infer<typeof SettlementRate>;

export const DashboardDisputeType = z.union([DisputeType, z.literal('unknown')]);
export type DashboardDisputeType = z.infer<typeof DashboardDisputeType>;

export const SurveyGroupKey = z.enum(['all', 'customer', 'platform']);
export type SurveyGroupKey = z.infer<typeof SurveyGroupKey>;

/** One group of survey responses: the figures only when at least SURVEY_MINIMUM responses fall in it. */
export const SurveyGroup = z.discriminatedUnion('shown', [
  z.object({ group: SurveyGroupKey, shown: z.literal(false) }),
  z.object({
    group: SurveyGroupKey,
    shown: z.literal(true),
    count: z.number().int(),
    meanSatisfaction: z.number().min(1).max(5),
    heardShare: z.number().min(0).max(1),
    fairShare: z.number().min(0).max(1),
    againShare: z.number().min(0).max(1),
  }),
]);
export type SurveyGroup = z.infer<typeof SurveyGroup>;

/** The mediator's caucus time in one session (the case's room), with each side. */
export const SessionBalance = z.object({
  caseNumber: z.string(),
  lenderName: z.string().nullable(),
  mediatorName: z.string().nullable(),
  customerMinutes: z.number().nonnegative(),
  lenderMinutes: z.number().nonnegative(),
  /** Share of the caucus time spent with the customer; null when there was no caucus. */
  customerShare: z.number().min(0).max(1).nullable(),
  /** `none`: no caucus; `one_sided`: one side had more than ONE_SIDED_SHARE of it. */
  balance: z.enum(['none', 'balanced', 'one_sided']),
  /** A caucus is open now (counted up to the moment of the figures). */
  open: z.boolean(),
});
export type SessionBalance = z.infer<typeof SessionBalance>;

/**
 * The document requests of the cases in the figures: made, answered (provided or declined), answered
 * after their due date, and open past it now (overdue). `open` counts those still open, overdue or not.
 */
export const DocumentFigures = z.object({
  requested: z.number().int().nonnegative(),
  provided: z.number().int().nonnegative(),
  declined: z.number().int().nonnegative(),
  answeredLate: z.number().int().nonnegative(),
  open: z.number().int().nonnegative(),
  overdue: z.number().int().nonnegative(),
});
export type DocumentFigures = z.infer<typeof DocumentFigures>;

export const DashboardFigures = z.object({
  generatedAt: IsoDateTime,
  /** The lender the figures are limited to (a lender's staff: always their own); null: all. */
  lenderId: LenderId.nullable(),
  /** That lender's name (null: all lenders). */
  lenderName: z.string().nullable(),
  from: Day.nullable(),
  to: Day.nullable(),
  /** The lenders the viewer may filter by (empty for a lender's staff). */
  lenders: z.array(z.object({ id: LenderId, name: z.string() })),
  cases: z.number().int().nonnegative(),
  byState: z.array(z.object({ state: CaseLifecycle, count: z.number().int().positive() })),
  timeToAcceptance: DurationFigure,
  timeToResolution: DurationFigure,
  settlement: z.object({
    overall: SettlementRate,
    byDisputeType: z.array(SettlementRate.extend({ type: DashboardDisputeType })),
    byLender: z.array(SettlementRate.extend({ lenderId: LenderId.nullable(), name: z.string().nullable() })),
    byMediator: z.array(SettlementRate.extend({ mediatorId: z.string(), name: z.string().nullable() })),
  }),
  /** Over every case in the viewer's scope (of the lender filtered by), whatever the dates. */
  surveys: z.object({
    minimum: z.number().int(),
    groups: z.array(SurveyGroup),
    /** Free-text comments, for the centre's admins only (null for everyone else), apart from any case. */
    comments: z.array(z.string()).nullable(),
  }),
  sessions: z.array(SessionBalance),
  /** The document requests of the cases counted (issue 21). */
  documents: DocumentFigures,
});
export type DashboardFigures = z.infer<typeof DashboardFigures>;

/** The CSV's columns, in order (one row per case; no personal data). */
export const DASHBOARD_CSV_COLUMNS = [
  'case_number',
  'lender',
  'mediator',
  'dispute_type',
  'state',
  'filed',
  'accepted',
  'resolved',
  'settled',
  'caucus_minutes_customer',
  'caucus_minutes_lender',
] as const;
