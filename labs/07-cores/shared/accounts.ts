/**
 * What an account is: its fields and their limits. Imported by the server, which checks them
 * (`server/core/accounts.ts`), and by the browser, whose register form offers the same choices.
 */

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

/** A login: 3-32 ASCII letters, digits, `_`, `.` or `-`, so no two logins can look alike. */
export const LOGIN_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

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
