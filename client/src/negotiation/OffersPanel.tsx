import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PARTY_ROLES, formatCents, type NegotiationState, type PartyRole } from '@accord/shared';
import { useConfirm } from '../app/ConfirmDialog';
import { errorMessage } from '../app/errors';
import type { RoomApi } from '../room/useRoom';
import { offerProgress, parseOffer, recallOffer, rememberOffer } from './offers';

/**
 * Blind offers: each party privately enters a figure (the customer the least it would accept, the
 * lender's representative the most it would pay or refund); the server says only whether they meet.
 * Everyone sees who has submitted and each round's result; a party's own amount is shown on its own
 * device only (this tab's session), and the mediator and observers see the status alone.
 */
export function OffersPanel({
  room,
  offers,
  caseId,
  myRole,
}: {
  room: RoomApi;
  offers: NegotiationState['offers'];
  caseId: string;
  /** My party role when I may make an offer now (null: I only see the status). */
  myRole: PartyRole | null;
}) {
  const { t } = useTranslation();
  const { confirm, dialog } = useConfirm();
  const [raw, setRaw] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Bumped after a submission so that the amount just kept in the session is read again.
  const [, setKept] = useState(0);
  const progress = offerProgress(offers);
  const { open, settled, left, done } = progress;
  const shown = open ?? done.at(-1) ?? null;
  const money = (cents: number) => formatCents(cents);

  if (offers.limit === 0) return <p className="muted">{t('negotiation.offers.off')}</p>;

  /** My own offer for a round, as this tab kept it (none on another device, none for the mediator). */
  const ownOffer = (round: number) => recallOffer(caseId, room.me, round);
  const mineNow = open && myRole ? ownOffer(open.round) : null;
  const submittedNow = open && myRole ? open.submitted[myRole] : false;

  const submit = async () => {
    if (!open) return;
    const amount = parseOffer(raw);
    if (!amount.ok) {
      setError(t('negotiation.offers.invalidAmount'));
      return;
    }
    const ok = await confirm({
      title: t('negotiation.offers.confirmTitle', { amount: money(amount.cents), round: open.round }),
      body: <p>{t('negotiation.offers.confirmBody')}</p>,
      confirm: t('negotiation.offers.confirmOk'),
    });
    if (!ok) return;
    setBusy(true);
    const res = await room.ask('offer:submit', { amountCents: amount.cents });
    setBusy(false);
    if (!res.ok) {
      setError(t('negotiation.failed', { message: errorMessage(t, res.error) }));
      return;
    }
    rememberOffer(caseId, room.me, res.data.round, amount.cents);
    setKept((k) => k + 1);
    setRaw('');
    setError(null);
  };

  return (
    <div className="offers" data-testid="offer-panel">
      {dialog}
      <p className="muted hint">
        {myRole === 'customer'
          ? t('negotiation.offers.introCustomer')
          : myRole === 'platform'
            ? t('negotiation.offers.introPlatform')
            : t('negotiation.offers.introOther')}
      </p>
      {shown && (
        <div
          className="offer-status"
          data-testid="offer-status"
          data-round={String(shown.round)}
          data-customer-submitted={String(shown.submitted.customer)}
          data-platform-submitted={String(shown.submitted.platform)}
        >
          <strong>{t('negotiation.offers.status', { round: shown.round, limit: offers.limit })}</strong>
          <ul>
            {PARTY_ROLES.map((r) => (
              <li key={r}>
                {shown.submitted[r]
                  ? t('negotiation.offers.submitted', { role: t(`roles.${r}`) })
                  : t('negotiation.offers.notSubmitted', { role: t(`roles.${r}`) })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {mineNow !== null && (
        <p className="offer-mine" data-testid="offer-mine">
          {t('negotiation.offers.mine', { amount: money(mineNow) })}
        </p>
      )}
      {open && myRole && !submittedNow && (
        <div className="offer-form">
          <label htmlFor="offer-amount">
            {myRole === 'customer' ? t('negotiation.offers.amountCustomer') : t('negotiation.offers.amountPlatform')}
          </label>
          <div className="offer-row">
            <input
              id="offer-amount"
              data-testid="offer-amount"
              inputMode="decimal"
              autoComplete="off"
              value={raw}
              aria-invalid={error !== null}
              onChange={(e) => setRaw(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void submit();
              }}
            />
            <button
              type="button"
              data-testid="offer-submit"
              disabled={busy || raw.trim() === ''}
              onClick={() => void submit()}
            >
              {t('negotiation.offers.submit')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {done.length > 0 && (
        <ul className="offer-results">
          {done.map((r) => (
            <li key={r.round} data-testid={`offer-result-${r.round}`} data-overlap={String(r.result?.overlap ?? false)}>
              {r.result?.overlap
                ? t('negotiation.offers.overlap', { round: r.round, amount: money(r.result.midpointCents ?? 0) })
                : t('negotiation.offers.noOverlap', { round: r.round })}
              {myRole && ownOffer(r.round) !== null && (
                <span className="muted">
                  {' '}
                  {t('negotiation.offers.yours', { amount: money(ownOffer(r.round) ?? 0) })}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {settled ? (
        <p className="ok">{t('negotiation.offers.settled')}</p>
      ) : done.length > 0 && left > 0 ? (
        <p className="muted">{t('negotiation.offers.roundsLeft', { left, limit: offers.limit })}</p>
      ) : left === 0 ? (
        <p className="muted">{t('negotiation.offers.noneLeft')}</p>
      ) : null}
    </div>
  );
}
