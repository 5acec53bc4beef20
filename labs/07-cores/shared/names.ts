/**
 * Logins and room names in any alphabet: how they are written down (normalised) and compared
 * (their key). Imported by the server, which checks and stores them, and by the browser, which
 * matches a typed login to a person it knows.
 */

/**
 * One letter of any alphabet with its accents (combining marks), as a piece of a pattern compiled
 * with the `v` flag. Invisible characters (`Default_Ignorable_Code_Point`: variation selectors,
 * the Hangul filler…) are not letters here, so `alice` and an `alice` with one of them appended
 * cannot both exist.
 */
export const LETTER = String.raw`[\p{L}--\p{Default_Ignorable_Code_Point}][\p{M}--\p{Default_Ignorable_Code_Point}]*`;

/**
 * A login or room name as it is checked and stored: NFKC folds the ways to write one text into
 * one (`jose` + a combining acute accent becomes `josé`; full-width `ｊｏｓé` becomes `josé`).
 */
export function normalizeName(name: string): string {
  return name.normalize('NFKC');
}

/** The key a login or room name is compared under: `JOSÉ`, `josé` and `jose\u0301` are one name. */
export function nameKey(name: string): string {
  return normalizeName(name).toLowerCase();
}
