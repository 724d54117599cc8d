import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediatorView, UserView } from '@accord/shared';
import { api } from '../app/api';
import { staffSession } from '../app/session';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { languageName } from '../app/format';

const list = (s: string) =>
  s
    .split(/[,，]/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** An admin manages the mediators: organisation, languages, specialities. */
export function MediatorsPage() {
  const { t, i18n } = useTranslation();
  const token = staffSession()?.token ?? '';
  const [mediators, setMediators] = useState<MediatorView[]>([]);
  const [accounts, setAccounts] = useState<UserView[]>([]);
  const [form, setForm] = useState({ userId: '', organisation: '', languages: 'zh-CN', specialities: '' });
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void api('GET /api/mediators', { token })
      .then(setMediators)
      .catch(() => undefined);
    void api('GET /api/staff', { token })
      .then((u) => setAccounts(u.filter((x) => x.staffRole === 'mediator')))
      .catch(() => undefined);
  }, [token]);
  useEffect(load, [load]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('PUT /api/mediators', {
        token,
        body: { ...form, languages: list(form.languages), specialities: list(form.specialities) },
      });
      setError(null);
      load();
    } catch (err) {
      setError(
        errorMessage(t, err, {
          userId: t('mediators.account'),
          organisation: t('mediators.organisation'),
          languages: t('mediators.languages'),
          specialities: t('mediators.specialities'),
        }),
      );
    }
  };

  return (
    <section className="card" data-testid="mediators">
      <h2>{t('mediators.title')}</h2>
      <ul>
        {mediators.map((m) => (
          <li key={m.userId}>
            <strong>{m.displayName}</strong> · {m.organisation} ·{' '}
            {m.languages.map((l) => languageName(l, i18n.language)).join(', ')} · {m.specialities.join(', ')} ·{' '}
            {t('mediators.active', { count: m.activeCases })}
          </li>
        ))}
      </ul>
      <form className="stack narrow-form" onSubmit={(e) => void save(e)}>
        <label>
          {t('mediators.account')}
          <select value={form.userId} onChange={(e) => setForm({ ...form, userId: e.target.value })} required>
            <option value="" />
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.displayName} ({a.username})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('mediators.organisation')}
          <input
            value={form.organisation}
            onChange={(e) => setForm({ ...form, organisation: e.target.value })}
            required
            minLength={2}
          />
        </label>
        <label>
          {t('mediators.languages')}
          <input value={form.languages} onChange={(e) => setForm({ ...form, languages: e.target.value })} required />
        </label>
        <label>
          {t('mediators.specialities')}
          <input value={form.specialities} onChange={(e) => setForm({ ...form, specialities: e.target.value })} />
        </label>
        <button type="submit">{t('mediators.save')}</button>
        <ErrorText error={error} />
      </form>
    </section>
  );
}
