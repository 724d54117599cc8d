import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import { AgreementDoc, dateText, moneyShort, repaymentSchedule, type SettlementTerms } from '@accord/shared';
import {
  displayField,
  formatMoney,
  instalmentMismatch,
  parseField,
  readTerms,
  type TermError,
  type TermKey,
} from './terms';

const FIELDS = [
  { key: 'amountInDisputeCents', label: 'terms.amountInDispute', type: 'money' },
  { key: 'amountAgreedCents', label: 'terms.amountAgreed', type: 'money' },
  { key: 'feesWaivedCents', label: 'terms.feesWaived', type: 'money' },
  { key: 'instalments', label: 'terms.instalments', type: 'int' },
  { key: 'firstDueDate', label: 'terms.firstDueDate', type: 'date' },
  { key: 'monthlyAmountCents', label: 'terms.monthlyAmount', type: 'money' },
  { key: 'conditions', label: 'terms.conditions', type: 'text' },
] as const satisfies readonly { key: TermKey; label: `terms.${string}`; type: 'money' | 'int' | 'date' | 'text' }[];

/**
 * The structured settlement terms, in the `terms` map of the agreement
 * document. A field is validated as typed and written to the document only
 * when valid (on blur or Enter, a date also on Tab), so nobody ever sees a half-typed amount.
 */
export function TermsPanel({ doc, editable }: { doc: Y.Doc; editable: boolean }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language.startsWith('zh') ? 'zh-CN' : 'en';
  const map = doc.getMap<unknown>(AgreementDoc.terms);
  const [terms, setTerms] = useState<SettlementTerms>(() => readTerms(map.entries()));
  const [drafts, setDrafts] = useState<Partial<Record<TermKey, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<TermKey, TermError>>>({});

  useEffect(() => {
    const update = () => setTerms(readTerms(map.entries()));
    update();
    map.observe(update);
    return () => map.unobserve(update);
  }, [map]);

  const commit = (key: TermKey) => {
    const draft = drafts[key];
    if (draft === undefined) return;
    const result = parseField(key, draft);
    if (!result.ok) {
      setErrors((e) => ({ ...e, [key]: result.error }));
      return;
    }
    setErrors((e) => ({ ...e, [key]: undefined }));
    setDrafts((d) => ({ ...d, [key]: undefined }));
    if (map.get(key) !== result.value) map.set(key, result.value);
  };

  const mismatch = instalmentMismatch(terms);
  const schedule = repaymentSchedule(terms);

  return (
    <section className="panel terms" aria-labelledby="terms-title">
      <h2 id="terms-title">{t('terms.title')}</h2>
      <div className="terms-grid">
        {FIELDS.map(({ key, label, type }) => {
          const id = `term-${key}`;
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
                  inputMode={type === 'money' ? 'decimal' : type === 'int' ? 'numeric' : undefined}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') commit(key);
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
            </div>
          );
        })}
      </div>
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
