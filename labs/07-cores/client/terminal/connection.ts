import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { BYE, LOGGED_OUT, NOT_LOGGED_IN, REPLACED } from '../../shared/protocol.ts';
import { resumeLine } from '../../shared/text-protocol.ts';
import { reconnectDelay } from '../src/lib/backoff.ts';
import { readServerLine, type ServerLine } from './lines.ts';

/** Close statuses that mean "do not come back": the person left, was replaced, logged out, or could not log in. */
const FINAL = [BYE, REPLACED, LOGGED_OUT, NOT_LOGGED_IN];

/** Lines typed while not connected, kept to send once logged in again. */
const MAX_QUEUED = 100;

export interface Credentials {
  login: string;
  password: string;
}

interface ChatEvents {
  /** A line from the server to show. */
  line: [line: ServerLine];
  /** A word from this client itself: reconnecting, a line not sent. */
  status: [text: string];
  /** The room the person is in now. */
  room: [room: string];
  /** The end: 0 when the person left, 1 when the chat could not go on (no server, wrong password). */
  end: [exitCode: number];
}

/**
 * The terminal's connection to the chat. It logs in by answering the prompts before they
 * arrive, with `#resume` first so that entry lines come numbered; it keeps the room it is in and
 * the number of the last entry it saw there. When the connection is lost (not closed on purpose),
 * it connects again after a growing, random delay and resumes after that entry: nothing missed,
 * nothing twice.
 */
export class TerminalChat extends EventEmitter<ChatEvents> {
  #socket: Socket | undefined;
  /** Logged in on the current connection. */
  #inside = false;
  #everInside = false;
  #room: string | undefined;
  #last = 0;
  #attempt = 0;
  #leaving = false;
  #closedWith: number | undefined;
  /** The server refused the login. */
  #refused = false;
  #queued: string[] = [];
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly credentials: Credentials,
    private readonly delay: (attempt: number) => number = reconnectDelay,
  ) {
    super();
  }

  /** Connects and logs in. */
  start(): void {
    const { host, port } = this.target;
    const socket = (this.#socket = connect(port, host));
    this.#inside = false;
    this.#closedWith = undefined;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('close', () => this.#lost(socket));
    socket.once('connect', () => {
      const where = this.#room === undefined ? undefined : { room: this.#room, after: this.#last };
      const { login, password } = this.credentials;
      socket.write(`${resumeLine(where)}\n${login}\n${password}\n`);
    });
    // The server is trusted to end its lines, so readline may split them: only the server must guard against endless lines.
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (line) => this.#receive(readServerLine(line)));
    lines.on('error', ignore); // the socket's errors (refused, reset), which readline passes on: 'close' follows, and decides
  }

  /** Sends a line typed by the person, or keeps it until logged in (again). */
  send(text: string): void {
    if (this.#inside) return void this.#socket!.write(`${text}\n`);
    if (this.#queued.length >= MAX_QUEUED) return void this.emit('status', 'Not connected: that line was not sent.');
    this.#queued.push(text);
  }

  /**
   * The person is done (Ctrl-D, Ctrl-C, or the end of piped input). The client closes its sending
   * side only: the server answers every line sent before, says bye, and closes. Lines typed while
   * logging in go out first.
   */
  leave(): void {
    this.#leaving = true;
    if (this.#inside) this.#socket!.end();
    else if (this.#retry) {
      clearTimeout(this.#retry);
      this.emit('end', 0);
    }
  }

  #receive(line: ServerLine): void {
    switch (line.kind) {
      case 'still-there':
        return void this.#socket!.write('\n');
      case 'welcome':
        return this.#loggedIn(line);
      case 'closed':
        this.#closedWith = line.code;
        break;
      case 'joined':
        if (line.room !== this.#room) this.#last = 0;
        else if (line.last !== undefined && line.last < this.#last) {
          this.#last = line.last; // numbers went back: the server was restarted, and what it kept before is gone
          this.emit('status', 'The server was restarted: what was said before it is gone.');
        } // else resumed: the entries after #last follow
        this.#room = line.room;
        this.emit('room', line.room);
        break;
      case 'entry':
        if (line.room === this.#room && line.seq !== undefined) {
          if (line.seq <= this.#last) return; // seen already
          this.#last = line.seq;
        }
        break;
      case 'error':
        if (!this.#inside) {
          this.#refused = true; // the login failed: sending the password again would only fail again
          this.#socket!.destroy();
        }
        break;
      case 'info':
        if (!this.#inside) return; // what the server says before the welcome answers prompts this client did not wait for
    }
    this.emit('line', line);
  }

  #loggedIn(welcome: ServerLine): void {
    this.#inside = true;
    this.#attempt = 0;
    if (this.#everInside) this.emit('status', 'Connected again.');
    else this.emit('line', welcome);
    this.#everInside = true;
    for (const text of this.#queued.splice(0)) this.send(text);
    if (this.#leaving) this.#socket!.end();
  }

  #lost(socket: Socket): void {
    if (socket !== this.#socket) return;
    const wasInside = this.#inside;
    this.#inside = false;
    const code = this.#closedWith;
    if (this.#refused) return void this.emit('end', 1);
    if (code !== undefined && FINAL.includes(code)) return void this.emit('end', code === BYE ? 0 : 1);
    if (this.#leaving) return void this.emit('end', 0);
    if (!this.#everInside) {
      this.emit('status', `Could not reach the chat at ${this.target.host}:${this.target.port}. Is the lab running (npm run lab:07)?`);
      return void this.emit('end', 1);
    }
    const wait = this.delay(this.#attempt++);
    this.emit('status', `${wasInside ? 'Connection lost' : 'Still no connection'}; trying again in ${(wait / 1000).toFixed(1)} s.`);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.start();
    }, wait);
  }
}

function ignore(): void {}
