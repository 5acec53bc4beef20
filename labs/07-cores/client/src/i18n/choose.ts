/** The languages of the page: English, the language of the source, then its translations. */
export const LOCALES = ['en', 'es', 'pt'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language's name in itself, as the switcher shows it. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español', pt: 'Português' };

/** Where the page remembers the person's choice. */
export const STORAGE_KEY = 'chat-lab.locale';

const isLocale = (code: string | null | undefined): code is Locale => LOCALES.includes(code as Locale);

/**
 * The language to show: the one the person chose on this page before (`stored`), else the first
 * of the browser's languages that is one of ours by its prefix (`es-CL` is `es`, `pt-BR` is `pt`),
 * else English. Plain logic, no DOM: tested with node:test.
 */
export function chooseLocale(stored: string | null | undefined, languages: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const language of languages) {
    const prefix = language.toLowerCase().split('-')[0];
    if (isLocale(prefix)) return prefix;
  }
  return 'en';
}
