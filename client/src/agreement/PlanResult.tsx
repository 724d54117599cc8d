import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  computePlan,
  formatCents,
  dateText,
  policyBreaches,
  termsPlan,
  type PlanPolicyView,
  type SettlementTerms,
} from '@accord/shared';
import { api } from '../app/api';
import { breachKey, highestCap, percentText, planProblems } from './plan';

/**
 * The lender's plan limits for the case, or null when there are none, the route answers an error
 * (no policy, not allowed, not there yet) or the network fails: a plan is then shown without them.
 */
export function usePlanPolicy(caseId: string, token: string): PlanPolicyView | null {
  const [view, setView] = useState<PlanPolicyView | null>(null);
  useEffect(() => {
    let live = true;
    api('GET /api/cases/:caseId/plan-policy', { token, params: { caseId } })
      .then((v) => live && setView(v))
      .catch(() => live && setView(null));
    return () => {
      live = false;
    };
  }, [caseId, token]);
  return view;
}

/**
 * The proposed plan, computed live from the terms: the exact schedule, its totals, the annualised cost
 * by the IRR method (flagged above the regulators' caps), the lender policy it goes beyond (never
 * clipped), or what is still missing.
 */
export function PlanResult({
  terms,
  language,
  policy,
}: {
  terms: SettlementTerms;
  language: 'zh-CN' | 'en';
  policy: PlanPolicyView | null;
}) {
  const { t } = useTranslation();
  const plan = useMemo(() => termsPlan(terms), [terms]);
  const computed = useMemo(() => (plan.state === 'ready' ? computePlan(plan.input) : null), [plan]);
  if (plan.state === 'none') return null;
  if (!computed || plan.state !== 'ready') {
    return (
      <div className="plan-problems warning" role="status" data-testid="plan-problems">
        <p>{t('plan.incomplete')}</p>
        <ul>
          {planProblems(plan).map((p) => (
            <li key={`${p.key}-${p.term}`}>{t(p.key, { name: t(`terms.names.${p.term}`) })}</li>
          ))}
        </ul>
      </div>
    );
  }
  const money = (cents: number) => `¥${formatCents(cents)}`;
  const breaches = policy?.policy ? policyBreaches(plan.input, policy.policy) : [];
  const cap = highestCap(computed.exceedsCapsPct);
  const cost = computed.annualCost;
  const heads = [
    t('plan.col.n'),
    t('plan.col.date'),
    t('plan.col.principal'),
    t('plan.col.interest'),
    t('plan.col.fee'),
    t('plan.col.payment'),
    t('plan.col.remaining'),
  ] as const;
  return (
    <div className="plan-result">
      <p className="plan-cost" data-testid="plan-cost">
        <strong>{t('plan.cost')}</strong>{' '}
        {cost
          ? t('plan.costValue', { nominal: percentText(cost.nominalPct), effective: percentText(cost.effectivePct) })
          : t('plan.costNone')}
      </p>
      {cap !== null && (
        <p className="warning plan-cap" role="status" data-testid="plan-cap" data-cap={String(cap)}>
          {t(cap >= 36 ? 'plan.cap36' : 'plan.cap24')}
        </p>
      )}
      {breaches.length > 0 && (
        <div className="warning plan-breaches" role="status">
          <p>{t('plan.breachTitle', { lender: policy?.lenderName ?? t('plan.theLender') })}</p>
          <ul>
            {breaches.map((b) => (
              <li key={b.rule} data-testid="plan-breach" data-rule={b.rule}>
                {b.rule === 'maxWaiverCents'
                  ? t(breachKey(b), { actual: money(b.actual), limit: money(b.limit) })
                  : t(breachKey(b), { actual: b.actual, limit: b.limit })}
              </li>
            ))}
          </ul>
        </div>
      )}
      <dl className="plan-totals">
        <div>
          <dt>{t('plan.totalPayment')}</dt>
          <dd>{money(computed.totals.paymentCents)}</dd>
        </div>
        <div>
          <dt>{t('plan.totalInterest')}</dt>
          <dd>{money(computed.totals.interestCents)}</dd>
        </div>
        <div>
          <dt>{t('plan.totalFees')}</dt>
          <dd>{money(computed.totals.feeCents)}</dd>
        </div>
        {computed.waivedCents > 0 && (
          <div>
            <dt>{t('plan.totalWaived')}</dt>
            <dd>{money(computed.waivedCents)}</dd>
          </div>
        )}
        {computed.holidayInterestCents > 0 && (
          <div>
            <dt>{t('plan.holidayInterest')}</dt>
            <dd>{money(computed.holidayInterestCents)}</dd>
          </div>
        )}
      </dl>
      <div className="plan-scroll" tabIndex={0} aria-label={t('plan.scheduleTitle')}>
        <table className="schedule plan-schedule" data-testid="plan-schedule">
          <caption>{t('plan.scheduleTitle')}</caption>
          <thead>
            <tr>
              {heads.map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {computed.rows.map((r) => (
              <tr key={r.n} data-testid="plan-row">
                <td data-label={heads[0]}>{t('plan.row', { n: r.n })}</td>
                <td data-label={heads[1]}>{dateText(r.dueDate, language)}</td>
                <td data-label={heads[2]} className="amount">
                  {formatCents(r.principalCents)}
                </td>
                <td data-label={heads[3]} className="amount">
                  {formatCents(r.interestCents)}
                </td>
                <td data-label={heads[4]} className="amount">
                  {formatCents(r.feeCents)}
                </td>
                <td data-label={heads[5]} className="amount payment">
                  {formatCents(r.paymentCents)}
                </td>
                <td data-label={heads[6]} className="amount">
                  {formatCents(r.remainingCents)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('plan.total')}</th>
              <td data-label={heads[1]} className="empty" />
              <td data-label={heads[2]} className="amount">
                {formatCents(computed.totals.principalCents)}
              </td>
              <td data-label={heads[3]} className="amount">
                {formatCents(computed.totals.interestCents)}
              </td>
              <td data-label={heads[4]} className="amount">
                {formatCents(computed.totals.feeCents)}
              </td>
              <td data-label={heads[5]} className="amount payment">
                {formatCents(computed.totals.paymentCents)}
              </td>
              <td data-label={heads[6]} className="empty" />
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="muted hint">{t('plan.roundingNote')}</p>
    </div>
  );
}
