import { EventEmitter } from 'node:events';
import { WebSocket, type RawData } from 'ws';
import { LOGGED_OUT, parseClientFrame, type ErrorCode, type ServerFrame } from '../../shared/protocol.ts';
import type { Chat, ConnId, Effects, Resume } from '../core/chat.ts';
import { logLine } from '../core/log-format.ts';
import { RateLimit } from '../core/rate-limit.ts';
import type { LogFile } from '../log-file.ts';

/** Room list changes within this window are sent once, with the counts at that moment. */
const ROOMS_BATCH_MS = 50;

export interface HubOptions {
  chat: Chat;
  /** This run's log. */
  log: LogFile;
  now: () => Date;
  /** A client whose unsent data passes this many bytes has stopped reading: it is dropped. */
  maxBufferedBytes: number;
  /** Frames a connection may send: `perSecond` on average, `burst` at once. */
  rate: { perSecond: number; burst: number };
}

interface HubEvents {
  drop: [login: string, reason: string];
  'log-error': [error: Error];
}

/** A connected socket and whose it is. */
interface Client {
  socket: WebSocket;
  login: string;
}

/**
 * The connected sockets around the pure {@link Chat}: it numbers each connection, turns frames
 * into chat steps and carries out their effects: frames sent to each open socket, entries
 * appended to the log, connections closed.
 */
export class Hub extends EventEmitter<HubEvents> {
  readonly #clients = new Map<ConnId, Client>();
  #nextConn = 1;
  #roomsTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
  }

  /** Takes a logged-in client that just connected: a welcome and its room, then every new entry. */
  join(socket: WebSocket, login: string, resume: Resume = {}): void {
    if (this.#closing) return void socket.close(1001, 'server stopping');
    const conn = this.#nextConn++;
    this.#clients.set(conn, { socket, login });
    this.#apply(this.options.chat.connect(conn, login, this.#time(), resume));
    const limit = new RateLimit(this.options.rate.perSecond, this.options.rate.burst, this.#time());
    socket.on('message', (data, isBinary) => this.#receive(conn, limit, data, isBinary));
    socket.on('error', () => undefined); // ws closes the socket itself, with 1009 (too big) or 1007 (bad UTF-8)
    socket.once('close', () => this.#leave(conn));
  }

  /** Closes `login`'s connection with 4001, e.g. when they log out: the socket ends with the session. */
  disconnect(login: string, reason: string): void {
    for (const client of this.#clients.values()) {
      if (client.login.toLowerCase() === login.toLowerCase()) client.socket.close(LOGGED_OUT, reason);
    }
  }

  /**
   * Says goodbye to every client with 1001 (cutting off, after a second, any that does not
   * answer), then flushes and closes the log.
   */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#roomsTimer);
    await closeAll([...this.#clients.values()].map(({ socket }) => socket));
    await this.options.log.close();
  }

  #receive(conn: ConnId, limit: RateLimit, data: RawData, isBinary: boolean): void {
    if (this.#closing) return;
    if (!limit.take(this.#time())) {
      const { perSecond } = this.options.rate;
      return this.#refuse(conn, 'rate-limited', `Slow down: at most ${perSecond} frames a second. That one was not sent.`);
    }
    if (isBinary) return this.#refuse(conn, 'binary-frame', 'Frames must be text (JSON), not binary.');
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) return this.#refuse(conn, parsed.code, parsed.message);
    const { chat } = this.options;
    const { frame } = parsed;
    switch (frame.type) {
      case 'send':
        return this.#apply(chat.say(conn, frame.text, this.#time()));
      case 'command':
        return this.#apply(chat.command(conn, frame.command, this.#time()));
      case 'signal':
        return this.#apply(chat.signal(conn, frame.to, frame.data));
      case 'time':
        return this.#send([conn], { type: 'time', id: frame.id, server: this.#time() });
    }
  }

  #leave(conn: ConnId): void {
    this.#clients.delete(conn);
    if (!this.#closing) this.#apply(this.options.chat.disconnect(conn, this.#time()));
  }

  /** Carries out a step of the chat: its frames, its log lines, its closes, in that order. */
  #apply({ send, log, close, roomsChanged }: Effects): void {
    for (const { to, frame } of send) this.#send(to, frame);
    for (const entry of log) this.options.log.append(logLine(entry)).catch((error: Error) => this.emit('log-error', error));
    for (const { conn, code, reason } of close) this.#clients.get(conn)?.socket.close(code, reason);
    if (roomsChanged) this.#roomsChanged();
  }

  /**
   * The room list is state, not news: a burst of n people arriving would cost n frames to each of
   * n people if every change were sent. So changes within {@link ROOMS_BATCH_MS} are sent once,
   * to everyone, with the counts as they are then.
   */
  #roomsChanged(): void {
    this.#roomsTimer ??= setTimeout(() => this.#sendRooms(), ROOMS_BATCH_MS);
  }

  #sendRooms(): void {
    this.#roomsTimer = undefined;
    this.#send([...this.#clients.keys()], { type: 'rooms', rooms: this.options.chat.rooms() });
  }

  #refuse(conn: ConnId, code: ErrorCode, message: string): void {
    this.#send([conn], { type: 'error', code, message });
  }

  /** Serialises the frame once, then hands it to every connection in `to` that is still here. */
  #send(to: ConnId[], frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    for (const conn of to) {
      const client = this.#clients.get(conn);
      if (client) this.#write(client, data);
    }
  }

  /**
   * Sends, unless the client has stopped reading. `send()` never blocks: what the client does not
   * read waits in the server's memory (`bufferedAmount`). A frozen tab would make that grow
   * forever, and waiting for it would slow everyone, so past `maxBufferedBytes` the client is
   * dropped: `terminate()`, no closing handshake, since it would not read that either. It can
   * reconnect and catch up from its last `seq`.
   */
  #write({ socket, login }: Client, data: string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      socket.terminate();
      this.emit('drop', login, 'it stopped reading');
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
