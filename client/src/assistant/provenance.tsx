import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClauseProvenance } from '@accord/shared';
import { api } from '../app/api';
import { excerpt } from '../negotiation/consentView';

/** Which clauses of the agreement came from the assistant's proposal, by clause id. */
export type Provenance = ReadonlyMap<string, ClauseProvenance>;

/**
 * The agreement's provenance, for everyone in the room: read again whenever `key` changes (a clause
 * added from the proposal reaches the activity feed; the draft's clauses change). Without an answer,
 * no clause is marked.
 */
export function useProvenance(caseId: string, token: string, key: string): Provenance {
  const [provenance, setProvenance] = useState<Provenance>(new Map());
  useEffect(() => {
    let live = true;
    api('GET /api/cases/:caseId/assistant/provenance', { token, params: { caseId } })
      .then((v) => live && setProvenance(new Map(v.clauses.map((c) => [c.clauseId, c]))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [caseId, token, key]);
  return provenance;
}

/** The small mark on a clause that came from the proposal (and, when edited, that the mediator changed it). */
export function ProvenanceMark({
  provenance,
  n,
  shown,
}: {
  provenance: ClauseProvenance;
  n: number;
  /** The clause's excerpt as the list shows it now: an edit in the agreement since is said. */
  shown: string;
}) {
  const { t } = useTranslation();
  const changed = excerpt(provenance.text) !== shown;
  return (
    <span
      className="provenance-mark"
      data-testid={`clause-${n}-provenance`}
      data-action={provenance.action}
      data-changed={String(changed)}
      title={t('assistant.mark.title', { heading: provenance.heading, name: provenance.by })}
    >
      {t('assistant.mark.fromProposal')}
      {provenance.action === 'edited' && <> · {t('assistant.mark.edited')}</>}
      {changed && <> · {t('assistant.mark.changedSince')}</>}
    </span>
  );
}
