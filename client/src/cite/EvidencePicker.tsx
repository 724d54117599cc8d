import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatCite, EvidenceView } from '@accord/shared';
import { api } from '../app/api';
import { errorMessage } from '../app/errors';
import { DEFAULT_TIME_ZONE, formatDateTime } from '../app/format';

export interface EvidencePickerProps {
  caseId: string;
  token: string;
  /** Which items may be cited where the citation goes (the server checks it again). */
  allowed: (item: EvidenceView) => boolean;
  /** Already chosen: not offered again. */
  exclude: readonly string[];
  timeZone?: string;
  onPick: (cite: ChatCite) => void;
  onClose: () => void;
}

/**
 * The case's evidence as this viewer may see it (`GET /api/cases/:caseId/evidence`, filtered by the
 * server), narrowed to what may be cited where the citation goes: name, who added it and when.
 * Its own chunk: loaded the first time someone cites.
 */
export default function EvidencePicker({
  caseId,
  token,
  allowed,
  exclude,
  timeZone = DEFAULT_TIME_ZONE,
  onPick,
  onClose,
}: EvidencePickerProps) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const [items, setItems] = useState<EvidenceView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api('GET /api/cases/:caseId/evidence', { token, params: { caseId } }).then(
      (list) => live && setItems(list),
      (err: unknown) => live && setError(errorMessage(t, err) || t('cite.failed')),
    );
    return () => {
      live = false;
    };
  }, [caseId, token, t]);

  const offered = (items ?? []).filter((item) => allowed(item) && !exclude.includes(item.id));
  return (
    <div className="cite-picker" role="dialog" aria-labelledby={titleId} data-testid="cite-picker">
      <div className="cite-picker-head">
        <strong id={titleId}>{t('cite.pickerTitle')}</strong>
        <button type="button" className="link" onClick={onClose}>
          {t('cite.close')}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : items === null ? (
        <p className="muted" role="status">
          {t('cite.loading')}
        </p>
      ) : offered.length === 0 ? (
        <p className="muted">{t('cite.none')}</p>
      ) : (
        <ul className="cite-picker-list">
          {offered.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                className="cite-picker-item"
                data-testid="cite-picker-item"
                onClick={() => onPick({ id: item.id, name: item.name, type: item.type })}
              >
                <span className="cite-name">{item.name}</span>
                <span className="muted">
                  {t('cite.addedBy', {
                    who: item.uploadedBy.name ?? t('roles.customer'),
                    when: formatDateTime(item.uploadedAt, i18n.language, timeZone, 'dateTime'),
                  })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
