// Typed translation keys: t('home.title') is checked against ko.json, the reference language.
import 'i18next';
import type ko from './ko.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof ko };
  }
}
