import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatCite } from '@accord/shared';
import type { EvidencePickerProps } from './EvidencePicker';

/** The picker is its own chunk: the room's first paint does not carry it. */
export const LazyEvidencePicker = lazy(() => import('./EvidencePicker'));

export function EvidencePickerSlot(props: EvidencePickerProps) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <p className="muted" role="status">
          {t('cite.loading')}
        </p>
      }
    >
      <LazyEvidencePicker {...props} />
    </Suspense>
  );
}

/**
 * Cited evidence as chips: each opens the item (where the room wires a viewer), or, while composing,
 * removes it from the message.
 */
export function CiteChips({
  cites,
  onOpenEvidence,
  onRemove,
}: {
  cites: readonly ChatCite[];
  onOpenEvidence?: ((evidenceId: string) => void) | undefined;
  onRemove?: ((evidenceId: string) => void) | undefined;
}) {
  const { t } = useTranslation();
  if (cites.length === 0) return null;
  return (
    <ul className="cite-chips" aria-label={t('cite.chosen')} data-testid="cite-chips">
      {cites.map((c) => (
        <li key={c.id} className="cite-chip">
          {onOpenEvidence ? (
            <button
              type="button"
              className="link"
              aria-label={t('cite.open', { name: c.name })}
              onClick={() => onOpenEvidence(c.id)}
            >
              {c.name}
            </button>
          ) : (
            <span>{c.name}</span>
          )}
          {onRemove && (
            <button
              type="button"
              className="cite-remove"
              aria-label={t('cite.remove', { name: c.name })}
              onClick={() => onRemove(c.id)}
            >
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
