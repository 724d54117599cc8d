import { useTranslation } from 'react-i18next';
import {
  computePlan,
  dateText,
  formatCents,
  percentText,
  termsPlan,
  type CaseLanguage,
  type CaseRole,
  type OutcomeRecord,
} from '@accord/shared';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';

/**
 * What a sealed record says about the negotiation (format 3): the repayment plan as a schedule (after
 * the signed text, which states it), who proposed each clause and every consent to it, the rounds,
 * and the hardship (after the signatures), as the PDF lays them out. Records sealed before format 3
 * have none of these fields and show none of these sections. Everything in the reader's language, in
 * words: no stored values, instants or cents on screen.
 */
export function NegotiationHistory({ record }: { record: OutcomeRecord }) {
  return (
    <>
      <ClauseHistory record={record} />
      <Rounds record={record} />
      <Hardship record={record} />
    </>
  );
}

/** The UI language as the shared formatters name it. */
const uiLanguage = (lang: string): CaseLanguage => (lang.startsWith('zh') ? 'zh-CN' : 'en');

function useTime() {
  const { i18n } = useTranslation();
  // Beijing time, as the PDF and the signatures above (the record names no zone).
  return (iso: string) => formatDateTime(iso, i18n.language, DEFAULT_TIME_ZONE, 'seconds');
}

/** A person of the record: their role in words and their masked name. */
function useWho() {
  const { t } = useTranslation();
  const known = new Set<string>(['customer', 'platform', 'mediator', 'observer', 'admin'] satisfies CaseRole[]);
  return (role: string, name: string) =>
    t('recordDetails.who', { role: known.has(role) ? t(`roles.${role as CaseRole}`) : role, name });
}

/** The schedule of the plan the signed terms carry; on a phone each instalment is a card (`.data-table`). */
export function PlanSchedule({ record }: { record: OutcomeRecord }) {
  const { t, i18n } = useTranslation();
  const plan = record.terms ? termsPlan(record.terms) : null;
  if (plan?.state !== 'ready') return null;
  const p = computePlan(plan.input);
  const lang = uiLanguage(i18n.language);
  const columns = {
    dueDate: t('recordDetails.columns.dueDate'),
    principal: t('recordDetails.columns.principal'),
    interest: t('recordDetails.columns.interest'),
    fees: t('recordDetails.columns.fees'),
    payment: t('recordDetails.columns.payment'),
    remaining: t('recordDetails.columns.remaining'),
  };
  const cost = p.annualCost;
  return (
    <section data-testid="record-plan">
      <h2>{t('recordDetails.plan')}</h2>
      <p>{t('recordDetails.planKind', { kind: t(`recordDetails.kinds.${p.input.kind}`) })}</p>
      <table className="data-table record-plan" data-testid="record-plan-schedule">
        <caption className="muted">{t('recordDetails.amountsIn')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('recordDetails.columns.n')}</th>
            <th scope="col">{columns.dueDate}</th>
            <th scope="col" className="num">
              {columns.principal}
            </th>
            <th scope="col" className="num">
              {columns.interest}
            </th>
            <th scope="col" className="num">
              {columns.fees}
            </th>
            <th scope="col" className="num">
              {columns.payment}
            </th>
            <th scope="col" className="num">
              {columns.remaining}
            </th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((row) => (
            <tr key={row.n} data-testid="record-plan-row">
              <th scope="row">{t('recordDetails.instalment', { n: row.n })}</th>
              <td data-label={columns.dueDate}>{dateText(row.dueDate, lang)}</td>
              <td className="num" data-label={columns.principal}>
                {formatCents(row.principalCents)}
              </td>
              <td className="num" data-label={columns.interest}>
                {formatCents(row.interestCents)}
              </td>
              <td className="num" data-label={columns.fees}>
                {formatCents(row.feeCents)}
              </td>
              <td className="num" data-label={columns.payment}>
                {formatCents(row.paymentCents)}
              </td>
              <td className="num" data-label={columns.remaining}>
                {formatCents(row.remainingCents)}
              </td>
            </tr>
          ))}
          {/* In the body, not a tfoot: on a phone it is one more card, after the instalments. */}
          <tr className="total" data-testid="record-plan-total">
            <th scope="row">{t('recordDetails.total')}</th>
            <td aria-hidden="true" />
            <td className="num" data-label={columns.principal}>
              {formatCents(p.totals.principalCents)}
            </td>
            <td className="num" data-label={columns.interest}>
              {formatCents(p.totals.interestCents)}
            </td>
            <td className="num" data-label={columns.fees}>
              {formatCents(p.totals.feeCents)}
            </td>
            <td className="num" data-label={columns.payment}>
              {formatCents(p.totals.paymentCents)}
            </td>
            <td aria-hidden="true" />
          </tr>
        </tbody>
      </table>
      <p data-testid="record-plan-cost">
        {t('recordDetails.cost')}:{' '}
        {cost
          ? t('recordDetails.costValue', {
              nominal: percentText(cost.nominalPct),
              effective: percentText(cost.effectivePct),
            })
          : t('recordDetails.costNone')}
      </p>
      {p.exceedsCapsPct.map((cap) => (
        <p key={cap} className="error" data-testid="record-plan-cap" data-cap={cap}>
          {t('recordDetails.overCap', { cap })}
        </p>
      ))}
    </section>
  );
}

/** Each clause: who proposed it, then every consent given to it, in order. */
function ClauseHistory({ record }: { record: OutcomeRecord }) {
  const { t } = useTranslation();
  const time = useTime();
  const who = useWho();
  if (!record.clauses) return null;
  return (
    <section data-testid="record-clauses">
      <h2>{t('recordDetails.clauses')}</h2>
      <p className="muted">{t('recordDetails.clausesIntro')}</p>
      <ol className="record-clauses">
        {record.clauses.map((clause) => (
          <li key={clause.id} data-testid={`record-clause-${clause.number}`}>
            <strong>{t('recordDetails.clause', { n: clause.number })}</strong>{' '}
            <span className="muted">
              {clause.proposedBy
                ? t('recordDetails.proposedBy', { who: who(clause.proposedBy.role, clause.proposedBy.name) })
                : t('recordDetails.noProposer')}
            </span>
            {clause.history.length === 0 ? (
              <p className="muted">{t('recordDetails.noConsent')}</p>
            ) : (
              <ul>
                {clause.history.map((e, i) => {
                  const earlier = e.hash !== clause.hash;
                  return (
                    <li
                      key={i}
                      className={earlier ? 'muted' : undefined}
                      data-testid="record-consent"
                      data-state={e.state}
                      data-earlier={earlier}
                    >
                      {who(e.role, e.name)}{' '}
                      {e.state === 'agreed'
                        ? t('recordDetails.agreed')
                        : t('recordDetails.objected', { reason: e.reason })}
                      {earlier && t('recordDetails.earlierText')} — {time(e.at)}
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Rounds({ record }: { record: OutcomeRecord }) {
  const { t } = useTranslation();
  const time = useTime();
  if (!record.rounds || record.rounds.length === 0) return null;
  return (
    <section data-testid="record-rounds">
      <h2>{t('recordDetails.rounds')}</h2>
      <ul>
        {record.rounds.map((round) => (
          <li key={round.n} data-testid={`record-round-${round.n}`}>
            {t('recordDetails.round', { n: round.n, time: time(round.closedAt) })}
            <br />
            <span className="technical">
              {t('recordDetails.fingerprint')}: <code>{round.fingerprint}</code>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const HARDSHIP_KINDS = ['job_loss', 'illness', 'accident', 'disaster', 'other'] as const;
type HardshipKind = (typeof HARDSHIP_KINDS)[number];

function Hardship({ record }: { record: OutcomeRecord }) {
  const { t } = useTranslation();
  const time = useTime();
  const h = record.hardship;
  if (!h) return null;
  // A kind this page does not know (a later version's) reads as "other" rather than as a stored value.
  const kind: HardshipKind = (HARDSHIP_KINDS as readonly string[]).includes(h.kind)
    ? (h.kind as HardshipKind)
    : 'other';
  return (
    <section data-testid="record-hardship" data-kind={h.kind}>
      <h2>{t('recordDetails.hardship')}</h2>
      <dl>
        <dt>{t('recordDetails.hardshipKind')}</dt>
        <dd>{t(`recordDetails.hardshipKinds.${kind}`)}</dd>
        <dt>{t('recordDetails.declaredAt')}</dt>
        <dd>{time(h.declaredAt)}</dd>
        <dt>{t('recordDetails.proofs')}</dt>
        <dd>
          {h.proofs.length === 0 ? (
            t('recordDetails.noProofs')
          ) : (
            <ul>
              {h.proofs.map((proof) => (
                <li key={proof.sha256 + proof.name}>
                  {proof.name}
                  <br />
                  <span className="technical">
                    SHA-256 <code>{proof.sha256}</code>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
