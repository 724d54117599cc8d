import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LenderPlanPolicy, formatCents, moneyShort, type LenderAdminView } from '@accord/shared';
import { parseMoney } from '../agreement/terms';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { DocumentDueDays } from '../documents/DocumentDueDays';

interface PolicyForm {
  lenderId: string;
  maxInstalments: string;
  maxWaiver: string;
  maxHolidayMonths: string;
}

const formOf = (l: LenderAdminView): PolicyForm => ({
  lenderId: l.id,
  maxInstalments: l.planPolicy ? String(l.planPolicy.maxInstalments) : '',
  maxWaiver: l.planPolicy ? formatCents(l.planPolicy.maxWaiverCents) : '',
  maxHolidayMonths: l.planPolicy ? String(l.planPolicy.maxHolidayMonths) : '',
});

/** A whole number typed in a field, or NaN (refused by the schema, which names the field). */
const whole = (s: string): number => (/^\d{1,4}$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

/**
 * Each lender's limits on the repayment plans its representative agrees to (most instalments, largest
 * waiver, longest holiday): shown beside a plan in the room, never enforced by clipping it.
 */
export function LenderPlanPolicies({ token, version }: { token: string; version: unknown }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('zh') ? 'zh-CN' : 'en';
  const [lenders, setLenders] = useState<LenderAdminView[]>([]);
  const [editing, setEditing] = useState<PolicyForm | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const { confirm, dialog } = useConfirm();
  const labels: Record<keyof LenderPlanPolicy, string> = {
    maxInstalments: t('accounts.maxInstalments'),
    maxWaiverCents: t('accounts.maxWaiver'),
    maxHolidayMonths: t('accounts.maxHoliday'),
  };

  useEffect(() => {
    void api('GET /api/admin/lenders', { token })
      .then(setLenders)
      .catch((err: unknown) => setError(errorMessage(t, err)));
  }, [token, t, version, reloads]);

  const put = async (lenderId: string, policy: LenderPlanPolicy | null) => {
    try {
      await api('PUT /api/lenders/:lenderId/plan-policy', { token, params: { lenderId }, body: { policy } });
      setError(null);
      setEditing(null);
      setReloads((n) => n + 1);
    } catch (err) {
      setError(errorMessage(t, err, { policy: t('accounts.planPolicy') }));
    }
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const waiver = parseMoney(editing.maxWaiver);
    // Checked here by the same schema as the server's, so each field that is wrong is named at once.
    const policy = LenderPlanPolicy.safeParse({
      maxInstalments: whole(editing.maxInstalments),
      maxWaiverCents: typeof waiver === 'number' ? waiver : Number.NaN,
      maxHolidayMonths: whole(editing.maxHolidayMonths),
    });
    if (!policy.success) {
      const wrong = [...new Set(policy.error.issues.map((i) => labels[i.path[0] as keyof LenderPlanPolicy]))];
      setError(t('errors.invalidFields', { fields: wrong.join(t('app.listSeparator')) }));
      return;
    }
    void put(editing.lenderId, policy.data);
  };

  const clear = async (l: LenderAdminView) => {
    const ok = await confirm({
      title: t('accounts.planClear'),
      body: t('accounts.confirmPlanClear', { name: l.name }),
      confirm: t('accounts.planClear'),
      danger: true,
    });
    if (ok) await put(l.id, null);
  };

  if (lenders.length === 0) return null;
  return (
    <section className="card" data-testid="plan-policies">
      <h2>{t('accounts.planPolicy')}</h2>
      <ul className="stack">
        {lenders.map((l) => (
          <li key={l.id} data-testid="plan-policy" data-lender={l.id}>
            <strong>{l.name}</strong>
            {': '}
            {l.planPolicy
              ? t('accounts.planSummary', {
                  instalments: l.planPolicy.maxInstalments,
                  waiver: moneyShort(l.planPolicy.maxWaiverCents, lang),
                  months: l.planPolicy.maxHolidayMonths,
                })
              : t('accounts.planNone')}
            {editing?.lenderId === l.id ? (
              <form className="stack" onSubmit={save}>
                <label>
                  {t('accounts.maxInstalments')}
                  <input
                    data-testid="plan-policy-instalments"
                    inputMode="numeric"
                    value={editing.maxInstalments}
                    onChange={(e) => setEditing({ ...editing, maxInstalments: e.target.value })}
                    required
                  />
                </label>
                <label>
                  {t('accounts.maxWaiver')}
                  <input
                    data-testid="plan-policy-waiver"
                    inputMode="decimal"
                    value={editing.maxWaiver}
                    onChange={(e) => setEditing({ ...editing, maxWaiver: e.target.value })}
                    required
                  />
                </label>
                <label>
                  {t('accounts.maxHoliday')}
                  <input
                    data-testid="plan-policy-holiday"
                    inputMode="numeric"
                    value={editing.maxHolidayMonths}
                    onChange={(e) => setEditing({ ...editing, maxHolidayMonths: e.target.value })}
                    required
                  />
                </label>
                <div className="button-row">
                  <button type="submit" data-testid="plan-policy-save">
                    {t('accounts.save')}
                  </button>
                  <button type="button" className="link" onClick={() => setEditing(null)}>
                    {t('accounts.cancel')}
                  </button>
                </div>
              </form>
            ) : (
              <span className="button-row">
                <button type="button" className="link" onClick={() => setEditing(formOf(l))}>
                  {t('accounts.planEdit')}
                </button>
                {l.planPolicy && (
                  <button type="button" className="link" onClick={() => void clear(l)}>
                    {t('accounts.planClear')}
                  </button>
                )}
              </span>
            )}
            <DocumentDueDays token={token} lender={l} onSaved={() => setReloads((n) => n + 1)} />
          </li>
        ))}
      </ul>
      <ErrorText error={error} />
      {dialog}
    </section>
  );
}
