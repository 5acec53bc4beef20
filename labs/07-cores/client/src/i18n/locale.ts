import { configureLocalization } from '@lit/localize';

/** The translations, each loaded when first chosen; English is in the source itself. */
const catalogues = { es: () => import('./es.ts'), pt: () => import('./pt.ts') };

/**
 * `getLocale()` is the language shown now, `setLocale(locale)` shows another: every `@localized()`
 * component renders again once its catalogue is loaded. No DOM here, so node:test can use it too;
 * the page goes through `page-locale.ts`.
 */
export const { getLocale, setLocale } = configureLocalization({
  sourceLocale: 'en',
  targetLocales: ['es', 'pt'],
  loadLocale: (locale) => catalogues[locale as keyof typeof catalogues](),
});
