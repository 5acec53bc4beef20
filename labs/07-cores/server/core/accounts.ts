/** Checks what a person gives to register (the fields and limits are in shared/accounts.ts), before anything is hashed or stored. */
import {
  GENDERS,
  LOGIN_PATTERN,
  MAX_AGE,
  MAX_NAME_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_AGE,
  MIN_PASSWORD_LENGTH,
  type FieldCode,
  type FieldCodes,
  type FieldErrors,
  type Gender,
  type Registration,
} from '../../shared/accounts.ts';
import { nameKey, normalizeName } from '../../shared/names.ts';

/**
 * Characters a name may not contain: control characters (line breaks, tab, NUL, escape…), the
 * Unicode line and paragraph separators, and the bidirectional controls (such as U+202E) that
 * make a name display as something it is not. HTML is fine: it is shown as text.
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

type Checked<T> = { value: T } | { error: string; code?: FieldCode };
type Field<T> = (value: unknown) => Checked<T>;

/**
 * Checks every field of a registration form (`raw` is the request's JSON) and either returns
 * the registration, names trimmed, or for each field that is wrong one error sentence and one
 * code (for a page to translate). The age may be a number or digits in a string, as an HTML
 * form field holds it.
 */
export function checkRegistration(raw: unknown): { ok: true; registration: Registration } | { ok: false; errors: FieldErrors; codes: FieldCodes } {
  const input: Record<string, unknown> = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const errors: FieldErrors = {};
  const codes: FieldCodes = {};
  const take = <K extends keyof Registration>(key: K, check: Field<Registration[K]>) => {
    const result = check(input[key]);
    if ('error' in result) {
      errors[key] = result.error;
      // Only `login` says no code: a login that is not there is `required`, any other breaks its rule.
      codes[key] = result.code ?? (typeof input[key] === 'string' && input[key] !== '' ? 'bad-login' : 'required');
    }
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
  if (Object.keys(errors).length > 0) return { ok: false, errors, codes };
  return { ok: true, registration: registration as Registration };
}

/** The key a login is stored and compared under: `Alice` and `alice`, `JOSÉ` and `jose\u0301`, are one account. */
export function loginKey(login: string): string {
  return nameKey(login);
}

function name(label: string): Field<string> {
  return (value) => {
    if (typeof value !== 'string' || value.trim() === '') return { error: `${label} is required.`, code: 'required' };
    const text = value.trim();
    if (text.length > MAX_NAME_LENGTH) return { error: `${label} must be at most ${MAX_NAME_LENGTH} characters.`, code: 'too-long' };
    if (FORBIDDEN_IN_NAME.test(text)) return { error: `${label} must not contain line breaks, control characters or direction marks.`, code: 'bad-characters' };
    return { value: text };
  };
}

function login(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value === '') return { error: 'Login is required.' };
  const text = normalizeName(value);
  if (!LOGIN_PATTERN.test(text)) return { error: 'Login must be 3 to 32 letters (any alphabet), digits, _ . or -, with no spaces.' };
  return { value: text };
}

function password(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value === '') return { error: 'Password is required.', code: 'required' };
  if (value.length < MIN_PASSWORD_LENGTH) return { error: `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`, code: 'too-short' };
  if (value.length > MAX_PASSWORD_LENGTH) return { error: `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`, code: 'too-long' };
  return { value };
}

function age(value: unknown): Checked<number> {
  if (value === undefined || value === null || value === '') return { error: 'Age is required.', code: 'required' };
  const years = typeof value === 'string' && /^\s*\d{1,3}\s*$/.test(value) ? Number(value) : value;
  if (typeof years !== 'number' || !Number.isInteger(years) || years < MIN_AGE || years > MAX_AGE) {
    return { error: `Age must be a whole number from ${MIN_AGE} to ${MAX_AGE}.`, code: 'bad-age' };
  }
  return { value: years };
}

function gender(value: unknown): Checked<Gender> {
  if (!GENDERS.includes(value as Gender)) return { error: `Gender must be one of: ${GENDERS.join(', ')}.`, code: 'bad-gender' };
  return { value: value as Gender };
}
