import { useTranslation } from 'react-i18next';
import type { DocumentFigures } from '@accord/shared';

const ROWS = ['requested', 'provided', 'declined', 'answeredLate', 'open', 'overdue'] as const;

/** The outcomes dashboard's document requests: made, answered, answered late, open, overdue now. */
export function DocumentFiguresSection({ figures }: { figures: DocumentFigures }) {
  const { t } = useTranslation();
  return (
    <section className="dash-section" data-testid="dashboard-documents">
      <h3>{t('documents.figures.title')}</h3>
      <p className="muted">{t('documents.figures.intro')}</p>
      <dl className="document-figures">
        {ROWS.map((row) => (
          <div
            key={row}
            data-testid={`documents-${row}`}
            className={row === 'overdue' && figures.overdue > 0 ? 'document-overdue-text' : undefined}
          >
            <dt>{t(`documents.figures.${row}`)}</dt>
            <dd className="num">{figures[row]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
