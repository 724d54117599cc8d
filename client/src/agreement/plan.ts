import type { PolicyBreach, TermsPlan } from '@accord/shared';
import type { TermKey } from './terms';

/** What a plan still needs, as the panel words it: a translation key and the term it names. */
export interface PlanProblemView {
  key: 'plan.problems.notSet' | 'plan.problems.invalid' | 'plan.problems.waiveTooMuch' | 'plan.problems.dueBeforeStart';
  /** The term the problem is about (its name is `terms.names.<term>`). */
  term: TermKey;
}

const TERM_KEYS: readonly string[] = [
  'instalments',
  'firstDueDate',
  'planKind',
  'planPrincipalCents',
  'planInterestCents',
  'planFeesCents',
  'planRateBp',
  'planHolidayMonths',
  'planStartDate',
  'planWaiveInterestCents',
  'planWaiveFeesCents',
];

/**
 * The problems `termsPlan` names, in words a person can act on. `termsPlan` reports zod's English
 * messages; the panel only shows what it can word itself, keyed by the term and the rule broken
 * (each input is validated as typed, so what remains is a missing value or one term against another).
 */
export function planProblems(plan: TermsPlan): PlanProblemView[] {
  if (plan.state !== 'incomplete') return [];
  const out: PlanProblemView[] = [];
  for (const p of plan.problems) {
    const term = (TERM_KEYS.includes(p.field) ? p.field : 'planKind') as TermKey;
    const key: PlanProblemView['key'] =
      p.message === 'not set'
        ? 'plan.problems.notSet'
        : term === 'planWaiveInterestCents' || term === 'planWaiveFeesCents'
          ? 'plan.problems.waiveTooMuch'
          : term === 'firstDueDate' && /after the start/.test(p.message)
            ? 'plan.problems.dueBeforeStart'
            : 'plan.problems.invalid';
    // One line per term and rule: zod may report the same field twice.
    if (!out.some((o) => o.key === key && o.term === term)) out.push({ key, term });
  }
  return out;
}

/** The highest of the regulators' caps the plan's cost exceeds (24 or 36), or null. */
export function highestCap(exceeds: readonly number[]): number | null {
  return exceeds.length === 0 ? null : Math.max(...exceeds);
}

/** A percentage as the panel and the signed text show it: two decimals. */
export { percentText } from '@accord/shared';

/** A lender-policy breach's translation key (the values are worded by the caller: money or counts). */
export const breachKey = (b: PolicyBreach): `plan.breach.${PolicyBreach['rule']}` => `plan.breach.${b.rule}`;
