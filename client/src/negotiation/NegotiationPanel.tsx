import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import type { CaseLanguage, PartyRole } from '@accord/shared';
import type { RoomApi } from '../room/useRoom';
import type { Provenance } from '../assistant/provenance';
import { ConsentPanel } from './ConsentPanel';
import { consentRows, type HashedClause } from './consentView';
import { OffersPanel } from './OffersPanel';
import { RoundsPanel } from './RoundsPanel';

/**
 * The negotiation beside the agreement: clause-by-clause consent, rounds with their diffs, and blind
 * offers, each a section that folds away (all open at first: on a phone they stack under the
 * agreement, on a desktop they fill the agreement's column).
 */
export function NegotiationPanel({
  room,
  doc,
  clauses,
  caseId,
  caseNumber,
  language,
  timeZone,
  partyRole,
  mayAct,
  isMediator,
  provenance,
}: {
  room: RoomApi;
  doc: Y.Doc | null;
  /** The draft's clauses with their hashes (null while they are read). */
  clauses: HashedClause[] | null;
  caseId: string;
  caseNumber: string;
  language: CaseLanguage;
  timeZone: string;
  /** My party role, if I am a party. */
  partyRole: PartyRole | null;
  /** Whether the negotiation is still open to changes (not frozen for signing, not concluded). */
  mayAct: boolean;
  isMediator: boolean;
  /** Which clauses came from the assistant's proposal. */
  provenance?: Provenance;
}) {
  const { t } = useTranslation();
  const state = room.negotiation;
  const rows = useMemo(
    () => (clauses ? consentRows(clauses, state?.consent ?? [], state?.authors ?? []) : null),
    [clauses, state],
  );
  const actor = mayAct ? partyRole : null;
  return (
    <section className="panel negotiation" aria-labelledby="negotiation-title" data-testid="negotiation">
      <h2 id="negotiation-title">{t('negotiation.title')}</h2>
      {!state && (
        <p className="muted" role="status">
          {room.status === 'connected' ? t('negotiation.loading') : t('negotiation.unavailable')}
        </p>
      )}
      <details open className="negotiation-section">
        <summary>{t('negotiation.consent.title')}</summary>
        <ConsentPanel room={room} rows={rows} myRole={actor} language={language} provenance={provenance} />
      </details>
      {state && (
        <details open className="negotiation-section">
          <summary>{t('negotiation.rounds.title')}</summary>
          <RoundsPanel
            room={room}
            rounds={state.rounds}
            isMediator={isMediator && mayAct}
            doc={doc}
            caseNumber={caseNumber}
            language={language}
            timeZone={timeZone}
          />
        </details>
      )}
      {state && (
        <details open className="negotiation-section">
          <summary>{t('negotiation.offers.title')}</summary>
          <OffersPanel room={room} offers={state.offers} caseId={caseId} myRole={actor} />
        </details>
      )}
    </section>
  );
}
