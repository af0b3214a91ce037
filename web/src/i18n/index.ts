// Korean first, English on request. The choice is kept in localStorage and mirrored in <html lang>.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import ko from './ko.json';

export const LANGUAGES = ['ko', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'datadam.lang';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The language the visitor chose earlier, or Korean. */
export function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : 'ko';
  } catch {
    // Storage can be disabled (private mode, policies): Korean it is.
    return 'ko';
  }
}

/** Switches the interface language and remembers the choice. */
export async function setLanguage(lang: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, but still switched for this visit.
  }
  await i18n.changeLanguage(lang);
}

/** The current interface language. */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'ko';
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

await i18n.use(initReactI18next).init({
  resources: { ko: { translation: ko }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'ko',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false }, // React escapes.
  initAsync: false,
  showSupportNotice: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
