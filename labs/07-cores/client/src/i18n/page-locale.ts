import { STORAGE_KEY, chooseLocale, type Locale } from './choose.ts';
import { setLocale } from './locale.ts';

/** Shows the page in the language the person chose before, or in their browser's, before the first render. */
export async function startLocale(): Promise<void> {
  await show(chooseLocale(storedLocale(), navigator.languages));
}

/** Shows the page in `locale` from now on, and remembers the choice in this browser. */
export async function useLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage may be off (some private windows): the choice then lasts until the page reloads.
  }
  await show(locale);
}

/** Loads the catalogue and renders the page in `locale`, and tells the browser (`<html lang>`: voices, spelling, hyphens). */
async function show(locale: Locale): Promise<void> {
  await setLocale(locale);
  document.documentElement.lang = locale;
}

function storedLocale(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
