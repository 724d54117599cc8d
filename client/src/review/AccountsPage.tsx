import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { StaffRole, type AccountView, type LenderView, type OneTimePasswordResult } from '@accord/shared';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { staffSession } from '../app/session';
import { LenderPlanPolicies } from './LenderPlanPolicies';

interface AccountForm {
  displayName: string;
  staffRole: StaffRole;
  lenderId: string;
}

const EMPTY: AccountForm & { username: string } = {
  username: '',
  displayName: '',
  staffRole: 'mediator',
  lenderId: '',
};

/** The role and lender fields of the create and edit forms: a lender only for lender staff. */
function RoleFields({
  form,
  lenders,
  onChange,
  idPrefix,
}: {
  form: AccountForm;
  lenders: LenderView[];
  onChange: (f: AccountForm) => void;
  idPrefix: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('accounts.role')}
        <select
          data-testid={`${idPrefix}-role`}
          value={form.staffRole}
          onChange={(e) => onChange({ ...form, staffRole: StaffRole.parse(e.target.value) })}
        >
          {StaffRole.options.map((r) => (
            <option key={r} value={r}>
              {t(`accounts.roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      {form.staffRole === 'platform' && (
        <label>
          {t('accounts.lender')}
          <select
            data-testid={`${idPrefix}-lender`}
            value={form.lenderId}
            onChange={(e) => onChange({ ...form, lenderId: e.target.value })}
            required
          >
            <option value="">{t('accounts.lenderChoose')}</option>
            {lenders.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

/** A generated password, shown once, with a copy button. */
function OneTimePassword({ result, onDone }: { result: OneTimePasswordResult; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="card notice" role="status" data-testid="one-time">
      <h3>{t('accounts.oneTimeTitle', { username: result.account.username })}</h3>
      <p>{t('accounts.oneTimeBody')}</p>
      <p>
        <code data-testid="one-time-password">{result.password}</code>{' '}
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(result.password)
              .then(() => setCopied(true))
              .catch(() => undefined);
          }}
        >
          {copied ? t('accounts.copied') : t('accounts.copy')}
        </button>
      </p>
      <button type="button" onClick={onDone}>
        {t('accounts.done')}
      </button>
    </div>
  );
}

/** The lenders: add one, rename one. */
function Lenders({ token, lenders, reload }: { token: string; lenders: LenderView[]; reload: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      reload();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('POST /api/lenders', { token, body: { name } });
      setName('');
    });
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (!renaming) return;
    void run(async () => {
      await api('PUT /api/lenders/:lenderId', {
        token,
        params: { lenderId: renaming.id },
        body: { name: renaming.name },
      });
      setRenaming(null);
    });
  };
  return (
    <section className="card" data-testid="lenders">
      <h2>{t('accounts.lenders')}</h2>
      {lenders.length === 0 && <p>{t('accounts.noLenders')}</p>}
      <ul>
        {lenders.map((l) =>
          renaming?.id === l.id ? (
            <li key={l.id}>
              <form className="button-row" onSubmit={rename}>
                <label>
                  {t('accounts.lenderName')}
                  <input
                    value={renaming.name}
                    onChange={(e) => setRenaming({ id: l.id, name: e.target.value })}
                    required
                    minLength={2}
                  />
                </label>
                <button type="submit">{t('accounts.save')}</button>
                <button type="button" className="link" onClick={() => setRenaming(null)}>
                  {t('accounts.cancel')}
                </button>
              </form>
            </li>
          ) : (
            <li key={l.id}>
              {l.name}{' '}
              <button type="button" className="link" onClick={() => setRenaming({ id: l.id, name: l.name })}>
                {t('accounts.rename')}
              </button>
            </li>
          ),
        )}
      </ul>
      <form className="button-row" onSubmit={add}>
        <label>
          {t('accounts.lenderName')}
          <input
            data-testid="lender-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            minLength={2}
          />
        </label>
        <button type="submit">{t('accounts.addLender')}</button>
      </form>
      <ErrorText error={error} />
    </section>
  );
}

/** An admin's staff accounts: create, edit, deactivate or reactivate, reset a password; and the lenders. */
export function AccountsPage() {
  const { t } = useTranslation();
  const token = staffSession()?.token ?? '';
  const me = staffSession()?.user.id;
  const [accounts, setAccounts] = useState<AccountView[]>([]);
  const [lenders, setLenders] = useState<LenderView[]>([]);
  const [create, setCreate] = useState(EMPTY);
  const [editing, setEditing] = useState<(AccountForm & { id: string }) | null>(null);
  const [oneTime, setOneTime] = useState<OneTimePasswordResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();

  const load = useCallback(() => {
    void api('GET /api/admin/accounts', { token })
      .then(setAccounts)
      .catch((err: unknown) => setError(errorMessage(t, err)));
    void api('GET /api/lenders', {})
      .then(setLenders)
      .catch((err: unknown) => setError(errorMessage(t, err)));
  }, [token, t]);
  useEffect(load, [load]);

  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      load();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  const lenderOf = (f: AccountForm) => (f.staffRole === 'platform' ? f.lenderId : null);
  const lenderName = (id: string | null) => lenders.find((l) => l.id === id)?.name ?? t('accounts.noLender');

  const submitCreate = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = { ...create, lenderId: lenderOf(create) };
      setOneTime(await api('POST /api/admin/accounts', { token, body }));
      setCreate(EMPTY);
    });
  };
  const submitEdit = (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const { id, ...form } = editing;
    void run(async () => {
      await api('PUT /api/admin/accounts/:userId', {
        token,
        params: { userId: id },
        body: { ...form, lenderId: lenderOf(form) },
      });
      setEditing(null);
    });
  };
  const setActive = async (a: AccountView, active: boolean) => {
    if (
      !active &&
      !(await confirm({
        title: t('accounts.deactivate'),
        body: t('accounts.confirmDeactivate', { name: a.displayName }),
        confirm: t('accounts.deactivate'),
        danger: true,
      }))
    )
      return;
    await run(() =>
      api('POST /api/admin/accounts/:userId/status', { token, params: { userId: a.id }, body: { active } }),
    );
  };
  const reset = async (a: AccountView) => {
    const ok = await confirm({
      title: t('accounts.resetPassword'),
      body: t('accounts.confirmReset', { name: a.displayName }),
      confirm: t('accounts.resetPassword'),
      danger: true,
    });
    if (ok)
      await run(async () =>
        setOneTime(await api('POST /api/admin/accounts/:userId/password', { token, params: { userId: a.id } })),
      );
  };

  return (
    <>
      <section className="card" data-testid="accounts">
        <h2>{t('accounts.title')}</h2>
        {oneTime && <OneTimePassword result={oneTime} onDone={() => setOneTime(null)} />}
        <ErrorText error={error} />
        <table className="queue-table">
          <thead>
            <tr>
              <th scope="col">{t('accounts.name')}</th>
              <th scope="col">{t('accounts.username')}</th>
              <th scope="col">{t('accounts.role')}</th>
              <th scope="col">{t('accounts.lender')}</th>
              <th scope="col">{t('accounts.status')}</th>
              <th scope="col">{t('accounts.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) =>
              editing?.id === a.id ? (
                <tr key={a.id} data-testid={`account-${a.username}`}>
                  <td colSpan={6}>
                    <form className="button-row" onSubmit={submitEdit}>
                      <label>
                        {t('accounts.name')}
                        <input
                          value={editing.displayName}
                          onChange={(e) => setEditing({ ...editing, displayName: e.target.value })}
                          required
                        />
                      </label>
                      <RoleFields
                        form={editing}
                        lenders={lenders}
                        idPrefix="edit"
                        onChange={(f) => setEditing({ ...editing, ...f })}
                      />
                      <button type="submit">{t('accounts.save')}</button>
                      <button type="button" className="link" onClick={() => setEditing(null)}>
                        {t('accounts.cancel')}
                      </button>
                    </form>
                  </td>
                </tr>
              ) : (
                <tr key={a.id} data-testid={`account-${a.username}`}>
                  <td>{a.displayName}</td>
                  <td>{a.username}</td>
                  <td>{t(`accounts.roles.${a.staffRole}`)}</td>
                  <td>{a.staffRole === 'platform' ? lenderName(a.lenderId) : t('accounts.noLender')}</td>
                  <td>
                    {a.active ? t('accounts.active') : t('accounts.inactive')}
                    {a.active && a.mustChangePassword && <small> · {t('accounts.mustChange')}</small>}
                  </td>
                  <td className="button-row">
                    <button
                      type="button"
                      onClick={() =>
                        setEditing({
                          id: a.id,
                          displayName: a.displayName,
                          staffRole: a.staffRole,
                          lenderId: a.lenderId ?? '',
                        })
                      }
                    >
                      {t('accounts.edit')}
                    </button>
                    {a.id !== me && (
                      <button type="button" onClick={() => void setActive(a, !a.active)}>
                        {a.active ? t('accounts.deactivate') : t('accounts.reactivate')}
                      </button>
                    )}
                    <button type="button" onClick={() => void reset(a)}>
                      {t('accounts.resetPassword')}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        <h3>{t('accounts.create')}</h3>
        <form className="stack narrow-form" onSubmit={submitCreate} data-testid="create-account">
          <label>
            {t('accounts.username')}
            <input
              data-testid="create-username"
              value={create.username}
              onChange={(e) => setCreate({ ...create, username: e.target.value.toLowerCase() })}
              pattern="[a-z0-9._\-]{3,64}"
              required
            />
          </label>
          <label>
            {t('accounts.name')}
            <input
              data-testid="create-name"
              value={create.displayName}
              onChange={(e) => setCreate({ ...create, displayName: e.target.value })}
              required
            />
          </label>
          <RoleFields
            form={create}
            lenders={lenders}
            idPrefix="create"
            onChange={(f) => setCreate({ ...create, ...f })}
          />
          <button type="submit">{t('accounts.createSubmit')}</button>
        </form>
      </section>
      <Lenders token={token} lenders={lenders} reload={load} />
      <LenderPlanPolicies token={token} version={lenders} />
      {dialog}
    </>
  );
}
