import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';
import type { en } from './en';

export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
] as const;

// Each language is its own chunk: a phone downloads the strings of the language it shows, and the other
// only if the user switches to it.
const strings = resourcesToBackend((language: string) =>
  language === 'en' ? import('./en').then((m) => m.en) : import('./zh-CN').then((m) => m.zhCN),
);

/** Chosen from the browser on first visit, then remembered (localStorage) once switched. */
export const i18nReady = i18next
  .use(LanguageDetector)
  .use(strings)
  .use(initReactI18next)
  .init({
    supportedLngs: ['zh-CN', 'en'],
    // No fallback: zh-CN has every key (its type says so), and a fallback would download English too.
    fallbackLng: false,
    load: 'currentOnly',
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: 'accord.lang',
      caches: ['localStorage'],
      // Any Chinese browser gets Simplified Chinese; everything else English.
      convertDetectedLanguage: (lng: string) => (lng.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'),
    },
    // The page renders once its language is loaded (main.tsx awaits this), so no key is shown bare.
    partialBundledLanguages: false,
    react: { useSuspense: false },
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
