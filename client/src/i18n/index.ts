import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhCN } from './zh-CN';

export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
] as const;

/** Chosen from the browser on first visit, then remembered (localStorage) once switched. */
export const i18nReady = i18next
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    supportedLngs: ['zh-CN', 'en'],
    fallbackLng: 'en',
    load: 'currentOnly',
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: 'accord.lang',
      caches: ['localStorage'],
      // Any Chinese browser gets Simplified Chinese; everything else English.
      convertDetectedLanguage: (lng: string) => (lng.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'),
    },
    showSupportNotice: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });

// The page's language follows the UI's, from the first render (the detected language included).
const setLang = (lng: string) => {
  document.documentElement.lang = lng.startsWith('zh') ? 'zh-CN' : 'en';
};
setLang(i18next.language);
i18next.on('languageChanged', setLang);

export { i18next };

declare module 'i18next' {
  interface CustomTypeOptions {
    // Keys of t() are checked at compile time against the English file.
    resources: { translation: typeof en };
  }
}
