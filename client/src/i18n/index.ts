import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';
import type { en } from './en';

export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
] as const;

// Each language is its own chunk, and within it the pages a borrower opens first (the complaint form,
// the tracking page, the invite) need only their own strings: a phone downloads the rest when it opens a
// page that needs it (the room, the record, the staff pages: `loadAllStrings` in App.tsx), and the other
// language only if the user switches to it. i18n/parts.test.ts checks those pages use no other strings.
type Part = 'first' | 'all';
const loaders: Record<Part, Record<string, () => Promise<object>>> = {
  first: {
    en: () => import('./en-public').then((m) => m.enPublic),
    'zh-CN': () => import('./zh-CN-public').then((m) => m.zhCNPublic),
  },
  all: {
    en: () => import('./en').then((m) => m.en),
    'zh-CN': () => import('./zh-CN').then((m) => m.zhCN),
  },
};
let wanted: Part = 'first';
const load = (language: string, part: Part) => (loaders[part][language] ?? loaders[part]['zh-CN']!)();

const strings = resourcesToBackend((language: string) => load(language, wanted));

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
// The language is known once its strings have loaded (the backend is asynchronous), not at once.
const setLang = (lng: string | undefined) => {
  if (lng) document.documentElement.lang = lng.startsWith('zh') ? 'zh-CN' : 'en';
};
i18next.on('languageChanged', setLang);
void i18nReady.then(() => setLang(i18next.resolvedLanguage ?? i18next.language));

/** All strings of the page's language (and of a language switched to later), before a page that needs them. */
export async function loadAllStrings(): Promise<void> {
  if (wanted === 'all') return;
  wanted = 'all';
  await i18nReady;
  const language = i18next.resolvedLanguage ?? i18next.language;
  i18next.addResourceBundle(language, 'translation', await load(language, 'all'), true, true);
}

export { i18next };

declare module 'i18next' {
  interface CustomTypeOptions {
    // Keys of t() are checked at compile time against the English file.
    resources: { translation: typeof en };
  }
}
