import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pathOf, type EvidenceView } from '@accord/shared';
import { api } from '../app/api';
import { downloadWithToken } from '../app/upload';
import { formatSize } from '../app/format';

/** A case's evidence; each download goes through the server, which checks and records it. */
export function EvidenceList({
  caseId,
  token,
  version = 0,
}: {
  caseId: string;
  token: string;
  /** Read again when it changes: an upload here, or a step of the case (documents the lender provided). */
  version?: number | string;
}) {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<EvidenceView[] | null>(null);
  useEffect(() => {
    api('GET /api/cases/:caseId/evidence', { token, params: { caseId } })
      .then(setItems)
      .catch(() => setItems([]));
  }, [caseId, token, version]);
  if (items === null) return null;
  return (
    <section className="panel evidence" aria-labelledby={`evidence-${caseId}`}>
      <h2 id={`evidence-${caseId}`}>{t('evidence.title')}</h2>
      {items.length === 0 ? (
        <p className="muted">{t('evidence.none')}</p>
      ) : (
        <ul data-testid="evidence-list">
          {items.map((e) => (
            <li key={e.id}>
              <button
                type="button"
                className="link"
                onClick={() =>
                  void downloadWithToken(
                    pathOf('GET /api/cases/:caseId/evidence/:evidenceId', { caseId, evidenceId: e.id }),
                    token,
                    e.name,
                  )
                }
              >
                {e.name}
              </button>{' '}
              <span className="muted">
                {formatSize(e.size, i18n.language)} ·{' '}
                {t(
                  `roles.${(['customer', 'platform', 'mediator', 'admin'].includes(e.uploadedBy.role) ? e.uploadedBy.role : 'platform') as 'customer'}`,
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
