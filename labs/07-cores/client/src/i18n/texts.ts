import { msg, str } from '@lit/localize';
import { GENDERS, MAX_AGE, MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_AGE, MIN_PASSWORD_LENGTH, type FieldCode, type Gender, type Registration } from '../../../shared/accounts.ts';
import { MAX_ROOM_NAME_LENGTH } from '../../../shared/commands.ts';
import { MAX_MESSAGE_LENGTH, type ErrorCode } from '../../../shared/protocol.ts';
import { getLocale } from './locale.ts';

/**
 * The sentences the page builds from a code or a number, in the language shown now: plain
 * functions that components and controllers call while they render. Plain logic, no DOM.
 */

/**
 * `one` for a count the language says in the singular (`Intl.PluralRules`: 1 in English and
 * Spanish, 1 in Portuguese too, for which the rules also count 0 as one; the page says "0 pessoas"), else `other`.
 */
export function plural(count: number, one: string, other: string): string {
  return count !== 0 && new Intl.PluralRules(getLocale()).select(count) === 'one' ? one : other;
}

/** The commands as a person types them: the same in every language. */
const COMMANDS = '#cR <room>, #gR <room>, #eR, #lR, #dR <room>, #show users, #exit, #\\private <user> <text>';

/** What a room name may be, for hints and errors. */
export const roomNameRule = () => msg(str`1 to ${MAX_ROOM_NAME_LENGTH} letters (any alphabet), digits, _ or -; no spaces`, { id: 'rule.room-name' });

/**
 * A refusal of the server, by its code. The server's own sentence is English and may name a room
 * or a limit: the page shows it as it is in English, a translation of the code in another
 * language, and the server's sentence for a code it does not know. `to` is the peer of a refused signal.
 */
export function errorText(code: string, message: string, to?: string): string {
  if (getLocale() === 'en') return message;
  const texts: Record<ErrorCode, () => string> = {
    'binary-frame': () => msg('The server reads text frames (JSON) only, not binary ones.', { id: 'error.binary-frame' }),
    'not-json': () => msg('The server could not read that frame: it is not JSON.', { id: 'error.not-json' }),
    'unknown-type': () => msg('The server does not know that kind of frame.', { id: 'error.unknown-type' }),
    'bad-message': () => msg(str`That message was not sent: it is empty or longer than ${MAX_MESSAGE_LENGTH} characters.`, { id: 'error.bad-message' }),
    'rate-limited': () => msg('Slow down: that was too much at once. Try again in a moment.', { id: 'error.rate-limited' }),
    'unknown-command': () => msg(str`Unknown command. Commands: ${COMMANDS}.`, { id: 'error.unknown-command' }),
    'bad-argument': () => msg(str`That command was not written right. Commands: ${COMMANDS}.`, { id: 'error.bad-argument' }),
    'bad-room-name': () => msg(str`A room name is ${roomNameRule()}.`, { id: 'error.bad-room-name' }),
    'room-exists': () => msg('There is already a room with that name.', { id: 'error.room-exists' }),
    'too-many-rooms': () => msg('You already have the most rooms one person may create: delete one first (#dR).', { id: 'error.too-many-rooms' }),
    'rooms-full': () => msg('The server has as many rooms as it can hold: join one (#lR lists them) or wait for one to go.', { id: 'error.rooms-full' }),
    'no-such-room': () => msg('There is no room with that name: #lR lists the rooms.', { id: 'error.no-such-room' }),
    'already-there': () => msg('You are already in that room.', { id: 'error.already-there' }),
    'not-creator': () => msg('Only the person who created a room can delete it.', { id: 'error.not-creator' }),
    'private-is-p2p': () => msg('Private messages go straight to the other browser, never through the server: send them from the chat page.', { id: 'error.private-is-p2p' }),
    'bad-signal': () => msg('The server could not read that signal for a direct link.', { id: 'error.bad-signal' }),
    'user-offline': () => (to === undefined ? msg('That person is not online.', { id: 'error.user-offline' }) : msg(str`${to} is not online.`, { id: 'error.user-offline-named' })),
    'peer-busy': () => msg('That person is not keeping up with what they receive: try again in a moment.', { id: 'error.peer-busy' }),
    'terminal-user': () => msg('That person is on a terminal: private messages need both of you in a browser.', { id: 'error.terminal-user' }),
    'line-too-long': () => msg('That line is too long: it was not sent.', { id: 'error.line-too-long' }),
    'not-utf8': () => msg('That line is not UTF-8 text: it was not sent.', { id: 'error.not-utf8' }),
  };
  return Object.hasOwn(texts, code) ? texts[code as ErrorCode]() : message;
}

/** The name of a field of the register form. */
export function fieldName(field: keyof Registration): string {
  const names: Record<keyof Registration, () => string> = {
    firstName: () => msg('First name', { id: 'field.first-name' }),
    lastName: () => msg('Last name', { id: 'field.last-name' }),
    login: () => msg('Login', { id: 'field.login' }),
    password: () => msg('Password', { id: 'field.password' }),
    age: () => msg('Age', { id: 'field.age' }),
    gender: () => msg('Gender', { id: 'field.gender' }),
  };
  return names[field]();
}

/**
 * What is wrong with a field of the register form, by the code the server sent: like
 * {@link errorText}, the server's sentence (`fallback`) in English or for a code it does not know.
 */
export function fieldError(field: keyof Registration, code: FieldCode | undefined, fallback: string): string {
  if (getLocale() === 'en') return fallback;
  const name = fieldName(field);
  switch (code) {
    case 'required':
      return msg(str`${name} is required.`, { id: 'field-error.required' });
    case 'too-long':
      return msg(str`${name} must be at most ${field === 'password' ? MAX_PASSWORD_LENGTH : MAX_NAME_LENGTH} characters.`, { id: 'field-error.too-long' });
    case 'too-short':
      return msg(str`${name} must be at least ${MIN_PASSWORD_LENGTH} characters.`, { id: 'field-error.too-short' });
    case 'bad-characters':
      return msg(str`${name} must not contain line breaks, control characters or direction marks.`, { id: 'field-error.bad-characters' });
    case 'bad-login':
      return msg('Login must be 3 to 32 letters (any alphabet), digits, _ . or -; no spaces.', { id: 'field-error.bad-login' });
    case 'login-taken':
      return msg('That login is taken: choose another.', { id: 'field-error.login-taken' });
    case 'bad-age':
      return msg(str`Age must be a whole number from ${MIN_AGE} to ${MAX_AGE}.`, { id: 'field-error.bad-age' });
    case 'bad-gender':
      return msg('Gender must be one of the choices offered.', { id: 'field-error.bad-gender' });
    default:
      return fallback;
  }
}

/** How the page names each gender; the account stores the code (`GENDERS`). */
export function genderLabel(gender: Gender): string {
  const labels: Record<Gender, () => string> = {
    female: () => msg('female', { id: 'gender.female' }),
    male: () => msg('male', { id: 'gender.male' }),
    'non-binary': () => msg('non-binary', { id: 'gender.non-binary' }),
    other: () => msg('other', { id: 'gender.other' }),
    'prefer not to say': () => msg('prefer not to say', { id: 'gender.prefer-not-to-say' }),
  };
  return labels[gender]();
}

/** Every gender code with its label, in the order of `GENDERS`. */
export const genderChoices = () => GENDERS.map((gender) => ({ gender, label: genderLabel(gender) }));

/**
 * A refusal of the accounts API that is not about one field, by its code: like {@link errorText},
 * the server's sentence in English or for a code the page does not know. `minutes` is the wait of a `too-many`.
 */
export function apiErrorText(code: string | undefined, message: string, minutes = 0): string {
  if (getLocale() === 'en') return message;
  switch (code) {
    case 'wrong-login':
      return msg('Wrong login or password.', { id: 'api-error.wrong-login' });
    case 'too-many':
      return plural(
        minutes,
        msg(str`Too many attempts: try again in ${minutes} minute.`, { id: 'api-error.too-many-one' }),
        msg(str`Too many attempts: try again in ${minutes} minutes.`, { id: 'api-error.too-many-other' }),
      );
    default:
      return message;
  }
}
