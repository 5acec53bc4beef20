/**
 * The lab 06 TCP protocol: lines of UTF-8 text, each ending with `\n`, so that `nc` (or `telnet`)
 * is a full client. The server writes these lines (`server/tcp/render.ts`); the terminal client
 * reads them (`client/terminal/`). PROTOCOL.md shows a whole session.
 *
 * From the client, every line after logging in is what the web page's message box would send: a
 * message to your room, or a `#` command. From the server:
 *
 *     [12:03:07] #lobby <ana> hello       an entry of your room: a message
 *     [12:03:09] #lobby * ben joined      an entry of your room: a notice
 *     *** You are in #lobby.              the server: welcome, rooms, answers, tables
 *     !!! There is no room called x.      your line was refused; nothing changed
 */

/** The longest line the server reads, in bytes, not counting its `\n`: a message of 2000 characters fits (3 bytes at most each). */
export const MAX_LINE_BYTES = 8 * 1024;

/** Written, with no newline, when the server waits for a login. */
export const LOGIN_PROMPT = 'login: ';

/** Written, with no newline, when the server waits for the password. */
export const PASSWORD_PROMPT = 'password: ';

/** The start of every line in which the server speaks. */
export const INFO = '*** ';

/** The start of every line that refuses what the client sent. */
export const ERROR = '!!! ';

/**
 * Sent instead of a login, before it, by a program that keeps track of what it has seen:
 * `#resume` alone, or `#resume <room> <after>` to land back in `room` with its entries after
 * number `after`. Either way, the server then starts each entry line with its number.
 */
export const RESUME = '#resume';

/** `#resume games 17`: the line that resumes in `room` after entry `after`; `#resume` alone for a first connection. */
export function resumeLine(where?: { room: string; after: number }): string {
  return where ? `${RESUME} ${where.room} ${where.after}` : RESUME;
}

/**
 * An entry line: its number (only after `#resume`), the time (server time), the room, then
 * `<login>` and the message, or `*` and a notice. The text is escaped as in the log, so that it
 * stays on one line and cannot move a terminal's cursor: a newline arrives as `\n`.
 */
export const ENTRY_LINE = /^(?:(\d+) )?\[(\d\d:\d\d:\d\d)\] #(\S+) (?:<([^<>\s]+)>|\*) (.*)$/;

/** The first line after logging in: `*** Hello ana! Type a line…`. */
export const WELCOME_LINE = /^\*\*\* Hello (\S+)! /;

/**
 * The line that says which room you are in now: `*** You are in #games.`; the room's entries
 * follow. After `#resume`, it starts with the number of the room's last entry: `17 *** You are…`.
 */
export const JOINED_LINE = /^(?:(\d+) )?\*\*\* You are in #(\S+)\.$/;

/** The last line before the server closes the connection: `*** closed: bye (1000)`, with a close status from `protocol.ts`. */
export const CLOSED_LINE = /^\*\*\* closed: (.*) \((\d+)\)$/;

/** The server's question after a quiet spell: any line answers it, an empty one too. */
export const STILL_THERE = '*** Still there? Press Enter (an empty line will do), or this connection closes.';
