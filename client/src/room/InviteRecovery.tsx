import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isSigningRole, type Activity, type InviteView, type RemovedMember } from '@accord/shared';
import { api } from '../app/api';
import { useConfirm } from '../app/ConfirmDialog';
import { ErrorText } from '../app/ErrorText';
import { errorMessage } from '../app/errors';

/**
 * For whoever manages a case's invites (the mediator in the room, an admin on the staff case page):
 * removed participants invited again, lost links reissued, signing PINs reset. A new link is shown
 * once, to copy; a new PIN never here (the party alone gets it). `version` changes when the list may
 * have (the room passes its activity count).
 */
export function InviteRecovery({ caseId, token, version = 0 }: { caseId: string; token: string; version?: number }) {
  const { t } = useTranslation();
  const [removed, setRemoved] = useState<RemovedMember[]>([]);
  const [invites, setInvites] = useState<InviteView[]>([]);
  const [fresh, setFresh] = useState<InviteView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const { confirm, dialog } = useConfirm();

  useEffect(() => {
    const params = { caseId };
    void Promise.all([
      api('GET /api/cases/:caseId/members/removed', { token, params }),
      api('GET /api/cases/:caseId/invites', { token, params }),
    ])
      .then(([r, i]) => {
        setRemoved(r);
        setInvites(i);
      })
      .catch(() => undefined);
  }, [caseId, token, version, reload]);

  const run = async (call: () => Promise<InviteView | void>, done?: string) => {
    try {
      const made = await call();
      if (made) setFresh(made);
      setNotice(done ?? null);
      setError(null);
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  const removedIds = new Set(removed.map((r) => r.userId));
  // The newest link of each participant still in the case (the list is oldest first).
  const latest = [...new Map(invites.filter((i) => !removedIds.has(i.userId)).map((i) => [i.userId, i])).values()];

  if (removed.length === 0 && latest.length === 0 && !fresh) return null;
  return (
    <section className="panel recovery" aria-labelledby="recovery-title" data-testid="invite-recovery">
      <h2 id="recovery-title">{t('recovery.linksTitle')}</h2>
      {fresh && (
        <div className="new-link" role="status" data-testid="new-link">
          <h3>{t('recovery.newLinkTitle', { name: fresh.displayName })}</h3>
          <p>{t('recovery.newLinkHint', { name: fresh.displayName })}</p>
          <CopyField value={fresh.url} />
          <button type="button" onClick={() => setFresh(null)}>
            {t('recovery.done')}
          </button>
        </div>
      )}
      {removed.length > 0 && (
        <>
          <h3>{t('recovery.removedTitle')}</h3>
          <ul>
            {removed.map((r) => (
              <li key={r.userId} data-testid={`removed-${r.role}`}>
                <span className="name">{r.displayName}</span> <span className="badge">{t(`roles.${r.role}`)}</span>{' '}
                <button
                  type="button"
                  data-testid={`reinvite-${r.role}`}
                  onClick={() =>
                    void run(() =>
                      api('POST /api/cases/:caseId/members/:userId/reinvite', {
                        token,
                        params: { caseId, userId: r.userId },
                        body: {},
                      }),
                    )
                  }
                >
                  {t('recovery.reinvite')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <ul>
        {latest.map((i) => {
          const state = i.revokedAt
            ? 'linkRevoked'
            : new Date(i.expiresAt) <= new Date()
              ? 'linkExpired'
              : 'linkActive';
          return (
            <li key={i.id} data-testid={`link-${i.role}`}>
              <span className="name">{i.displayName}</span> <span className="badge">{t(`roles.${i.role}`)}</span>{' '}
              <span className="muted">{t(`recovery.${state}`)}</span>
              <div className="button-row">
                {!i.revokedAt && (
                  <button
                    type="button"
                    data-testid={`reissue-${i.role}`}
                    onClick={() =>
                      void confirm({
                        title: t('recovery.reissueTitle', { name: i.displayName }),
                        body: <p>{t('recovery.reissueBody')}</p>,
                        confirm: t('recovery.reissue'),
                        danger: true,
                      }).then((ok) =>
                        ok
                          ? run(() =>
                              api('POST /api/cases/:caseId/invites/:inviteId/reissue', {
                                token,
                                params: { caseId, inviteId: i.id },
                                body: {},
                              }),
                            )
                          : undefined,
                      )
                    }
                  >
                    {t('recovery.reissue')}
                  </button>
                )}
                {isSigningRole(i.role) && (
                  <button
                    type="button"
                    data-testid={`pin-reset-${i.role}`}
                    onClick={() =>
                      void confirm({
                        title: t('recovery.resetPinTitle', { name: i.displayName }),
                        body: <p>{t('recovery.resetPinBody')}</p>,
                        confirm: t('recovery.resetPin'),
                        danger: true,
                      }).then((ok) =>
                        ok
                          ? run(
                              () =>
                                api('POST /api/cases/:caseId/members/:userId/pin-reset', {
                                  token,
                                  params: { caseId, userId: i.userId },
                                }),
                              t('recovery.pinResetDone', { name: i.displayName }),
                            )
                          : undefined,
                      )
                    }
                  >
                    {t('recovery.resetPin')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {notice && <p role="status">{notice}</p>}
      <ErrorText error={error} />
      {dialog}
    </section>
  );
}

/** A link to copy: selectable text and a button that copies it. */
function CopyField({ value }: { value: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-field">
      <input
        readOnly
        value={value}
        aria-label={t('recovery.copy')}
        onFocus={(e) => e.currentTarget.select()}
        data-testid="new-link-url"
      />
      <button
        type="button"
        onClick={() =>
          void navigator.clipboard
            .writeText(value)
            .then(() => setCopied(true))
            .catch(() => setCopied(false))
        }
      >
        {copied ? t('recovery.copied') : t('recovery.copy')}
      </button>
    </div>
  );
}

/**
 * For a party whose signing PIN was reset: shows the new one once, on asking. Shown while the newest
 * PIN entry about them in the activity feed is the reset (the handover is recorded as `pin.delivered`).
 */
export function NewPinNotice({
  caseId,
  token,
  me,
  activity,
}: {
  caseId: string;
  token: string;
  me: string;
  activity: Activity[];
}) {
  const { t } = useTranslation();
  const [pin, setPin] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const last = activity
    .filter((a) => (a.kind === 'pin.reset' || a.kind === 'pin.delivered') && a.target?.userId === me)
    .at(-1);
  if (!pin && last?.kind !== 'pin.reset') return null;
  return (
    <section className="panel new-pin" role="status" data-testid="new-pin">
      <h2>{t('recovery.newPinTitle')}</h2>
      {pin ? (
        <p data-testid="new-pin-value">{t('recovery.yourPin', { pin })}</p>
      ) : (
        <>
          <p>{t('recovery.newPinBody')}</p>
          <button
            type="button"
            data-testid="show-new-pin"
            onClick={() =>
              void api('POST /api/cases/:caseId/signing-pin', { token, params: { caseId } })
                .then((r) => setPin(r.pin))
                .catch((err: unknown) => setError(errorMessage(t, err)))
            }
          >
            {t('recovery.showPin')}
          </button>
        </>
      )}
      <ErrorText error={error} />
    </section>
  );
}
