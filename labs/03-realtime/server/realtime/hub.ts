import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import { Chat, logLine, type CatchUp, type Entry } from '../core/chat.ts';
import { ROLES, type Role } from '../core/message.ts';
import { parseClientFrame, type ErrorCode, type Online, type ServerFrame } from '../core/protocol.ts';
import { RateLimit } from '../core/rate-limit.ts';
import { LogFile } from '../log-file.ts';

/** Joins and leaves within this window are announced once, with the counts at that moment. */
const PRESENCE_BATCH_MS = 50;

export interface HubOptions {
  /** Where each session's `chat_YYYYMMDD-hhmmss.log` goes. */
  logDir: string;
  now: () => Date;
  /** New session ids (nanoid in the lab, predictable ones in tests). */
  newId: () => string;
  /** How long a session outlives its last client, so that reloading a page does not split it. */
  graceMs: number;
  /** A client whose unsent data passes this many bytes has stopped reading: it is dropped. */
  maxBufferedBytes: number;
  /** Frames a connection may send: `perSecond` on average, `burst` at once. */
  rate: { perSecond: number; burst: number };
}

/** Where a reconnecting client left off: the last entry it saw. */
export interface Resume {
  session?: string;
  after?: number;
}

interface HubEvents {
  'session-start': [id: string, logPath: string];
  /** Emitted once the session's log is flushed and closed. */
  'session-end': [id: string, reason: string];
  drop: [role: Role, reason: string];
  'log-error': [error: Error];
}

/**
 * The connected clients around the pure {@link Chat}: it turns frames into entries, sends every
 * entry to every client in `seq` order, writes it to the session's log, and keeps everyone
 * informed of who is online and typing.
 */
export class Hub extends EventEmitter<HubEvents> {
  readonly #chat = new Chat();
  readonly #clients = new Map<WebSocket, Client>();
  #log: LogFile | undefined;
  #logClosed: Promise<void> = Promise.resolve();
  #grace: NodeJS.Timeout | undefined;
  #presenceTimer: NodeJS.Timeout | undefined;
  /** The last catch-up sent, serialised, and the resume point it was for (see {@link #welcome}). */
  #catchUp: { from: string; json: string } | undefined;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
  }

  /**
   * Takes a client that just connected: a welcome with what it missed, then every new entry.
   * `wire` is the TCP socket under `socket` (the upgrade handler has it): the hub destroys it to
   * drop a client that stopped reading (see {@link #drop}).
   */
  join(socket: WebSocket, wire: Duplex, role: Role, resume: Resume = {}): void {
    if (this.#closing) return void socket.close(1001, 'server stopping');
    clearTimeout(this.#grace);
    const { perSecond, burst } = this.options.rate;
    const client: Client = { role, wire, limit: new RateLimit(perSecond, burst, this.#time()) };
    this.#clients.set(socket, client);
    this.#write(socket, client, this.#welcome(role, resume));
    this.#presenceChanged();
    socket.on('message', (data, isBinary) => this.#receive(socket, role, data, isBinary));
    socket.on('error', ignore); // ws closes the socket itself, with 1009 (too big) or 1007 (bad UTF-8)
    socket.on('close', () => this.#leave(socket));
  }

  /**
   * Ends the session (its log gets an end line), says goodbye to every client with 1001 (cutting
   * off, after a second, any that does not answer) and flushes the log.
   */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#grace);
    clearTimeout(this.#presenceTimer);
    this.#endSession('server stopped: the chat ended');
    await Promise.all([this.#logClosed, closeAll([...this.#clients.keys()])]);
  }

  #receive(socket: WebSocket, role: Role, data: RawData, isBinary: boolean): void {
    if (this.#closing) return;
    if (!this.#clients.get(socket)!.limit.take(this.#time())) {
      const { perSecond } = this.options.rate;
      return this.#refuse(socket, 'rate-limited', `Slow down: at most ${perSecond} frames a second. That one was not sent.`);
    }
    if (isBinary) return this.#refuse(socket, 'binary-frame', 'Frames must be text (JSON), not binary.');
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) return this.#refuse(socket, parsed.code, parsed.message);
    const { frame } = parsed;
    switch (frame.type) {
      case 'send':
        return this.#deliver(this.#chat.say(role, frame.text, this.#time(), this.options.newId));
      case 'end':
        if (!this.#endSession(`${role} ended the chat`)) {
          this.#refuse(socket, 'no-session', 'There is no chat to end: send a message to start one.');
        }
        return;
      case 'typing':
        return this.#broadcast({ type: 'typing', from: role }, socket);
    }
  }

  #endSession(reason: string): boolean {
    const entry = this.#chat.end(reason, this.#time());
    if (entry) this.#deliver([entry]);
    return entry !== undefined;
  }

  #deliver(entries: Entry[]): void {
    this.#catchUp = undefined;
    for (const entry of entries) {
      this.#broadcast({ type: 'entry', entry });
      if (entry.kind === 'start') this.#openLog(entry);
      this.#log?.append(logLine(entry)).catch((error: Error) => this.emit('log-error', error));
      if (entry.kind === 'end') this.#closeLog(entry);
    }
  }

  #openLog({ session, time }: Entry): void {
    const log = new LogFile(this.options.logDir, new Date(time));
    this.#log = log;
    log.path.then(
      (path) => this.emit('session-start', session, path),
      (error: Error) => this.emit('log-error', error),
    );
  }

  #closeLog({ session, text }: Entry): void {
    const log = this.#log!;
    this.#log = undefined;
    this.#logClosed = log.close().then(() => {
      this.emit('session-end', session, text);
    });
  }

  #leave(socket: WebSocket): void {
    this.#clients.delete(socket);
    this.#presenceChanged();
    if (this.#clients.size === 0 && this.#chat.session && !this.#closing) {
      this.#grace = setTimeout(() => this.#endSession('everyone left: the chat ended'), this.options.graceMs);
    }
  }

  /**
   * Presence is state, not news: a burst of n windows opening would cost n frames to each of n
   * windows if every join were announced. So changes within {@link PRESENCE_BATCH_MS} are sent
   * once, to everyone, with the counts as they are then.
   */
  #presenceChanged(): void {
    if (!this.#closing) this.#presenceTimer ??= setTimeout(() => this.#sendPresence(), PRESENCE_BATCH_MS);
  }

  #sendPresence(): void {
    this.#presenceTimer = undefined;
    this.#broadcast({ type: 'presence', online: this.#online() });
  }

  /**
   * The welcome frame, serialised: its own fields, then the catch-up spliced in as text. The
   * catch-up (up to 1000 entries) is the same for every window that resumes from the same point,
   * such as every new window until the next entry, so it is serialised once and kept until the
   * chat moves on (`#deliver` forgets it). Otherwise a burst of windows opening during a long
   * session would serialise the whole history once per window.
   */
  #welcome(role: Role, { session, after }: Resume): string {
    const from = `${session}/${after}`;
    if (this.#catchUp?.from !== from) this.#catchUp = { from, json: JSON.stringify(this.#chat.catchUp(session, after)) };
    const head = JSON.stringify({ type: 'welcome', role, online: this.#online() } satisfies Omit<Welcome, keyof CatchUp>);
    return `${head.slice(0, -1)},${this.#catchUp.json.slice(1)}`;
  }

  #online(): Online {
    const online = Object.fromEntries(ROLES.map((role) => [role, 0])) as Online;
    for (const { role } of this.#clients.values()) online[role]++;
    return online;
  }

  #refuse(socket: WebSocket, code: ErrorCode, message: string): void {
    this.#send(socket, { type: 'error', code, message });
  }

  #send(socket: WebSocket, frame: ServerFrame): void {
    const client = this.#clients.get(socket);
    if (client) this.#write(socket, client, JSON.stringify(frame));
  }

  /** Serialises the frame once, then hands it to every open client but `except`. */
  #broadcast(frame: ServerFrame, except?: WebSocket): void {
    const data = JSON.stringify(frame);
    for (const [socket, client] of this.#clients) if (socket !== except) this.#write(socket, client, data);
  }

  #write(socket: WebSocket, client: Client, data: string): void {
    if (client.wire.destroyed || socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) return this.#drop(client);
    socket.send(data);
  }

  /**
   * Drops a client that stopped reading by destroying its TCP socket with one error; ws then
   * sees the connection close (1006) and `#leave` runs as for any other.
   *
   * Why not `socket.terminate()`? It destroys the TCP socket *without* an error, and Node then
   * fails each write still queued for it (one per frame: thousands) with a new
   * `ERR_STREAM_DESTROYED`, stack trace and all: about a second of frozen server for 16 MiB of
   * short frames. Destroyed *with* an error, Node hands that one error to every queued write
   * (measured: 642 ms down to 17 ms).
   */
  #drop(client: Client): void {
    client.wire.destroy(new Error('stopped reading'));
    this.emit('drop', client.role, 'it stopped reading');
  }

  #time(): number {
    return this.options.now().getTime();
  }
}

type Welcome = Extract<ServerFrame, { type: 'welcome' }>;

interface Client {
  role: Role;
  /** The TCP socket under the WebSocket. */
  wire: Duplex;
  limit: RateLimit;
}

function ignore(): void {}

/** How long a client may take to answer the server's close frame before it is cut off. */
const CLOSE_TIMEOUT_MS = 1000;

function closeAll(sockets: WebSocket[]): Promise<unknown> {
  const cutOff = setTimeout(() => sockets.forEach((socket) => socket.terminate()), CLOSE_TIMEOUT_MS);
  const closed = sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve)));
  for (const socket of sockets) socket.close(1001, 'server stopping');
  return Promise.all(closed).finally(() => clearTimeout(cutOff));
}
