import type { Entry, GateState, RoomInfo, ServerFrame } from '../../shared/protocol.ts';
import { ERROR, INFO, LOGIN_PROMPT } from '../../shared/text-protocol.ts';
import { escapeText } from '../core/log-format.ts';

/** The commands a terminal can type, for the welcome. */
const COMMANDS = '#cR <room>, #gR <room>, #eR, #lR, #dR <room>, #show users, #exit';

const PRIVATE_OVER_TCP =
  'Private messages go straight from one browser to the other (peer-to-peer), never through the server, ' +
  'so a terminal can neither send nor receive them: use the web page for those.';

/** What a TCP client reads first, before the login prompt. */
export const GREETING = `${INFO}Chat Lab 07. Log in with the account you registered on the chat's web page.\n${LOGIN_PROMPT}`;

/**
 * A server frame as the lines a terminal shows, each ending with `\n`; empty for the frames a
 * terminal has no use for (clock probes, WebRTC signaling). `numbered` starts each entry line
 * with the entry's number, and the `You are in` line with the room's last, for a program that
 * asked with `#resume`.
 */
export function renderFrame(frame: ServerFrame, numbered = false): string {
  return lines(frame, numbered)
    .map((line) => `${line}\n`)
    .join('');
}

function lines(frame: ServerFrame, numbered: boolean): string[] {
  switch (frame.type) {
    case 'welcome': {
      const hello = info(`Hello ${frame.you}! Type a line to talk to your room, or a command: ${COMMANDS}.`);
      return frame.gate && !frame.gate.open ? [hello, gateLine(frame.gate)] : [hello];
    }
    case 'joined': {
      const missed = frame.missed > 0 ? [info(`(${frame.missed} earlier entries are no longer kept.)`)] : [];
      const where = `${numbered ? `${frame.last} ` : ''}${info(`You are in #${frame.room}.`)}`;
      return [where, ...missed, ...frame.entries.map((entry) => entryLine(entry, numbered))];
    }
    case 'entry':
      return [entryLine(frame.entry, numbered)];
    case 'rooms':
      return roomsTable(frame.rooms);
    case 'users':
      return usersTable(frame);
    case 'gate':
      return [gateLine(frame.gate)];
    case 'info':
      return [info(frame.text)];
    case 'error':
      return [`${ERROR}${oneLine(frame.code === 'private-is-p2p' ? PRIVATE_OVER_TCP : frame.message)}`];
    case 'signal':
    case 'time':
      return [];
  }
}

/** `[12:03:07] #lobby <ana> hello`, or `[12:03:09] #lobby * ben joined` for a notice; numbered: `42 [12:03:07] …`. */
export function entryLine({ seq, time, room, from, text }: Entry, numbered = false): string {
  return `${numbered ? `${seq} ` : ''}[${clockTime(time)}] #${room} ${from === null ? '*' : `<${from}>`} ${oneLine(text)}`;
}

/** The last line before the server closes a connection (see `CLOSED_LINE`). */
export function closedLine(code: number, reason: string): string {
  return `${INFO}closed: ${oneLine(reason)} (${code})\n`;
}

/** A line the server says, outside any frame: a prompt's error, the idle question. */
export function infoLine(text: string): string {
  return `${info(text)}\n`;
}

/** A line that refuses what the client sent. */
export function errorLine(text: string): string {
  return `${ERROR}${oneLine(text)}\n`;
}

/** `hh:mm:ss` in the server's local time zone. */
export function clockTime(time: number): string {
  const date = new Date(time);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function info(text: string): string {
  return `${INFO}${oneLine(text)}`;
}

function gateLine({ needed, connected, open }: GateState): string {
  return open
    ? info(`The gate is open: ${needed} people are here, and everyone sees every message from now on.`)
    : info(`The gate is closed: nobody sees a message until ${needed} people are here (${connected} so far).`);
}

function roomsTable(rooms: RoomInfo[]): string[] {
  const rows = rooms.map(({ name, members, creator }) => [name, `${members} ${members === 1 ? 'person' : 'people'}`, creator ? `created by ${creator}` : '']);
  return [info(`Rooms (${rooms.length}):`), ...table(rows)];
}

function usersTable({ users, page, pages, online, total }: Extract<ServerFrame, { type: 'users' }>): string[] {
  const rows = users.map(({ login, firstName, lastName, online, room }) => [login, `${firstName} ${lastName}`, online ? `in #${room}` : 'offline']);
  const count = pages > 1 ? `${users.length} of ${total}, ${online} online first; page ${page + 1} of ${pages}` : `${users.length}`;
  return [info(`People (${count}):`), ...table(rows)];
}

/** Rows as columns padded to their widest cell, indented under the line that names them. */
function table(rows: string[][]): string[] {
  const cells = rows.map((row) => row.map(oneLine));
  const widths = cells[0]?.map((_, column) => Math.max(...cells.map((row) => row[column]!.length))) ?? [];
  return cells.map((row) => info(`  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd()));
}

/**
 * Text on one line that cannot steer a terminal: newlines, escape sequences and other control
 * characters are escaped as in the log (`\n`, `\x1b`), so nobody can forge a line or move
 * another person's cursor. A `\` stays as it is: nothing reads these lines back.
 */
function oneLine(text: string): string {
  return text.split('\\').map(escapeText).join('\\');
}
