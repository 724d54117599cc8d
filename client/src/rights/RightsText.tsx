import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { RightsView } from '@accord/shared';

/** The text as the centre wrote it (content/rights): its title, then each section's paragraphs and points. */
export function RightsText({ view, headingLevel = 1 }: { view: RightsView; headingLevel?: 1 | 2 }) {
  const { t } = useTranslation();
  const id = useId();
  const Title = headingLevel === 1 ? 'h1' : 'h2';
  const Section = headingLevel === 1 ? 'h2' : 'h3';
  return (
    <article className="rights-text" lang={view.language} aria-labelledby={id} data-testid="rights-text">
      <Title id={id} className="rights-title">
        {view.title}
      </Title>
      {view.sections.map((s, i) => (
        <section key={i} className="rights-section">
          <Section>{s.heading}</Section>
          {s.paragraphs.map((p, j) => (
            <p key={j}>{p}</p>
          ))}
          {s.points.length > 0 && (
            <ul>
              {s.points.map((p, j) => (
                <li key={j}>{p}</li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <p className="muted rights-version" data-testid="rights-version">
        {t('rights.versionLine', { version: view.version })}
      </p>
    </article>
  );
}

/** The page's language as a case language: what the text is asked for in. */
export const textLanguage = (lng: string): 'zh-CN' | 'en' => (lng.startsWith('en') ? 'en' : 'zh-CN');
