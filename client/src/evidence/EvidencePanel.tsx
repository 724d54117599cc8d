import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseRole, EvidenceShareBody, EvidenceView, PartySide } from '@accord/shared';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { errorMessage } from '../app/errors';
import { ErrorText } from '../app/ErrorText';
import { DEFAULT_TIME_ZONE, formatDateTime, formatSize } from '../app/format';
import { postForm } from '../app/upload';
import type { RoomApi } from '../room/useRoom';
import { EvidenceViewer } from './EvidenceViewer';
import { onOpenEvidence } from './open';
import { useEvidence } from './useEvidence';
import { FileInput } from '../app/FileInput';

/** Who adds evidence from the room: the parties and the mediator. */
const ADDERS: ReadonlySet<CaseRole> = new Set<CaseRole>(['customer', 'platform', 'mediator']);
const ROLE_WORDS = new Set(['customer', 'platform', 'mediator', 'staff', 'admin']);

type Sharing = 'both' | PartySide;
const sharingOf = (e: EvidenceView): Sharing => (e.shownTo === 'both' ? 'both' : (e.caucusSide ?? 'both'));
const sideOfRole = (role: CaseRole | undefined): PartySide | null =>
  role === 'customer' ? 'customer' : role === 'platform' ? 'lender' : null;

export interface EvidencePanelProps {
  room: RoomApi;
  caseId: string;
  token: string;
  me: string;
  role: CaseRole | null;
}

/**
 * The room's evidence: every item this person may see (the server leaves out what was shown in caucus
 * to the other side), who added it and when, opened in the page; the parties and the mediator add
 * files (during a caucus, optionally for that caucus only); the mediator decides who sees each item.
 * Items can be opened by id from elsewhere in the room (`openEvidence` in ./open).
 */
export function EvidencePanel({ room, caseId, token, me, role }: EvidencePanelProps) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const { items, error, reload } = useEvidence(caseId, token, room.attach);
  const [openId, setOpenId] = useState<string | null>(null);
  const [wanted, setWanted] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();
  const timeZone = room.welcome?.timeZone ?? DEFAULT_TIME_ZONE;
  const isMediator = role === 'mediator';

  // Asked for by id (a citation): opened once the list holds it; an item this person may not see never opens.
  useEffect(() => onOpenEvidence(setWanted), []);
  // Set while rendering (React's way to follow derived state).
  if (wanted !== null && items?.some((e) => e.id === wanted)) {
    setOpenId(wanted);
    setWanted(null);
  }
  const open = items?.find((e) => e.id === openId) ?? null;

  const caucus = room.state?.caucus ?? null;
  const caucusSide =
    caucus && (isMediator || caucus.userId === me)
      ? sideOfRole(room.participants.find((p) => p.userId === caucus.userId)?.role)
      : null;

  const who = (e: EvidenceView) => {
    const roleWords = t(
      `evidence.roles.${ROLE_WORDS.has(e.uploadedBy.role) ? e.uploadedBy.role : 'other'}` as 'evidence.roles.other',
    );
    return e.uploadedBy.name ? t('evidence.byNamed', { role: roleWords, name: e.uploadedBy.name }) : roleWords;
  };

  return (
    <section className="panel evidence-panel" aria-labelledby={titleId} data-testid="evidence-panel">
      <h2 id={titleId}>{t('evidence.title')}</h2>
      <p className="muted">{t('evidence.intro')}</p>
      {items === null && error === null && <p role="status">{t('evidence.loading')}</p>}
      <ErrorText error={error === null ? null : errorMessage(t, error)} />
      {items?.length === 0 && <p className="muted">{t('evidence.none')}</p>}
      {items && items.length > 0 && (
        <ul className="evidence-list">
          {items.map((e) => (
            <li key={e.id} className="evidence-item" data-testid="evidence-item" data-evidence-id={e.id}>
              <div className="evidence-main">
                <button
                  type="button"
                  className="link-button evidence-name"
                  aria-label={t('evidence.openNamed', { name: e.name })}
                  onClick={() => setOpenId(e.id)}
                >
                  {e.name}
                </button>
                <span className="muted evidence-meta">
                  {t(e.type === 'application/pdf' ? 'evidence.kinds.pdf' : 'evidence.kinds.image')} ·{' '}
                  {formatSize(e.size, i18n.language)}
                </span>
                <span className="muted evidence-meta">
                  {t('evidence.addedBy', { who: who(e), when: formatDateTime(e.uploadedAt, i18n.language, timeZone) })}
                </span>
                {e.shownTo === 'caucus' && e.caucusSide && (
                  <span className="evidence-badge" data-testid="evidence-caucus-badge">
                    {t(`evidence.caucusBadge.${e.caucusSide}`)}
                  </span>
                )}
              </div>
              {isMediator && (
                <SharingControl caseId={caseId} token={token} item={e} confirm={confirm} onChanged={reload} />
              )}
            </li>
          ))}
        </ul>
      )}
      {role !== null && ADDERS.has(role) && (
        <UploadForm caseId={caseId} token={token} caucusSide={caucusSide} confirm={confirm} onAdded={reload} />
      )}
      {open && <EvidenceViewer caseId={caseId} token={token} item={open} onClose={() => setOpenId(null)} />}
      {dialog}
    </section>
  );
}

type Confirm = ReturnType<typeof useConfirm>['confirm'];

/** The mediator's choice of who sees an item; showing it to more people is confirmed (it cannot be unseen). */
function SharingControl({
  caseId,
  token,
  item,
  confirm,
  onChanged,
}: {
  caseId: string;
  token: string;
  item: EvidenceView;
  confirm: Confirm;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const current = sharingOf(item);
  const [choice, setChoice] = useState<Sharing>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The server's sharing changed (another tab, a reload): the choice follows it (set while rendering).
  const [shown, setShown] = useState<Sharing>(current);
  if (shown !== current) {
    setShown(current);
    setChoice(current);
  }

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (choice === current) return;
    // Both, or the other side: someone who could not see it will. A narrowing needs no question.
    const widens = choice === 'both' || current !== 'both';
    if (widens) {
      const body =
        choice === 'both'
          ? t('evidence.sharing.confirmBoth', { name: item.name })
          : t('evidence.sharing.confirmSide', { name: item.name, side: t(`evidence.sharing.sides.${choice}`) });
      const ok = await confirm({
        title: t('evidence.sharing.confirmTitle'),
        body,
        confirm: t('evidence.sharing.confirm'),
      });
      if (!ok) return;
    }
    const next: EvidenceShareBody = choice === 'both' ? { shownTo: 'both' } : { shownTo: 'caucus', side: choice };
    setBusy(true);
    try {
      await api('PUT /api/cases/:caseId/evidence/:evidenceId/sharing', {
        token,
        params: { caseId, evidenceId: item.id },
        body: next,
      });
      setError(null);
      onChanged();
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="evidence-sharing" onSubmit={(e) => void apply(e)}>
      <select
        aria-label={t('evidence.sharing.label', { name: item.name })}
        data-testid="evidence-sharing"
        value={choice}
        onChange={(e) => setChoice(e.target.value as Sharing)}
      >
        <option value="both">{t('evidence.sharing.both')}</option>
        <option value="customer">{t('evidence.sharing.customer')}</option>
        <option value="lender">{t('evidence.sharing.lender')}</option>
      </select>
      <button type="submit" className="secondary" disabled={busy || choice === current}>
        {t('evidence.sharing.apply')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}

/** Adds files to the case's evidence (for good: confirmed), shown to both or, during a caucus, in it only. */
function UploadForm({
  caseId,
  token,
  caucusSide,
  confirm,
  onAdded,
}: {
  caseId: string;
  token: string;
  /** The side of the caucus this person is in now (the mediator, or that caucus's party); null outside one. */
  caucusSide: PartySide | null;
  confirm: Confirm;
  onAdded: () => void;
}) {
  const { t } = useTranslation();
  const inputId = useId();
  const [files, setFiles] = useState<File[]>([]);
  const [onlyCaucus, setOnlyCaucus] = useState(false);
  const [inputKey, setInputKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const caucus = onlyCaucus && caucusSide !== null ? caucusSide : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (files.length === 0) return setError(t('evidence.errors.upload'));
    const body = (
      <>
        <p>{t('evidence.upload.confirmBody', { count: files.length })}</p>
        <p>{caucus ? t('evidence.upload.confirmCaucus') : t('evidence.upload.confirmBoth')}</p>
      </>
    );
    if (!(await confirm({ title: t('evidence.upload.confirmTitle'), body, confirm: t('evidence.upload.submit') })))
      return;
    setBusy(true);
    try {
      const form = new FormData();
      if (caucus) form.append('caucus', caucus);
      for (const f of files) form.append('evidence', f, f.name);
      const added = await postForm('POST /api/cases/:caseId/evidence', form, { token, params: { caseId } });
      setFiles([]);
      setInputKey((n) => n + 1);
      setError(null);
      setDone(t('evidence.upload.added', { count: added.length }));
      onAdded();
    } catch (err) {
      setDone(null);
      setError(
        errorMessage(t, err, { evidence: t('evidence.upload.choose'), caucus: t('evidence.upload.onlyCaucus') }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="evidence-upload" onSubmit={(e) => void submit(e)}>
      <h3>{t('evidence.upload.label')}</h3>
      <label htmlFor={inputId}>{t('evidence.upload.choose')}</label>
      <FileInput
        key={inputKey}
        id={inputId}
        multiple
        accept="application/pdf,image/jpeg,image/png"
        data-testid="evidence-file"
        onChange={(e) => setFiles([...(e.target.files ?? [])])}
      />
      <p className="muted">{t('evidence.upload.hint')}</p>
      {caucusSide !== null && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={onlyCaucus}
            data-testid="evidence-only-caucus"
            onChange={(e) => setOnlyCaucus(e.target.checked)}
          />
          {t('evidence.upload.onlyCaucus')}
        </label>
      )}
      <button type="submit" disabled={busy} data-testid="evidence-upload">
        {busy ? t('evidence.upload.busy') : t('evidence.upload.submit')}
      </button>
      <ErrorText error={error} />
      {done && <p role="status">{done}</p>}
    </form>
  );
}
