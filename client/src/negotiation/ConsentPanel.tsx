import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CaseRole, OBJECTION_MAX, OBJECTION_MIN, PARTY_ROLES, type CaseLanguage, type PartyRole } from '@accord/shared';
import { errorMessage } from '../app/errors';
import type { RoomApi } from '../room/useRoom';
import { ProvenanceMark, type Provenance } from '../assistant/provenance';
import { clausesLeft, type ClauseRow } from './consentView';

/**
 * Clause-by-clause consent: every clause of the draft with who proposed it and where each party
 * stands on its current text. A party agrees, or objects with a short reason; everyone else reads.
 */
export function ConsentPanel({
  room,
  rows,
  myRole,
  language,
  provenance,
}: {
  room: RoomApi;
  /** Which clauses came from the assistant's proposal (marked for everyone). */
  provenance?: Provenance | undefined;
  /** The case's language: the clauses' text is written in it, whatever the page's. */
  language: CaseLanguage;
  /** Null while the clauses are being read from the document. */
  rows: ClauseRow[] | null;
  /** My party role when I may consent now (null: I only read). */
  myRole: PartyRole | null;
}) {
  const { t } = useTranslation();
  if (!rows) return <p className="muted">{t('negotiation.loading')}</p>;
  const left = clausesLeft(rows);
  return (
    <div data-testid="consent" className="consent">
      <p className="muted hint">{t('negotiation.consent.intro')}</p>
      <p className={left === 0 ? 'ok' : 'muted'} role="status">
        {left === 0
          ? t('negotiation.consent.allAgreed')
          : t('negotiation.consent.left', { count: left, total: rows.length })}
      </p>
      <ol className="clauses">
        {rows.map((row) => (
          <ClauseItem key={row.id} room={room} row={row} myRole={myRole} language={language} provenance={provenance} />
        ))}
      </ol>
    </div>
  );
}

function ClauseItem({
  room,
  row,
  myRole,
  language,
  provenance,
}: {
  room: RoomApi;
  provenance?: Provenance | undefined;
  row: ClauseRow;
  myRole: PartyRole | null;
  language: CaseLanguage;
}) {
  const { t } = useTranslation();
  const [objecting, setObjecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const n = row.number;
  const mine = myRole ? row.parties[myRole] : null;
  const authorRole = row.author ? knownRole(row.author.role) : null;
  const from = provenance?.get(row.id);

  const send = async (state: 'agreed' | 'objected') => {
    const text = reason.trim();
    if (state === 'objected' && [...text].length < OBJECTION_MIN) {
      setError(t('negotiation.consent.reasonTooShort'));
      return;
    }
    setBusy(true);
    const res = await room.ask('consent:set', {
      clauseId: row.id,
      hash: row.hash,
      state,
      reason: state === 'objected' ? text : '',
    });
    setBusy(false);
    if (!res.ok) {
      // The server's copy moved on (an edit crossed my click): the clause is read again, not retried.
      setError(
        res.error.code === 'CONFLICT'
          ? t('negotiation.consent.stale')
          : t('negotiation.failed', { message: errorMessage(t, res.error) }),
      );
      return;
    }
    setError(null);
    setObjecting(false);
    setReason('');
  };

  const partyLine = (role: PartyRole) => {
    const p = row.parties[role];
    const who = t(`roles.${role}`);
    const text =
      p.state === 'agreed'
        ? t('negotiation.consent.agreed')
        : p.state === 'objected'
          ? t('negotiation.consent.objected', { reason: p.reason })
          : t('negotiation.consent.pending');
    return (
      <li key={role} className={`consent-state consent-${p.state}`} data-testid={`clause-${n}-${role}`}>
        <span className="who">{who}</span> <span>{text}</span>
      </li>
    );
  };

  return (
    <li
      className={row.agreed ? 'clause agreed' : 'clause'}
      data-testid={`clause-${n}`}
      data-clause-id={row.id}
      data-agreed={String(row.agreed)}
      data-customer={row.parties.customer.state}
      data-platform={row.parties.platform.state}
    >
      <div className="clause-head">
        <strong>
          {row.kind === 'terms'
            ? `${t('negotiation.consent.clause', { n })} · ${t('negotiation.consent.termsClause')}`
            : t('negotiation.consent.clause', { n })}
        </strong>
        {row.kind === 'text' && (
          <span className="muted">
            {row.author
              ? t('negotiation.consent.proposedBy', {
                  name: row.author.displayName,
                  role: authorRole ? t(`roles.${authorRole}`) : row.author.role,
                })
              : t('negotiation.consent.proposedByUnknown')}
          </span>
        )}
        {from && <ProvenanceMark provenance={from} n={n} shown={row.excerpt} />}
      </div>
      <p className="clause-excerpt" lang={language}>
        {row.excerpt}
      </p>
      <ul className="consent-states">{PARTY_ROLES.map(partyLine)}</ul>
      {row.reset.length > 0 && (
        <p className="warning clause-reset" role="status" data-testid={`clause-${n}-reset`}>
          {row.reset
            .map(({ role, was }) =>
              role === myRole
                ? t(
                    was === 'agreed'
                      ? 'negotiation.consent.changedSinceYouAgreed'
                      : 'negotiation.consent.changedSinceYouObjected',
                  )
                : t(
                    was === 'agreed'
                      ? 'negotiation.consent.changedSinceAgreed'
                      : 'negotiation.consent.changedSinceObjected',
                    {
                      role: t(`roles.${role}`),
                    },
                  ),
            )
            .join(' ')}
        </p>
      )}
      {myRole && (
        <div className="button-row">
          <button
            type="button"
            data-testid={`clause-${n}-agree`}
            aria-label={t('negotiation.consent.agreeTo', { n })}
            disabled={busy || mine?.state === 'agreed'}
            onClick={() => void send('agreed')}
          >
            {t('negotiation.consent.agree')}
          </button>
          <button
            type="button"
            className="secondary"
            data-testid={`clause-${n}-object`}
            aria-label={t('negotiation.consent.objectTo', { n })}
            disabled={busy}
            aria-expanded={objecting}
            onClick={() => {
              setObjecting((o) => !o);
              setError(null);
            }}
          >
            {t('negotiation.consent.object')}
          </button>
        </div>
      )}
      {myRole && objecting && (
        <div className="objection">
          <label htmlFor={`clause-${n}-reason`}>{t('negotiation.consent.reason')}</label>
          <textarea
            id={`clause-${n}-reason`}
            data-testid={`clause-${n}-reason`}
            rows={2}
            maxLength={OBJECTION_MAX}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="button-row">
            <button
              type="button"
              data-testid={`clause-${n}-object-send`}
              disabled={busy}
              onClick={() => void send('objected')}
            >
              {t('negotiation.consent.send')}
            </button>
            <button type="button" className="secondary" onClick={() => setObjecting(false)}>
              {t('negotiation.consent.cancel')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** A role as stored with an author (a string from the server), or null when it is no role we know. */
export function knownRole(role: string): CaseRole | null {
  const parsed = CaseRole.safeParse(role);
  return parsed.success ? parsed.data : null;
}
