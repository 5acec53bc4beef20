import { EventEmitter } from 'node:events';
import { WebSocket, type RawData } from 'ws';
import { Chat, logLine, type Entry } from '../core/chat.ts';
import { ROLES, type Role } from '../core/message.ts';
import { parseClientFrame, type ErrorCode, type Online, type ServerFrame } from '../core/protocol.ts';
import { RateLimits } from '../core/rate-limit.ts';
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
  /** Frames a person may send, over all their connections: `perSecond` on average, `burst` at once. */
  rate: { perSecond: number; burst: number };
  /** Connections a person may open: `perSecond` on average, `burst` at once. */
  connects: { perSecond: number; burst: number };
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
  readonly #clients = new Map<WebSocket, Role>();
  readonly #rates: RateLimits;
  readonly #connects: RateLimits;
  #log: LogFile | undefined;
  #logClosed: Promise<void> = Promise.resolve();
  #grace: NodeJS.Timeout | undefined;
  #presenceTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
    this.#rates = new RateLimits(options.rate.perSecond, options.rate.burst);
    this.#connects = new RateLimits(options.connects.perSecond, options.connects.burst);
  }

  /**
   * May `person` open one more connection now? Returns 0 if so, or how many seconds to wait.
   * Reconnecting gives no new frames (see `join`), but each connection still costs a welcome and
   * a presence update to everyone, so a loop of them is refused too.
   */
  mayConnect(person: string): number {
    return this.#connects.take(person, this.#time()) ? 0 : Math.ceil(1 / this.#connects.perSecond);
  }

  /**
   * Takes a client that just connected: a welcome with what it missed, then every new entry.
   * `person` is whose window it is (its role and address: see `upgrade.ts`): the frames it may
   * send are counted per person, so that reconnecting does not refill them.
   */
  join(socket: WebSocket, role: Role, person: string, { session, after }: Resume = {}): void {
    if (this.#closing) return void socket.close(1001, 'server stopping');
    clearTimeout(this.#grace);
    this.#clients.set(socket, role);
    this.#send(socket, { type: 'welcome', role, online: this.#online(), ...this.#chat.catchUp(session, after) });
    this.#presenceChanged();
    socket.on('message', (data, isBinary) => this.#receive(socket, role, person, data, isBinary));
    socket.on('error', () => undefined); // ws closes the socket itself, with 1009 (too big) or 1007 (bad UTF-8)
    socket.once('close', () => this.#leave(socket));
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

  #receive(socket: WebSocket, role: Role, person: string, data: RawData, isBinary: boolean): void {
    if (this.#closing) return;
    if (!this.#rates.take(person, this.#time())) {
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

  #online(): Online {
    const online = Object.fromEntries(ROLES.map((role) => [role, 0])) as Online;
    for (const role of this.#clients.values()) online[role]++;
    return online;
  }

  #refuse(socket: WebSocket, code: ErrorCode, message: string): void {
    this.#send(socket, { type: 'error', code, message });
  }

  #send(socket: WebSocket, frame: ServerFrame): void {
    this.#write(socket, JSON.stringify(frame));
  }

  /** Serialises the frame once, then hands it to every open client but `except`. */
  #broadcast(frame: ServerFrame, except?: WebSocket): void {
    const data = JSON.stringify(frame);
    for (const socket of this.#clients.keys()) if (socket !== except) this.#write(socket, data);
  }

  /**
   * Sends, unless the client has stopped reading. `send()` never blocks: what the client does not
   * read waits in the server's memory (`bufferedAmount`). A frozen tab would make that grow
   * forever, and waiting for it would slow everyone, so past `maxBufferedBytes` the client is
   * dropped: `terminate()`, no closing handshake, since it would not read that either. It can
   * reconnect and catch up from its last `seq`.
   */
  #write(socket: WebSocket, data: string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      socket.terminate();
      this.emit('drop', this.#clients.get(socket)!, 'it stopped reading');
      return;
    }
    socket.send(data);
  }

  #time(): number {
    return this.options.now().getTime();
  }
}

/** How long a client may take to answer the server's close frame before it is cut off. */
const CLOSE_TIMEOUT_MS = 1000;

function closeAll(sockets: WebSocket[]): Promise<unknown> {
  const cutOff = setTimeout(() => sockets.forEach((socket) => socket.terminate()), CLOSE_TIMEOUT_MS);
  const closed = sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve)));
  for (const socket of sockets) socket.close(1001, 'server stopping');
  return Promise.all(closed).finally(() => clearTimeout(cutOff));
}
