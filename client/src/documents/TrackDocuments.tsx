import { useTranslation } from 'react-i18next';
import { DocumentRequestsPanel, type DocumentRequestsPanelProps } from './DocumentRequestsPanel';
import { documentsEn, documentsZhCN } from './messages';

/**
 * The customer's tracking page's document requests, loaded as a chunk of their own: the page has only
 * the first part of the strings (client/src/i18n/index.ts), so this chunk brings its own words and
 * adds them to the page's language (once per language, never over what is there).
 */
export default function TrackDocuments(props: DocumentRequestsPanelProps) {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? i18n.language;
  if (!i18n.exists('documents.title', { lng: language })) {
    const words = language === 'en' ? documentsEn : documentsZhCN;
    i18n.addResourceBundle(language, 'translation', { documents: words }, true, false);
  }
  return <DocumentRequestsPanel {...props} />;
}
