/**
 * What an account is: its fields and their limits. Imported by the server, which checks them
 * (`server/core/accounts.ts`), and by the browser, whose register form offers the same choices.
 */
import { LETTER } from './names.ts';

/** The genders a person may choose from; the UI offers exactly these. */
export const GENDERS = ['female', 'male', 'non-binary', 'other', 'prefer not to say'] as const;
export type Gender = (typeof GENDERS)[number];

/** What a person gives to register. */
export interface Registration {
  firstName: string;
  lastName: string;
  login: string;
  password: string;
  age: number;
  gender: Gender;
}

/** What anyone may see of an account: everything but the password hash. */
export interface PublicAccount {
  login: string;
  firstName: string;
  lastName: string;
  age: number;
  gender: Gender;
  /** When it was registered, as an ISO 8601 string. */
  createdAt: string;
}

/** One sentence per failing field, naming the field. */
export type FieldErrors = Partial<Record<keyof Registration, string>>;

/**
 * What is wrong with a field, as a code a page can show in its own language: `too-short` is a
 * password's, `bad-characters` a name's; `login-taken` comes when the login is someone else's.
 */
export type FieldCode = 'required' | 'too-long' | 'too-short' | 'bad-characters' | 'bad-login' | 'login-taken' | 'bad-age' | 'bad-gender';

/** One code per failing field, beside the sentences of {@link FieldErrors}. */
export type FieldCodes = Partial<Record<keyof Registration, FieldCode>>;

/**
 * A login: 3-32 letters of any alphabet (with their accents), decimal digits, `_`, `.` or `-`,
 * counted in code points: one word, with no spaces, invisible characters or emoji. Test it on
 * a login already normalised (`normalizeName` in `names.ts`). Letters of two alphabets can
 * still look alike (a Cyrillic `а` and a Latin `a`): see NOTES.md, "Logins in any alphabet".
 */
export const LOGIN_PATTERN = new RegExp(String.raw`^(?=.{3,32}$)(?:${LETTER}|\p{Nd}|[_.\-])+$`, 'v');

/** The longest first or last name, in UTF-16 code units (what a browser's `maxlength` counts). */
export const MAX_NAME_LENGTH = 64;

/** The shortest password; longer is better, and any character counts. */
export const MIN_PASSWORD_LENGTH = 8;

/** The longest password: a bound on what one login request can make the server hash. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * The youngest age accepted: 13 is the age of digital consent in the US (COPPA) and the lowest
 * that the GDPR lets a country choose; a chat that stores a younger child's name, age and gender
 * needs a parent's consent, which this lab does not collect.
 */
export const MIN_AGE = 13;

/** The oldest age accepted: nobody alive is older, so anything above is a typo (often a birth year). */
export const MAX_AGE = 120;
