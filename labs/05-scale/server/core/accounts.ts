/** What a person must give to register, checked before anything is hashed or stored. */

/** The genders a person may choose from; the UI offers exactly these. */
export const GENDERS = ['female', 'male', 'non-binary', 'other', 'prefer not to say'] as const;
export type Gender = (typeof GENDERS)[number];

export interface Registration {
  firstName: string;
  lastName: string;
  login: string;
  password: string;
  age: number;
  gender: Gender;
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

/**
 * Characters a name may not contain: control characters (line breaks, tab, NUL, escape…), the
 * Unicode line and paragraph separators, and the bidirectional controls (such as U+202E) that
 * make a name display as something it is not. HTML is fine: it is shown as text.
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

type Checked<T> = { value: T } | { error: string };
type Field<T> = (value: unknown) => Checked<T>;

/**
 * Checks every field of a registration form (`raw` is the request's JSON) and either returns
 * the registration, names trimmed, or one error sentence for each field that is wrong. The age
 * may be a number or digits in a string, as an HTML form field holds it.
 */
export function checkRegistration(raw: unknown): { ok: true; registration: Registration } | { ok: false; errors: FieldErrors } {
  const input: Record<string, unknown> = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const errors: FieldErrors = {};
  const take = <K extends keyof Registration>(key: K, check: Field<Registration[K]>) => {
    const result = check(input[key]);
    if ('error' in result) errors[key] = result.error;
    return 'value' in result ? result.value : undefined;
  };
  const registration = {
    firstName: take('firstName', name('First name')),
    lastName: take('lastName', name('Last name')),
    login: take('login', login),
    password: take('password', password),
    age: take('age', age),
    gender: take('gender', gender),
  };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, registration: registration as Registration };
}

/** The key a login is stored and compared under: `Alice` and `alice` are the same account. */
export function loginKey(login: string): string {
  return login.toLowerCase();
}

function name(label: string): Field<string> {
  return (value) => {
    if (typeof value !== 'string' || value.trim() === '') return { error: `${label} is required.` };
    const text = value.trim();
    if (text.length > MAX_NAME_LENGTH) return { error: `${label} must be at most ${MAX_NAME_LENGTH} characters.` };
    if (FORBIDDEN_IN_NAME.test(text)) return { error: `${label} must not contain line breaks, control characters or direction marks.` };
    return { value: text };
  };
}

function login(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value === '') return { error: 'Login is required.' };
  if (!LOGIN_PATTERN.test(value)) return { error: 'Login must be 3 to 32 letters, digits, _ . or -.' };
  return { value };
}

function password(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value === '') return { error: 'Password is required.' };
  if (value.length < MIN_PASSWORD_LENGTH) return { error: `Password must be at least ${MIN_PASSWORD_LENGTH} characters.` };
  if (value.length > MAX_PASSWORD_LENGTH) return { error: `Password must be at most ${MAX_PASSWORD_LENGTH} characters.` };
  return { value };
}

function age(value: unknown): Checked<number> {
  if (value === undefined || value === null || value === '') return { error: 'Age is required.' };
  const years = typeof value === 'string' && /^\s*\d{1,3}\s*$/.test(value) ? Number(value) : value;
  if (typeof years !== 'number' || !Number.isInteger(years) || years < MIN_AGE || years > MAX_AGE) {
    return { error: `Age must be a whole number from ${MIN_AGE} to ${MAX_AGE}.` };
  }
  return { value: years };
}

function gender(value: unknown): Checked<Gender> {
  if (!GENDERS.includes(value as Gender)) return { error: `Gender must be one of: ${GENDERS.join(', ')}.` };
  return { value: value as Gender };
}
