import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  HARDSHIP_DESCRIPTION_MAX,
  HARDSHIP_DESCRIPTION_MIN,
  HARDSHIP_PROOFS_MAX,
  HARDSHIP_KINDS,
  type HardshipKind,
  dateText,
  pathOf,
  type HardshipView,
} from '@accord/shared';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';
import { DEFAULT_TIME_ZONE, formatDateTime, formatSize } from '../app/format';
import { downloadWithToken, postForm } from '../app/upload';
import { FileInput } from '../app/FileInput';

export interface HardshipPanelProps {
  caseId: string;
  token: string;
  /** The case's customer, while the case is open: they declare, or change the declaration. */
  canDeclare: boolean;
  /** Read the declaration again when this changes (a hardship entry in the room's feed, a watch event). */
  version?: number;
  timeZone?: string;
  /** After the customer saved a declaration (its new proof files are now among the case's evidence). */
  onSaved?: () => void;
}

/**
 * The customer's hardship: the declaration as the case's people see it (`hardship-view`), and for the
 * customer the form to declare or change it, with proof files uploaded to the case's evidence first.
 */
export function HardshipPanel({
  caseId,
  token,
  canDeclare,
  version = 0,
  timeZone = DEFAULT_TIME_ZONE,
  onSaved,
}: HardshipPanelProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const [view, setView] = useState<HardshipView | null | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api('GET /api/cases/:caseId/hardship', { token, params: { caseId } })
      .then((v) => {
        if (!live) return;
        setView(v);
        setLoadError(null);
      })
      .catch((err: unknown) => live && setLoadError(errorMessage(t, err)));
    return () => {
      live = false;
    };
  }, [caseId, token, version, t]);

  // Still loading; or, for anyone but the customer, nothing declared (or nothing they may read): no panel.
  if (view === undefined && loadError === null) return null;
  if (!canDeclare && !view) return null;

  return (
    <section className="panel hardship" aria-labelledby={titleId} data-testid="hardship">
      <h2 id={titleId}>{t('hardship.title')}</h2>
      <ErrorText error={loadError} />
      {view ? (
        <HardshipDeclaration view={view} caseId={caseId} token={token} timeZone={timeZone} />
      ) : (
        view === null && <p className="muted">{t('hardship.intro')}</p>
      )}
      {canDeclare && !editing && view !== undefined && (
        <button type="button" data-testid="hardship-declare" onClick={() => setEditing(true)}>
          {view ? t('hardship.change') : t('hardship.declare')}
        </button>
      )}
      {canDeclare && editing && view !== undefined && (
        <HardshipForm
          caseId={caseId}
          token={token}
          current={view}
          onDone={(saved) => {
            if (saved) {
              setView(saved);
              onSaved?.();
            }
            setEditing(false);
          }}
        />
      )}
    </section>
  );
}

function HardshipDeclaration({
  view,
  caseId,
  token,
  timeZone,
}: {
  view: HardshipView;
  caseId: string;
  token: string;
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const lang = i18n.language.startsWith('zh') ? 'zh-CN' : 'en';
  return (
    <div className="stack" data-testid="hardship-view" data-kind={view.kind}>
      <p>
        <strong>{t(`hardship.kinds.${view.kind}`)}</strong>
        {view.since && <> · {t('hardship.sinceShown', { date: dateText(view.since, lang) })}</>}
      </p>
      <p className="hardship-description">{view.description}</p>
      <div>
        <h3>{t('hardship.proofs')}</h3>
        <ul>
          {view.proofs.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="link"
                onClick={() =>
                  void downloadWithToken(
                    pathOf('GET /api/cases/:caseId/evidence/:evidenceId', { caseId, evidenceId: p.id }),
                    token,
                    p.name,
                  ).catch((err: unknown) => setError(errorMessage(t, err)))
                }
              >
                {p.name}
              </button>{' '}
              <span className="muted">{formatSize(p.size, i18n.language)}</span>
            </li>
          ))}
        </ul>
      </div>
      <p className="muted">
        {t('hardship.declaredBy', {
          name: view.declaredBy.displayName || t('roles.customer'),
          at: formatDateTime(view.declaredAt, i18n.language, timeZone),
        })}
        {view.updatedAt !== view.declaredAt &&
          ` · ${t('hardship.updated', { at: formatDateTime(view.updatedAt, i18n.language, timeZone) })}`}
      </p>
      <ErrorText error={error} />
    </div>
  );
}

function HardshipForm({
  caseId,
  token,
  current,
  onDone,
}: {
  caseId: string;
  token: string;
  current: HardshipView | null;
  onDone: (saved: HardshipView | null) => void;
}) {
  const { t } = useTranslation();
  const { confirm, dialog } = useConfirm();
  const [kind, setKind] = useState<HardshipKind>(current?.kind ?? 'job_loss');
  const [since, setSince] = useState(current?.since ?? '');
  const [description, setDescription] = useState(current?.description ?? '');
  const [kept, setKept] = useState<string[]>(current?.proofs.map((p) => p.id) ?? []);
  const [files, setFiles] = useState<File[]>([]);
  // A new key empties the file input once its files are uploaded.
  const [fileInput, setFileInput] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const today = new Date().toISOString().slice(0, 10);
  const fields = {
    kind: t('hardship.kind'),
    since: t('hardship.since'),
    description: t('hardship.description'),
    evidenceIds: t('hardship.files'),
    evidence: t('hardship.files'),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (kept.length + files.length === 0) return setError(t('hardship.needProof'));
    if (kept.length + files.length > HARDSHIP_PROOFS_MAX)
      return setError(t('hardship.tooManyProofs', { max: HARDSHIP_PROOFS_MAX }));
    // Uploaded files stay in the case's evidence for good, whatever becomes of the declaration.
    if (
      files.length > 0 &&
      !(await confirm({
        title: t('hardship.confirmTitle'),
        body: t('hardship.confirmBody', { count: files.length }),
        confirm: t('hardship.submit'),
      }))
    )
      return;
    setBusy(true);
    try {
      let added: string[] = [];
      if (files.length > 0) {
        const form = new FormData();
        for (const f of files) form.append('evidence', f, f.name);
        added = (await postForm('POST /api/cases/:caseId/evidence', form, { token, params: { caseId } })).map(
          (ev) => ev.id,
        );
        // Named from now on whatever happens next: a retry does not upload them again.
        setKept((k) => [...k, ...added]);
        setFiles([]);
        setFileInput((n) => n + 1);
      }
      const saved = await api('PUT /api/cases/:caseId/hardship', {
        token,
        params: { caseId },
        body: { kind, since: since === '' ? null : since, description, evidenceIds: [...kept, ...added] },
      });
      setError(null);
      onDone(saved);
    } catch (err) {
      setError(errorMessage(t, err, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack hardship-form" onSubmit={(e) => void submit(e)}>
      <label>
        {t('hardship.kind')}
        <select
          data-testid="hardship-kind"
          value={kind} // The options are HARDSHIP_KINDS, so the value is one of them.
          onChange={(e) => setKind(e.target.value as HardshipKind)}
        >
          {HARDSHIP_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`hardship.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('hardship.since')}
        <input
          data-testid="hardship-since"
          type="date"
          value={since}
          max={today}
          onChange={(e) => setSince(e.target.value)}
        />
      </label>
      <label>
        {t('hardship.description')}
        <textarea
          data-testid="hardship-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          required
          minLength={HARDSHIP_DESCRIPTION_MIN}
          maxLength={HARDSHIP_DESCRIPTION_MAX}
          rows={4}
        />
        <span className="muted">
          {t('hardship.descriptionHint', { min: HARDSHIP_DESCRIPTION_MIN, max: HARDSHIP_DESCRIPTION_MAX })}
        </span>
      </label>
      {current && current.proofs.length > 0 && (
        <fieldset className="settings">
          <legend>{t('hardship.keep')}</legend>
          {current.proofs.map((p) => (
            <label key={p.id} className="field-check">
              <input
                type="checkbox"
                checked={kept.includes(p.id)}
                onChange={(e) => setKept((k) => (e.target.checked ? [...k, p.id] : k.filter((id) => id !== p.id)))}
              />{' '}
              {p.name}
            </label>
          ))}
        </fieldset>
      )}
      <label>
        {t('hardship.files')}
        <FileInput
          key={fileInput}
          data-testid="hardship-files"
          multiple
          accept="application/pdf,image/jpeg,image/png"
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
      </label>
      <div className="button-row">
        <button type="submit" data-testid="hardship-submit" disabled={busy}>
          {busy ? t('hardship.saving') : t('hardship.submit')}
        </button>
        <button type="button" className="link" onClick={() => onDone(null)} disabled={busy}>
          {t('hardship.cancel')}
        </button>
      </div>
      <ErrorText error={error} testId="hardship-error" />
      {dialog}
    </form>
  );
}
