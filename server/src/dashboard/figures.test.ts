import { describe, expect, it } from 'vitest';
import type { CaseRole } from '@accord/shared';
import {
  balanceOf,
  caucusTime,
  csvRow,
  durationFigure,
  nearestRank,
  settlementBy,
  settlementRate,
  statusMilestones,
  surveyFigures,
  type CaseFacts,
  type HistoryEntry,
  type SurveyInput,
} from './figures';

const T0 = Date.parse('2026-11-02T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const entry = (minutes: number, kind: string, data: Record<string, unknown> = {}): HistoryEntry => ({
  at: at(minutes),
  kind,
  data,
});
const opened = (minutes: number, userId: string) => entry(minutes, 'caucus.opened', { target: { userId } });
const ROLES = new Map<string, CaseRole>([
  ['cust', 'customer'],
  ['rep', 'platform'],
]);

const facts = (over: Partial<CaseFacts>): CaseFacts => ({
  caseId: 'c',
  number: 'AC-1',
  lenderId: 'l1',
  lenderName: '甲消费金融',
  mediatorId: 'm1',
  mediatorName: '张律师',
  disputeType: 'unknown',
  status: 'closed',
  filedAt: at(0),
  acceptedAt: null,
  resolvedAt: null,
  outcome: null,
  hadSession: false,
  caucus: { customerMs: 0, lenderMs: 0, open: false },
  ...over,
});

describe('nearest-rank percentiles', () => {
  it('takes the value at rank ⌈p·n⌉ of the sorted values', () => {
    expect(nearestRank([], 50)).toBeNull();
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([7], 90)).toBe(7);
    // n = 4: median rank 2, p90 rank 4.
    expect(nearestRank([40, 10, 30, 20], 50)).toBe(20);
    expect(nearestRank([40, 10, 30, 20], 90)).toBe(40);
    // n = 10: median rank 5, p90 rank 9 (never interpolated).
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank(ten, 90)).toBe(9);
    // n = 11: p90 rank ⌈9.9⌉ = 10.
    expect(nearestRank([...ten, 11], 90)).toBe(10);
  });

  it('reports durations in hours to a tenth, with their count', () => {
    const hour = 3600_000;
    expect(durationFigure([])).toEqual({ count: 0, medianHours: null, p90Hours: null });
    expect(durationFigure([2 * hour, 30 * 60_000, 50 * hour])).toEqual({ count: 3, medianHours: 2, p90Hours: 50 });
  });
});

describe('status milestones', () => {
  it('first acceptance, the mediation’s end and how it ended; an appeal’s second acceptance does not move the first', () => {
    const history = [
      entry(0, 'case.status', { from: 'submitted', to: 'under_review' }),
      entry(60, 'case.status', { from: 'under_review', to: 'accepted' }),
      entry(61, 'chat.message', {}),
      entry(90, 'case.status', { from: 'accepted', to: 'mediator_assigned' }),
      entry(120, 'case.status', { from: 'scheduled', to: 'in_mediation' }),
      entry(180, 'case.status', { from: 'in_mediation', to: 'settled' }),
      entry(200, 'case.status', { from: 'settled', to: 'closed' }),
    ];
    expect(statusMilestones(history)).toEqual({
      acceptedAt: at(60),
      resolvedAt: at(180),
      outcome: 'settled',
      hadSession: true,
    });
    expect(statusMilestones(history.slice(0, 3))).toEqual({
      acceptedAt: at(60),
      resolvedAt: null,
      outcome: null,
      hadSession: false,
    });
  });
});

describe('caucus time', () => {
  const now = new Date(T0 + 1000 * 60_000);

  it('a caucus runs from its opening to its close; switching parties ends one and starts the other', () => {
    const history = [
      entry(0, 'phase.changed', { from: 'opening', to: 'joint' }),
      opened(10, 'cust'),
      opened(25, 'rep'), // moved to the lender's representative
      entry(30, 'caucus.closed', {}),
      opened(40, 'cust'),
      entry(45, 'phase.changed', { from: 'caucus', to: 'drafting' }),
    ];
    expect(caucusTime(history, ROLES, now)).toEqual({ customerMs: 20 * 60_000, lenderMs: 5 * 60_000, open: false });
  });

  it('a caucus still open counts up to now, and says so', () => {
    const history = [opened(10, 'rep'), entry(20, 'caucus.closed', {}), opened(990, 'cust')];
    expect(caucusTime(history, ROLES, now)).toEqual({ customerMs: 10 * 60_000, lenderMs: 10 * 60_000, open: true });
  });

  it('ends with the party’s removal, the sealed outcome or the case leaving mediation; others’ removals do not end it', () => {
    expect(
      caucusTime(
        [opened(0, 'cust'), entry(5, 'member.removed', { target: { userId: 'rep' } }), entry(8, 'outcome.sealed', {})],
        ROLES,
        now,
      ),
    ).toEqual({ customerMs: 8 * 60_000, lenderMs: 0, open: false });
    expect(
      caucusTime([opened(0, 'rep'), entry(3, 'member.removed', { target: { userId: 'rep' } })], ROLES, now),
    ).toMatchObject({ lenderMs: 3 * 60_000, open: false });
    expect(
      caucusTime([opened(0, 'rep'), entry(4, 'case.status', { from: 'in_mediation', to: 'withdrawn' })], ROLES, now),
    ).toMatchObject({ lenderMs: 4 * 60_000, open: false });
  });

  it('no caucus: no time, shown as none; one side over three quarters is flagged', () => {
    expect(caucusTime([entry(0, 'phase.changed', {})], ROLES, now)).toEqual({
      customerMs: 0,
      lenderMs: 0,
      open: false,
    });
    expect(balanceOf({ customerMs: 0, lenderMs: 0, open: false })).toEqual({ customerShare: null, balance: 'none' });
    expect(balanceOf({ customerMs: 30, lenderMs: 30, open: false })).toEqual({
      customerShare: 0.5,
      balance: 'balanced',
    });
    expect(balanceOf({ customerMs: 75, lenderMs: 25, open: false })).toEqual({
      customerShare: 0.75,
      balance: 'balanced',
    });
    expect(balanceOf({ customerMs: 10, lenderMs: 90, open: false })).toEqual({
      customerShare: 0.1,
      balance: 'one_sided',
    });
    expect(balanceOf({ customerMs: 90, lenderMs: 0, open: false }).balance).toBe('one_sided');
  });
});

describe('settlement rates', () => {
  it('settled out of the cases whose mediation ended, overall and per group', () => {
    const cases = [
      facts({ caseId: 'a', outcome: 'settled', disputeType: 'fees_charges' }),
      facts({ caseId: 'b', outcome: 'not_settled', disputeType: 'fees_charges' }),
      facts({ caseId: 'c', outcome: 'settled', disputeType: 'interest_cost', mediatorId: 'm2' }),
      facts({ caseId: 'd', outcome: null, status: 'withdrawn' }),
    ];
    expect(settlementRate(cases)).toEqual({ settled: 2, concluded: 3, rate: 0.667 });
    expect(settlementRate([])).toEqual({ settled: 0, concluded: 0, rate: null });
    const byType = settlementBy(
      cases.filter((c) => c.outcome !== null),
      (c) => c.disputeType,
    );
    expect(byType.map((g) => [g.key, g.rate])).toEqual([
      ['fees_charges', { settled: 1, concluded: 2, rate: 0.5 }],
      ['interest_cost', { settled: 1, concluded: 1, rate: 1 }],
    ]);
    expect(settlementBy(cases, (c) => c.mediatorId).map((g) => [g.key, g.rate.rate])).toEqual([
      ['m1', 0.5],
      ['m2', 1],
    ]);
  });
});

describe('survey figures', () => {
  const response = (role: CaseRole, satisfaction: number, comment = ''): SurveyInput => ({
    role,
    satisfaction,
    heard: satisfaction >= 3,
    fair: satisfaction >= 4,
    again: satisfaction === 5,
    comment,
  });

  it('a group shows figures only from five responses; below that, nothing of it', () => {
    const four = [1, 2, 3, 4].map((s) => response('customer', s, `c${s}`));
    const few = surveyFigures(four, true);
    expect(few.groups).toEqual([
      { group: 'all', shown: false },
      { group: 'customer', shown: false },
      { group: 'platform', shown: false },
    ]);
    // Too few for comments either: four comments would be four cases' words.
    expect(few.comments).toEqual([]);

    const mixed = [...four, response('customer', 5, '调解员很耐心'), response('platform', 4)];
    const shown = surveyFigures(mixed, true);
    expect(shown.groups[0]).toEqual({
      group: 'all',
      shown: true,
      count: 6,
      meanSatisfaction: 3.17,
      heardShare: 0.667,
      fairShare: 0.5,
      againShare: 0.167,
    });
    expect(shown.groups[1]).toMatchObject({ group: 'customer', shown: true, count: 5, meanSatisfaction: 3 });
    expect(shown.groups[2]).toEqual({ group: 'platform', shown: false });
    // Sorted, never in the order given, and empty comments dropped.
    expect(shown.comments).toEqual(['c1', 'c2', 'c3', 'c4', '调解员很耐心'].sort((a, b) => a.localeCompare(b)));
    // Whoever may not read comments gets none at all.
    expect(surveyFigures(mixed, false).comments).toBeNull();
  });

  it('a view is hidden when what it leaves out of the wider one is a few responses (no subtracting one case out)', () => {
    const five = [5, 4, 3, 2, 1].map((s) => response('customer', s));
    // The other lenders' single customer answer could be read as "everyone" minus this view.
    expect(surveyFigures(five, false, [response('customer', 1)]).groups[1]).toEqual({
      group: 'customer',
      shown: false,
    });
    // None left out, or enough of them: shown.
    expect(surveyFigures(five, false, []).groups[1]?.shown).toBe(true);
    expect(surveyFigures(five, false, five).groups[1]?.shown).toBe(true);
    // Only the groups whose leftover is small are hidden.
    const byRole = surveyFigures(five, false, [response('platform', 3)]).groups;
    expect(byRole.map((g) => g.shown)).toEqual([false, true, false]);
  });
});

describe('CSV row', () => {
  it('days, yes/no, minutes to a tenth; nothing personal', () => {
    const row = csvRow(
      facts({
        acceptedAt: '2026-11-03T10:00:00.000Z',
        resolvedAt: '2026-11-09T10:00:00.000Z',
        outcome: 'not_settled',
        caucus: { customerMs: 90_000, lenderMs: 0, open: false },
      }),
    );
    expect(row).toEqual([
      'AC-1',
      '甲消费金融',
      '张律师',
      'unknown',
      'closed',
      '2026-11-02',
      '2026-11-03',
      '2026-11-09',
      'no',
      '1.5',
      '0',
    ]);
  });
});
