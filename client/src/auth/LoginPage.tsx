import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoginResult } from '@accord/shared';
import { api } from '../app/api';
import { navigate, nextPath } from '../app/router';
import { saveStaffSession } from '../app/session';
import { errorMessage } from '../app/errors';

export function LoginPage() {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [pending, setPending] = useState<LoginResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const result = await api('POST /api/auth/login', { body: { username, password } });
      if (result.mustChangePassword) {
        setPending(result);
        return;
      }
      saveStaffSession({ token: result.token, user: result.user });
      navigate(nextPath(window.location.search));
    } catch (err) {
      // BUSY is the server's, not the user's: say so in their language and that trying again helps.
      setError(errorMessage(t, err));
    }
  };

  const change = async (e: FormEvent) => {
    e.preventDefault();
    if (!pending) return;
    setError(null);
    try {
      await api('POST /api/auth/password', {
        token: pending.token,
        body: { currentPassword: password, newPassword },
      });
      saveStaffSession({ token: pending.token, user: pending.user });
      navigate(nextPath(window.location.search));
    } catch (err) {
      setError(errorMessage(t, err, { newPassword: t('login.newPassword') }));
    }
  };

  return (
    <section className="card narrow">
      <h2>{t('login.title')}</h2>
      {pending === null ? (
        <form onSubmit={(e) => void submit(e)} className="stack">
          <label>
            {t('login.username')}
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
          </label>
          <label>
            {t('login.password')}
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
              required
            />
          </label>
          <button type="submit">{t('login.submit')}</button>
        </form>
      ) : (
        <form onSubmit={(e) => void change(e)} className="stack">
          <p>{t('login.mustChange')}</p>
          <label>
            {t('login.newPassword')}
            <input
              type="password"
              value={newPassword}
              minLength={12}
              onChange={(e) => setNewPassword(e.target.value)}
              autoComplete="new-password"
              required
            />
          </label>
          <button type="submit">{t('login.change')}</button>
        </form>
      )}
      {error && (
        <p role="alert" className="error">
          {t('login.failed', { message: error })}
        </p>
      )}
    </section>
  );
}
