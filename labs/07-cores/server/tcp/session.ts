import type { Socket } from 'node:net';
import { ROOM_NAME, parseLine } from '../../shared/commands.ts';
import { BYE, IDLE, NOT_LOGGED_IN, sendFrame, type Parsed } from '../../shared/protocol.ts';
import { LOGIN_PROMPT, MAX_LINE_BYTES, PASSWORD_PROMPT, RESUME, STILL_THERE } from '../../shared/text-protocol.ts';
import type { LogInResult } from '../accounts/log-in.ts';
import type { Resume } from '../core/chat.ts';
import type { Hub } from '../realtime/hub.ts';
import { TcpConnection } from './connection.ts';
import { LineFramer, type Framed } from './framer.ts';
import { GREETING, closedLine, errorLine, infoLine } from './render.ts';

export interface SessionOptions {
  hub: Hub;
  /** Checks a login and password (see `accounts/log-in.ts`); `address` is the client's. */
  logIn: (login: string, password: string, address: string) => Promise<LogInResult>;
  /** With nothing received or sent for this long, the server asks "Still there?"; as long again without an answer, it closes. */
  idleMs: number;
  /** A connection on which nobody has logged in after this long (of silence) is closed. */
  loginMs: number;
}

/** Wrong passwords in a row before the connection is closed. */
export const MAX_ATTEMPTS = 3;

type Refusal = Extract<Parsed, { ok: false }>;

const TOO_LONG: Refusal = { ok: false, code: 'line-too-long', message: `That line is longer than ${MAX_LINE_BYTES} bytes: it was not sent.` };
const NOT_UTF8: Refusal = { ok: false, code: 'not-utf8', message: 'That line is not UTF-8 text: it was not sent. Set your terminal to UTF-8.' };
const SEQ = /^\d{1,9}$/;

/**
 * One TCP connection, from its first byte to its close. Its bytes are cut into lines
 * ({@link LineFramer}); the first lines log in (a login, then its password, as the prompts ask);
 * after that, each line goes to the hub as what the web page's message box would send: a message
 * to the room, or a `#` command.
 */
export class TcpSession {
  #state: 'login' | 'password' | 'checking' | 'chat' = 'login';
  readonly #framer = new LineFramer();
  /** Lines read but not handled yet: those that arrive while a password is checked wait here. */
  #lines: Framed[] = [];
  #login = '';
  #attempts = 0;
  #resume: Resume = {};
  #numbered = false;
  #client: TcpConnection | undefined;
  /** "Still there?" was asked, and no line has come since. */
  #asked = false;
  /** The client has sent all it will (its end of the stream is closed). */
  #doneSending = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: SessionOptions,
  ) {
    socket.setTimeout(options.loginMs);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('end', () => this.#endOfInput());
    socket.on('timeout', () => this.#idle());
    socket.on('error', ignore); // a reset, or a peer that vanished: 'close' follows
    socket.on('close', () => this.#closed());
    socket.write(GREETING);
  }

  #read(chunk: Buffer): void {
    this.#lines.push(...this.#framer.push(chunk));
    this.#next();
  }

  /** Handles the lines that wait, in order, until one needs a password checked. */
  #next(): void {
    while (this.#state !== 'checking' && this.#lines.length > 0 && this.socket.writable) {
      const framed = this.#lines.shift()!;
      this.#asked = false;
      if (this.#client) this.#chat(this.#client, framed);
      else if (framed.kind !== 'line') this.#prompt(errorLine((framed.kind === 'too-long' ? TOO_LONG : NOT_UTF8).message));
      else if (this.#state === 'login') this.#takeLogin(framed.text.trim());
      else void this.#checkPassword(framed.text);
    }
    if (this.#doneSending && this.#lines.length === 0 && this.#state !== 'checking' && this.socket.writable) this.#bye();
  }

  /**
   * The client closed its end of the stream (`nc -N` does at the end of its input): it sends no
   * more, but can still read. The lines before are answered, then the server closes its end too.
   */
  #endOfInput(): void {
    this.#doneSending = true;
    this.#next();
  }

  #bye(): void {
    if (this.#client) this.options.hub.bye(this.#client);
    else this.#end(BYE, 'bye');
  }

  #chat(client: TcpConnection, framed: Framed): void {
    const { hub } = this.options;
    if (framed.kind === 'too-long') return hub.receive(client, TOO_LONG);
    if (framed.kind === 'not-utf8') return hub.receive(client, NOT_UTF8);
    if (framed.text.trim() === '') return; // an answer to "Still there?", or Enter pressed twice
    const line = parseLine(framed.text);
    if (line.kind === 'command' && line.command.name === 'list') client.askedForRooms();
    hub.receive(client, sendFrame(framed.text));
  }

  #takeLogin(text: string): void {
    const [word = ''] = text.split(/\s+/);
    if (text === '') return this.#prompt();
    if (word.toLowerCase() === '#exit') return this.#bye();
    if (word.toLowerCase() === RESUME) return this.#takeResume(text);
    if (word.startsWith('#')) return this.#prompt(errorLine('Log in first: type your login, then your password.'));
    this.#login = text;
    this.#state = 'password';
    this.socket.write(PASSWORD_PROMPT);
  }

  /** `#resume` alone, or `#resume <room> <after>`: see `RESUME` in `text-protocol.ts`. */
  #takeResume(text: string): void {
    const [, room, after, ...rest] = text.split(/\s+/);
    if (room === undefined) {
      this.#numbered = true;
      return this.#prompt(infoLine('Entry lines will start with their number.'));
    }
    if (!ROOM_NAME.test(room) || after === undefined || !SEQ.test(after) || rest.length > 0) {
      return this.#prompt(errorLine(`${RESUME} takes a room and the number of the last entry you saw: ${RESUME} <room> <after>.`));
    }
    this.#numbered = true;
    this.#resume = { room, after: Number(after) };
    this.#prompt(infoLine(`You will be back in #${room} after entry ${after}; entry lines will start with their number.`));
  }

  /** Checks the password while the socket is paused: lines typed meanwhile wait in the kernel, then here. */
  async #checkPassword(password: string): Promise<void> {
    this.#state = 'checking';
    this.socket.pause();
    let result: LogInResult;
    try {
      result = await this.options.logIn(this.#login, password, this.socket.remoteAddress ?? 'unknown');
    } catch {
      return this.#end(1011, 'the server could not check the password');
    }
    this.socket.resume();
    if (!this.socket.writable) return;
    const wait = result.ok ? this.options.hub.mayConnect(result.account.login) : 0;
    if (wait > 0) {
      this.socket.write(errorLine(`Too many connections: try again in ${wait} s.`));
      return this.#end(NOT_LOGGED_IN, 'too many connections');
    }
    if (result.ok) {
      this.#state = 'chat';
      this.socket.setTimeout(this.options.idleMs);
      this.#client = new TcpConnection(this.socket, result.account.login, this.#numbered, this.options.hub.flusher);
      this.options.hub.join(this.#client, this.#resume);
    } else if (result.status === 429 || ++this.#attempts >= MAX_ATTEMPTS) {
      this.socket.write(errorLine(result.error));
      return this.#end(NOT_LOGGED_IN, result.status === 429 ? 'too many failed attempts' : `${MAX_ATTEMPTS} wrong passwords`);
    } else {
      this.#state = 'login';
      this.#prompt(errorLine(result.error));
    }
    this.#next();
  }

  /** Writes `before` (lines that end with `\n`), then asks for the login again. */
  #prompt(before = ''): void {
    this.#state = 'login';
    this.socket.write(before + LOGIN_PROMPT);
  }

  /** Ends a connection nobody has logged in on yet. */
  #end(code: number, reason: string): void {
    this.socket.end(closedLine(code, reason));
  }

  /**
   * Nothing came or went for `idleMs` (`loginMs` before anyone logged in). A half-open connection
   * (the other end's laptop went to sleep, its cable was pulled) looks exactly like a quiet one:
   * only sending something can tell.
   */
  #idle(): void {
    const { socket } = this;
    if (socket.writableEnded) return void socket.destroy(); // closing, and its last line was not even read
    if (!this.#client) {
      socket.write('\n'); // after the prompt
      return this.#end(IDLE, `nobody logged in for ${seconds(this.options.loginMs)}`);
    }
    if (this.#asked) return this.#client.close(IDLE, `no answer for ${seconds(this.options.idleMs)}`);
    this.#asked = true;
    this.#client.write(`${STILL_THERE}\n`);
  }

  #closed(): void {
    if (this.#client) this.options.hub.leave(this.#client);
  }
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${ms / 1000} second${ms === 1000 ? '' : 's'}`;
}

function ignore(): void {}
