import type { Command } from './protocol.ts';
import { LETTER } from './names.ts';

/** The longest room name, in code points. */
export const MAX_ROOM_NAME_LENGTH = 32;

/**
 * A room name, as an HTML `pattern` attribute wants it: unanchored, for the `v` flag a browser
 * compiles it with (so `-` is escaped, and `\p{L}` means a letter of any alphabet).
 */
export const ROOM_NAME_PATTERN = String.raw`(?=.{1,${MAX_ROOM_NAME_LENGTH}}$)(?:${LETTER}|\p{Nd}|[_\-])+`;

/**
 * A room name: 1-32 letters of any alphabet (with their accents), decimal digits, `_` or `-`,
 * counted in code points. Test it on a name already normalised (`normalizeName` in `names.ts`).
 */
export const ROOM_NAME = new RegExp(`^${ROOM_NAME_PATTERN}$`, 'v');

/** The same rule in words, for error lines and hints. */
export const ROOM_NAME_RULE = `1 to ${MAX_ROOM_NAME_LENGTH} letters (any alphabet), digits, _ or -, with no spaces`;

/** The commands as a person types them, for help and error lines. */
const COMMAND_HELP = '#cR <room>, #gR <room>, #eR, #lR, #dR <room>, #show users, #exit, #\\private <user> <text>';

export type ParsedLine =
  | { kind: 'message' }
  | { kind: 'command'; command: Command }
  | { kind: 'private'; to: string; text: string }
  | { kind: 'error'; code: 'unknown-command' | 'bad-argument'; message: string };

const WITH_ROOM: Record<string, 'create' | 'go' | 'delete'> = { '#cr': 'create', '#gr': 'go', '#dr': 'delete' };
/** `#IR`, with a capital i, is `#lR` too: the two look alike in many fonts, and both spellings get typed. */
const WITHOUT: Record<string, 'leave' | 'list' | 'exit'> = { '#er': 'leave', '#lr': 'list', '#ir': 'list', '#exit': 'exit' };

/**
 * Reads a line typed in the message box. A line that starts with `#` is a command (any case):
 * `#cR <room>`, `#gR <room>`, `#eR`, `#lR`, `#dR <room>`, `#show users`, `#exit`, and
 * `#\private <user> <text>`, which the browser sends peer-to-peer. Anything else is a message.
 */
export function parseLine(line: string): ParsedLine {
  const text = line.trim();
  if (!text.startsWith('#')) return { kind: 'message' };
  const [word = '', ...rest] = text.split(/\s+/);
  const name = word.toLowerCase();
  if (name === '#\\private') {
    const match = /^\S+\s+(\S+)\s+([\s\S]+)$/.exec(text);
    return match ? { kind: 'private', to: match[1]!, text: match[2]! } : badArgument('#\\private needs a user and a text: #\\private <user> <text>');
  }
  if (name === '#show') {
    return rest.length === 1 && rest[0]!.toLowerCase() === 'users' ? { kind: 'command', command: { name: 'users' } } : badArgument('Did you mean #show users?');
  }
  const withRoom = WITH_ROOM[name];
  if (withRoom) {
    return rest.length === 1 ? { kind: 'command', command: { name: withRoom, room: rest[0]! } } : badArgument(`${word} needs one room name: ${word} <room>`);
  }
  const without = WITHOUT[name];
  if (without) return rest.length === 0 ? { kind: 'command', command: { name: without } } : badArgument(`${word} takes no argument.`);
  return { kind: 'error', code: 'unknown-command', message: `Unknown command ${word}. Commands: ${COMMAND_HELP}.` };
}

function badArgument(message: string): ParsedLine {
  return { kind: 'error', code: 'bad-argument', message };
}
