import { formatDateTime } from '../app/format';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import {
  AgreementDoc,
  dateText,
  moneyShort,
  repaymentSchedule,
  type Activity,
  type PlanKind,
  type SettlementTerms,
} from '@accord/shared';
import { PlanResult, usePlanPolicy } from './PlanResult';
import {
  displayField,
  formatMoney,
  instalmentMismatch,
  parseField,
  readTerms,
  termValueText,
  todayIn,
  type TermError,
  type TermKey,
} from './terms';

type FieldType = 'money' | 'int' | 'date' | 'text' | 'rate';
interface FieldDef {
  key: TermKey;
  label: `terms.${string}` | `plan.${string}`;
  type: FieldType;
  /** The input's test id, when it is not `term-<key>` (the plan's inputs: see the UI contract). */
  testId?: string;
}

const FIELDS = [
  { key: 'amountInDisputeCents', label: 'terms.amountInDispute', type: 'money' },
  { key: 'amountAgreedCents', label: 'terms.amountAgreed', type: 'money' },
  { key: 'feesWaivedCents', label: 'terms.feesWaived', type: 'money' },
  { key: 'instalments', label: 'terms.instalments', type: 'int' },
  { key: 'firstDueDate', label: 'terms.firstDueDate', type: 'date' },
  { key: 'monthlyAmountCents', label: 'terms.monthlyAmount', type: 'money' },
  { key: 'conditions', label: 'terms.conditions', type: 'text' },
] as const satisfies readonly FieldDef[];

/** The plan's own inputs; the number of instalments and the first due date are the terms' above. */
const PLAN_FIELDS = [
  { key: 'planPrincipalCents', label: 'plan.principal', type: 'money', testId: 'plan-principal' },
  { key: 'planInterestCents', label: 'plan.interest', type: 'money', testId: 'plan-interest' },
  { key: 'planFeesCents', label: 'plan.fees', type: 'money', testId: 'plan-fees' },
  { key: 'planRateBp', label: 'plan.rate', type: 'rate', testId: 'plan-rate' },
  { key: 'planHolidayMonths', label: 'plan.holiday', type: 'int', testId: 'plan-holiday' },
  { key: 'planStartDate', label: 'plan.start', type: 'date', testId: 'plan-start' },
  { key: 'planWaiveInterestCents', label: 'plan.waiveInterest', type: 'money', testId: 'plan-waive-interest' },
  { key: 'planWaiveFeesCents', label: 'plan.waiveFees', type: 'money', testId: 'plan-waive-fees' },
] as const satisfies readonly FieldDef[];

const PLAN_KINDS = ['equal_instalment', 'equal_principal', 'interest_free'] as const satisfies readonly PlanKind[];

const isTermsEntry = (a: Activity, key: TermKey) => a.kind === 'terms.changed' && a.detail.term === key;

/** Notices of my values replaced in a conflict, dismissed on this device (by entry id). */
function useDismissed(me: string): [ReadonlySet<string>, (id: string) => void] {
  const storageKey = `accord:terms-dismissed:${me}`;
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => {
    try {
      const raw: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
      return new Set(Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : []);
    } catch {
      return new Set();
    }
  });
  const dismiss = (id: string) =>
    setDismissed((d) => {
      const next = new Set([...d, id]);
      try {
        localStorage.setItem(storageKey, JSON.stringify([...next].slice(-100)));
      } catch {
        // Private mode or full storage: dismissed for this page only.
      }
      return next;
    });
  return [dismissed, dismiss];
}

/**
 * The structured settlement terms, in the `terms` map of the agreement
 * document. A field is validated as typed and written to the document only
 * when valid (on blur or Enter, a date also on Tab), so nobody ever sees a half-typed amount.
 *
 * Who last changed each term, and when, is the server's record (`history`: the `terms.changed`
 * entries of `terms:last`), never something a client wrote into the document. Someone typing into a
 * term that another person changes meanwhile is told, and chooses which value stays; someone whose
 * value was replaced by a concurrent (or offline) write is told by whom (from the feed's entries).
 */
export function TermsPanel({
  doc,
  editable,
  history,
  activity,
  me,
  timeZone,
  caseId,
  token,
}: {
  doc: Y.Doc;
  /** For the lender's plan limits (`GET /api/cases/:caseId/plan-policy`). */
  caseId: string;
  token: string;
  editable: boolean;
  /** For each term, the server's entry of the change that gave it its value. */
  history: Activity[];
  /** The room's feed: its term changes drive the notices. */
  activity: Activity[];
  /** My user id. */
  me: string;
  /** The case's zone, which "last changed" times are shown in. */
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.language.startsWith('zh') ? 'zh-CN' : 'en';
  const map = doc.getMap<unknown>(AgreementDoc.terms);
  const [terms, setTerms] = useState<SettlementTerms>(() => readTerms(map.entries()));
  const [drafts, setDrafts] = useState<Partial<Record<TermKey, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<TermKey, TermError>>>({});
  /** Someone else's change that arrived while I had an unsaved value in the same term. */
  const [incoming, setIncoming] = useState<Partial<Record<TermKey, Activity>>>({});
  const [dismissed, dismiss] = useDismissed(me);
  const draftsRef = useRef(drafts);
  useEffect(() => {
    draftsRef.current = drafts;
  }, [drafts]);
  // The feed's entries already there when the panel opened are history, not news.
  const seen = useRef<Set<string> | null>(null);
  const valueText = (key: TermKey, v: unknown) => termValueText(key, v, t, i18n.language);
  /** What my unsaved input would store, as people read it (the text as typed if it is not valid yet). */
  const draftText = (key: TermKey, draft: string) => {
    const r = parseField(key, draft);
    return r.ok ? valueText(key, r.value) : t('terms.quoted', { text: draft });
  };

  useEffect(() => {
    if (seen.current === null) {
      seen.current = new Set(activity.map((a) => a.id));
      return;
    }
    const known = seen.current;
    for (const a of activity) {
      if (known.has(a.id)) continue;
      known.add(a.id);
      const key = a.detail.term as TermKey;
      const draft = draftsRef.current[key];
      if (a.kind !== 'terms.changed' || a.detail.conflict === 'lost' || a.actor.userId === me) continue;
      if (draft === undefined) continue;
      const mine = parseField(key, draft);
      if (mine.ok && mine.value === a.detail.to) continue;
      setIncoming((x) => ({ ...x, [key]: a }));
    }
  }, [activity, me]);

  useEffect(() => {
    const update = () => setTerms(readTerms(map.entries()));
    update();
    map.observe(update);
    return () => map.unobserve(update);
  }, [map]);

  /**
   * Writes my input to the document. While someone else's change to the same term waits for my
   * choice, leaving the field (blur, Tab) writes nothing: only "keep mine" or Enter does (`chosen`).
   */
  const commit = (key: TermKey, chosen = false) => {
    const draft = drafts[key];
    if (draft === undefined) return;
    if (incoming[key] && !chosen) return;
    const result = parseField(key, draft);
    if (!result.ok) {
      setErrors((e) => ({ ...e, [key]: result.error }));
      return;
    }
    setErrors((e) => ({ ...e, [key]: undefined }));
    setDrafts((d) => ({ ...d, [key]: undefined }));
    setIncoming((x) => ({ ...x, [key]: undefined }));
    if (map.get(key) !== result.value) map.set(key, result.value);
  };

  const takeTheirs = (key: TermKey) => {
    setErrors((e) => ({ ...e, [key]: undefined }));
    setDrafts((d) => ({ ...d, [key]: undefined }));
    setIncoming((x) => ({ ...x, [key]: undefined }));
  };

  /** The line under a term: who changed it last and when (the server's record). */
  const lastChanged = (key: TermKey): ReactNode => {
    const entry = history.find((a) => isTermsEntry(a, key));
    if (!entry) return null;
    return (
      <small className="term-changed muted" data-testid={`term-${key}-changed`}>
        {t('terms.lastChanged', {
          name: entry.actor.displayName,
          time: formatDateTime(entry.at, i18n.language, timeZone),
        })}
      </small>
    );
  };

  /** My value, replaced in a conflict (at the same time, or offline) and not written again since. */
  const replaced = (key: TermKey): ReactNode => {
    let found: Activity | null = null;
    for (const a of activity) {
      if (!isTermsEntry(a, key)) continue;
      const lostMine =
        (a.detail.conflict === 'overwrote' && a.target?.userId === me) ||
        (a.detail.conflict === 'lost' && a.actor.userId === me);
      if (lostMine) found = a;
      else if (a.actor.userId === me) found = null; // I wrote this term again since
    }
    if (!found || dismissed.has(found.id)) return null;
    const a = found;
    const lost = a.detail.conflict === 'lost';
    const mineValue = lost ? a.detail.to : a.detail.from;
    const params = {
      mine: valueText(key, mineValue),
      theirs: valueText(key, lost ? a.detail.from : a.detail.to),
      name: (lost ? a.target?.displayName : a.actor.displayName) ?? t('activity.someoneElse'),
    };
    return (
      <div className="term-notice warning" role="status" data-testid={`term-${key}-replaced`}>
        <p>{t('terms.yoursReplaced', params)}</p>
        {editable && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              if (map.get(key) !== mineValue) map.set(key, mineValue);
              dismiss(a.id);
            }}
          >
            {t('terms.restoreMine', params)}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => dismiss(a.id)}>
          {t('terms.dismiss')}
        </button>
      </div>
    );
  };

  /** Someone else changed the term I am typing into: my value is not saved until I choose. */
  const whileEditing = (key: TermKey): ReactNode => {
    const a = incoming[key];
    const draft = drafts[key];
    if (!a || draft === undefined) return null;
    const params = { name: a.actor.displayName, theirs: valueText(key, a.detail.to), mine: draftText(key, draft) };
    return (
      <div className="term-notice warning" role="alert" data-testid={`term-${key}-conflict`}>
        <p>{t('terms.remoteWhileEditing', params)}</p>
        <button type="button" onClick={() => commit(key, true)}>
          {t('terms.keepMine', params)}
        </button>
        <button type="button" className="secondary" onClick={() => takeTheirs(key)}>
          {t('terms.takeTheirs', params)}
        </button>
      </div>
    );
  };

  const policy = usePlanPolicy(caseId, token);
  const planProposed = terms.planKind !== null && terms.planKind !== undefined;
  const mismatch = planProposed ? null : instalmentMismatch(terms);
  const schedule = planProposed ? null : repaymentSchedule(terms);

  /** Proposes a plan (starting today on the case's clock, unless a start was already set) or withdraws it. */
  const togglePlan = () => {
    doc.transact(() => {
      if (planProposed) {
        map.set('planKind', null);
        return;
      }
      map.set('planKind', 'equal_instalment' satisfies PlanKind);
      if (!terms.planStartDate) map.set('planStartDate', todayIn(timeZone));
    });
  };

  const field = (def: (typeof FIELDS)[number] | (typeof PLAN_FIELDS)[number]) => {
    const { key, label, type } = def;
    const id = 'testId' in def ? def.testId : `term-${key}`;
    const error = errors[key];
    const value = drafts[key] ?? displayField(key, terms[key]);
    const common = {
      id,
      name: key,
      value,
      readOnly: !editable,
      'aria-invalid': error !== undefined,
      'aria-describedby': error ? `${id}-error` : undefined,
      'data-testid': id,
      onChange: (e: { target: { value: string } }) => {
        const v = e.target.value;
        setDrafts((d) => ({ ...d, [key]: v }));
        // Validated as typed; the document changes only when the value is committed.
        const r = parseField(key, v);
        setErrors((x) => ({ ...x, [key]: r.ok ? undefined : r.error }));
      },
      onBlur: () => commit(key),
    };
    return (
      <div className={`field field-${type}`} key={key}>
        <label htmlFor={id}>{t(label)}</label>
        {type === 'text' ? (
          <textarea rows={3} maxLength={4000} {...common} />
        ) : (
          <input
            type={type === 'date' ? 'date' : 'text'}
            inputMode={type === 'money' || type === 'rate' ? 'decimal' : type === 'int' ? 'numeric' : undefined}
            onKeyDown={(e) => {
              // Enter is a choice: it keeps my value even over a change that arrived meanwhile.
              if (e.key === 'Enter') commit(key, true);
              // In Chromium the first Tab after typing a whole date stays inside the input (Tab steps
              // through its parts), so no blur came and the date typed was not saved. A half-typed
              // date reads as empty (badInput): committing that would clear the stored one.
              if (type === 'date' && e.key === 'Tab' && !e.currentTarget.validity.badInput) commit(key);
            }}
            {...common}
          />
        )}
        {error && (
          <span id={`${id}-error`} className="error" role="alert">
            {t(`terms.${error}`)}
          </span>
        )}
        {lastChanged(key)}
        {whileEditing(key)}
        {replaced(key)}
      </div>
    );
  };

  return (
    <section className="panel terms" aria-labelledby="terms-title">
      <h2 id="terms-title">{t('terms.title')}</h2>
      <div className="terms-grid">{FIELDS.map(field)}</div>
      <label className="field-check">
        <input
          type="checkbox"
          checked={terms.noPayment}
          disabled={!editable}
          data-testid="term-noPayment"
          onChange={(e) => {
            if (map.get('noPayment') !== e.target.checked) map.set('noPayment', e.target.checked);
          }}
        />
        <span>{t('terms.noPayment')}</span>
      </label>
      {lastChanged('noPayment')}
      {replaced('noPayment')}
      <div className="plan" data-testid="plan">
        <div className="plan-head">
          <h3>{t('plan.title')}</h3>
          {editable && (
            <button type="button" className="secondary" data-testid="plan-toggle" onClick={togglePlan}>
              {planProposed ? t('plan.remove') : t('plan.propose')}
            </button>
          )}
        </div>
        {!planProposed && <p className="muted hint">{t('plan.none')}</p>}
        {planProposed && (
          <>
            <p className="muted hint">{t('plan.usesTerms')}</p>
            <div className="terms-grid">
              <div className="field field-kind">
                <label htmlFor="plan-kind">{t('plan.kind')}</label>
                <select
                  id="plan-kind"
                  data-testid="plan-kind"
                  value={terms.planKind ?? ''}
                  disabled={!editable}
                  onChange={(e) => {
                    const r = parseField('planKind', e.target.value);
                    if (r.ok && map.get('planKind') !== r.value) map.set('planKind', r.value);
                  }}
                >
                  {PLAN_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`plan.kinds.${k}`)}
                    </option>
                  ))}
                </select>
                {terms.planKind && <small className="muted">{t(`plan.kindHints.${terms.planKind}`)}</small>}
                {lastChanged('planKind')}
                {replaced('planKind')}
              </div>
              {PLAN_FIELDS.filter((f) => f.key !== 'planRateBp' || terms.planKind !== 'interest_free').map(field)}
            </div>
            <PlanResult terms={terms} language={language} policy={policy} />
          </>
        )}
      </div>
      {schedule && (
        <table className="schedule" data-testid="term-schedule">
          <caption>{t('terms.schedule')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('terms.scheduleNumber')}</th>
              <th scope="col">{t('terms.scheduleDate')}</th>
              <th scope="col">{t('terms.scheduleAmount')}</th>
            </tr>
          </thead>
          <tbody>
            {schedule.map((i) => (
              <tr key={i.number}>
                <td>{t('terms.scheduleRow', { n: i.number })}</td>
                <td>{dateText(i.dueDate, language)}</td>
                <td className="amount">{moneyShort(i.cents, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mismatch !== null && (
        <p className="warning" role="status">
          {t('terms.monthlyMismatch', { total: formatMoney(mismatch) })}
        </p>
      )}
    </section>
  );
}
