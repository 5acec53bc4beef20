/**
 * The log line format, kept by every lab: one entry is always exactly one line. In lab 04 a
 * line names its room (server events, such as the start of a run, have none):
 *
 *     2026-11-22 14:03:07 #lobby <alice> hello there     a message: local time, #room, <sender>, text
 *     2026-11-22 14:03:09 #lobby * bob joined            a notice: local time, #room, *, text
 *     2026-11-22 14:00:00 * server started               a server event: local time, *, text
 *
 * The text is escaped so that nothing a person types can break a line or forge another one:
 * `\` becomes `\\`, newline `\n`, carriage return `\r`, tab `\t`, any other control character
 * `\xHH`, and the invisible characters that reorder or split lines on screen (line and paragraph
 * separators, bidirectional overrides) `\uHHHH`. `parseLine` undoes exactly that.
 */
import type { Entry } from '../../shared/protocol.ts';

/** One line of a log, read back. `from` is the sender's name, or null for an event. */
export interface LogEntry {
  /** Local time, as written: `YYYY-MM-DD hh:mm:ss`. */
  time: string;
  /** The room, or null for a server event. */
  room: string | null;
  from: string | null;
  text: string;
}

const UNSAFE = /[\\\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const ESCAPE = /\\(?:([\\nrt])|x([0-9a-f]{2})|u([0-9a-f]{4}))/g;
const LINE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?:#(\S+) )?(?:<([^<>\s]+)>|(\*)) (.*)$/;

/** Escapes text so that it fits on one line and reads back unchanged. */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, (char) => SHORT[char] ?? hexEscape(char));
}

function hexEscape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Reverses {@link escapeText}. */
export function unescapeText(escaped: string): string {
  return escaped.replace(ESCAPE, (_, short: string | undefined, x: string | undefined, u: string | undefined) => {
    if (short) return short === 'n' ? '\n' : short === 'r' ? '\r' : short === 't' ? '\t' : '\\';
    return String.fromCharCode(parseInt((x ?? u)!, 16));
  });
}

/** `YYYY-MM-DD hh:mm:ss` in the server's local time zone. */
export function formatTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** The line for a room's entry (no newline at the end). */
export function logLine({ time, room, from, text }: Entry): string {
  return `${formatTime(new Date(time))} #${room} ${from === null ? '*' : `<${from}>`} ${escapeText(text)}`;
}

/** The line for an event of the server itself, such as its start. */
export function eventLine(date: Date, text: string): string {
  return `${formatTime(date)} * ${escapeText(text)}`;
}

/** Reads one line back; undefined when it is not a log line. */
export function parseLine(line: string): LogEntry | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, time, room, from, , text] = match;
  return { time: time!, room: room ?? null, from: from ?? null, text: unescapeText(text!) };
}

/** Every entry of a log file's contents, oldest first; lines that do not parse are skipped. */
export function parseLog(contents: string): LogEntry[] {
  return contents
    .split('\n')
    .map(parseLine)
    .filter((entry): entry is LogEntry => entry !== undefined);
}

/**
 * The name of a run's log, from the local time the server started: `chat_YYYYMMDD-hhmmss.log`.
 * A second run started in the same second gets `_2`, a third `_3`, and so on (`suffix`
 * counts from 1), so `ls` lists them in the order they started (up to `_9`); any other suffix,
 * such as a random one, goes after the `_` the same way.
 */
export function logFileName(startedAt: Date, suffix: number | string = 1): string {
  const stamp = formatTime(startedAt).replace(/[-:]/g, '').replace(' ', '-');
  return suffix === 1 ? `chat_${stamp}.log` : `chat_${stamp}_${suffix}.log`;
}
