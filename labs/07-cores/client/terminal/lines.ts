import { CLOSED_LINE, ENTRY_LINE, ERROR, INFO, JOINED_LINE, LOGIN_PROMPT, PASSWORD_PROMPT, STILL_THERE, WELCOME_LINE } from '../../shared/text-protocol.ts';

/** A line from the server, read. */
export type ServerLine =
  | { kind: 'entry'; seq: number | undefined; time: string; room: string; from: string | null; text: string }
  | { kind: 'welcome'; text: string }
  | { kind: 'joined'; room: string; last: number | undefined }
  | { kind: 'closed'; reason: string; code: number }
  | { kind: 'still-there' }
  | { kind: 'error'; text: string }
  | { kind: 'info'; text: string };

const PROMPTS = [LOGIN_PROMPT, PASSWORD_PROMPT];

/**
 * Reads a line the server sent. The prompts it writes while logging in have no newline, and this
 * client answers them before they arrive, so they come glued to the front of the next line.
 */
export function readServerLine(raw: string): ServerLine {
  let line = raw;
  for (let prompt = PROMPTS.find((p) => line.startsWith(p)); prompt; prompt = PROMPTS.find((p) => line.startsWith(p))) {
    line = line.slice(prompt.length);
  }
  const entry = ENTRY_LINE.exec(line);
  if (entry) {
    const [, seq, time, room, from, text] = entry;
    return { kind: 'entry', seq: seq === undefined ? undefined : Number(seq), time: time!, room: room!, from: from ?? null, text: text! };
  }
  if (WELCOME_LINE.test(line)) return { kind: 'welcome', text: line.slice(INFO.length) };
  const joined = JOINED_LINE.exec(line);
  if (joined) return { kind: 'joined', room: joined[2]!, last: joined[1] === undefined ? undefined : Number(joined[1]) };
  const closed = CLOSED_LINE.exec(line);
  if (closed) return { kind: 'closed', reason: closed[1]!, code: Number(closed[2]) };
  if (line === STILL_THERE) return { kind: 'still-there' };
  if (line.startsWith(ERROR)) return { kind: 'error', text: line.slice(ERROR.length) };
  return { kind: 'info', text: line.startsWith(INFO) ? line.slice(INFO.length) : line };
}

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const CYAN = '\x1b[36m';
/** Sender colours: bright red, green, yellow, blue, magenta, cyan. */
const SENDERS = [91, 92, 93, 94, 95, 96].map((code) => `\x1b[${code}m`);

/** The same login always gets the same colour (any case), so a conversation is easy to follow. */
export function senderColour(login: string): string {
  let hash = 0;
  for (const char of login.toLowerCase()) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return SENDERS[hash % SENDERS.length]!;
}

/**
 * A line as this client shows it: entries without their number, senders in colour, notices dim,
 * errors red, the server's words cyan; no colour at all when `colours` is false.
 */
export function display(line: ServerLine, colours: boolean): string {
  const paint = (colour: string, text: string) => (colours ? `${colour}${text}${RESET}` : text);
  switch (line.kind) {
    case 'entry': {
      const where = `[${line.time}] #${line.room}`;
      return line.from === null ? paint(DIM, `${where} * ${line.text}`) : `${paint(DIM, where)} ${paint(senderColour(line.from), `<${line.from}>`)} ${line.text}`;
    }
    case 'joined':
      return paint(CYAN, `*** You are in #${line.room}.`);
    case 'closed':
      return paint(CYAN, `*** The server closed the connection: ${line.reason}.`);
    case 'still-there':
      return '';
    case 'error':
      return paint(RED, `!!! ${line.text}`);
    case 'welcome':
    case 'info':
      return paint(CYAN, `*** ${line.text}`);
  }
}

/**
 * Whether to colour: only a terminal shows colours (a file or a pipe would keep the escape codes),
 * and never when `NO_COLOR` is set to anything (https://no-color.org).
 */
export function useColours(output: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return output.isTTY === true && !env.NO_COLOR;
}

/** `host`, `host:port` or `[v6]:port` from the command line; the port defaults to 3001, the lab's TCP port. */
export function parseTarget(arg: string | undefined): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(arg ?? '127.0.0.1');
  const port = Number(match?.[3] ?? '3001');
  if (!match || port < 1 || port > 65535) throw new Error(`Give the server as host or host:port, e.g. 192.168.1.20:3001, not "${arg}".`);
  return { host: match[1] ?? match[2]!, port };
}
