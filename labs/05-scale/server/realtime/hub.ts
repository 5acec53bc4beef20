import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { LOGGED_OUT, parseClientFrame, type ErrorCode, type ServerFrame } from '../../shared/protocol.ts';
import type { Chat, Effects, Resume } from '../core/chat.ts';
import { logLine } from '../core/log-format.ts';
import { RateLimit } from '../core/rate-limit.ts';
import type { LogFile } from '../log-file.ts';
import { encodeFrame } from './frame.ts';
import { Flusher, Outbox } from './outbox.ts';

/** Room lists changed within this window are sent once, not once per change. */
const ROOMS_BATCH_MS = 50;

/** …and a crowd waits longer, so that room lists never cost more than this many frames a second in all. */
const ROOMS_FRAMES_PER_SECOND = 10_000;

export interface HubOptions {
  /** The chat, whose connections are the hub's records of them. */
  chat: Chat<Client>;
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

/**
 * The connected sockets around the pure {@link Chat}: it turns frames into chat steps and carries
 * out their effects: frames encoded once per step however many they go to, and queued in each
 * recipient's {@link Outbox}; entries appended to the log; connections closed.
 */
export class Hub extends EventEmitter<HubEvents> {
  readonly #clients = new Map<WebSocket, Client>();
  readonly #flusher = new Flusher();
  readonly #onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  readonly #onClose: (this: WebSocket) => void;
  #roomsTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
    // One listener of each kind for every socket (Node calls it with `this` set to the socket): an
    // arrow in join() would be a closure per connection, kept as long as the connection lasts.
    const hub = this;
    this.#onMessage = function (data, isBinary) {
      hub.#receive(hub.#clients.get(this)!, data, isBinary);
    };
    this.#onClose = function () {
      hub.#leave(hub.#clients.get(this)!);
    };
  }

  /** Takes a logged-in client that just connected; `wire` is the TCP socket under `socket`. */
  join(socket: WebSocket, wire: Duplex, login: string, resume: Resume): void {
    if (this.#closing) return void socket.close(1001, 'server stopping');
    const client: Client = { socket, outbox: new Outbox(socket, wire, this.#flusher), login, limit: undefined };
    this.#clients.set(socket, client);
    socket.on('message', this.#onMessage);
    socket.on('error', ignore); // ws closes the socket itself, with 1009 (too big) or 1007 (bad UTF-8)
    socket.on('close', this.#onClose);
    this.#apply(this.options.chat.connect(client, login, this.#time(), resume));
  }

  /** Every connected socket. */
  sockets(): Iterable<WebSocket> {
    return this.#clients.keys();
  }

  /** Closes `login`'s connection with 4001, e.g. when they log out: the socket ends with the session. */
  disconnect(login: string, reason: string): void {
    for (const client of this.#clients.values()) {
      if (client.login.toLowerCase() === login.toLowerCase()) this.#close(client, LOGGED_OUT, reason);
    }
  }

  /**
   * Says goodbye to every client with 1001 (cutting off, after a second, any that does not
   * answer), then flushes and closes the log.
   */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#roomsTimer);
    this.#flusher.flushAll();
    await closeAll([...this.#clients.keys()]);
    await this.options.log.close();
  }

  #receive(client: Client, data: RawData, isBinary: boolean): void {
    if (this.#closing) return;
    const { chat } = this.options;
    const time = this.#time();
    const { perSecond, burst } = this.options.rate;
    client.limit ??= new RateLimit(perSecond, burst, time);
    if (!client.limit.take(time)) {
      return this.#refuse(client, 'rate-limited', `Slow down: at most ${perSecond} frames a second. That one was not sent.`);
    }
    if (isBinary) return this.#refuse(client, 'binary-frame', 'Frames must be text (JSON), not binary.');
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) return this.#refuse(client, parsed.code, parsed.message);
    const { frame } = parsed;
    switch (frame.type) {
      case 'send':
        return this.#apply(chat.say(client, frame.text, time));
      case 'command':
        return this.#apply(chat.command(client, frame.command, time));
      case 'signal':
        return this.#apply(chat.signal(client, frame.to, frame.data));
      case 'time':
        return this.#send([client], { type: 'time', id: frame.id, server: time });
    }
  }

  #leave(client: Client): void {
    this.#clients.delete(client.socket);
    if (!this.#closing) this.#apply(this.options.chat.disconnect(client, this.#time()));
  }

  #apply({ send, log, close, roomsChanged }: Effects<Client>): void {
    for (const { to, frame } of send) this.#send(to, frame);
    for (const entry of log) this.options.log.append(logLine(entry)).catch((error: Error) => this.emit('log-error', error));
    for (const { conn, code, reason } of close) this.#close(conn, code, reason);
    if (roomsChanged) this.#roomsTimer ??= setTimeout(() => this.#sendRooms(), this.#roomsBatchMs());
  }

  /** 50 ms, or longer for more than 500 people: 5000 people get a room list every 500 ms. */
  #roomsBatchMs(): number {
    return Math.max(ROOMS_BATCH_MS, (this.#clients.size / ROOMS_FRAMES_PER_SECOND) * 1000);
  }

  #sendRooms(): void {
    this.#roomsTimer = undefined;
    this.#send([...this.#clients.values()], { type: 'rooms', rooms: this.options.chat.rooms() });
  }

  #refuse(client: Client, code: ErrorCode, message: string): void {
    this.#send([client], { type: 'error', code, message });
  }

  /** Encodes `frame` once and queues it for each open connection in `to`; one that stopped reading is dropped instead. */
  #send(to: Client[], frame: ServerFrame): void {
    const data = encodeFrame(frame);
    for (const client of to) {
      if (!client.outbox.open) continue;
      if (client.outbox.backlog > this.options.maxBufferedBytes) {
        client.outbox.cutOff('it stopped reading');
        this.emit('drop', client.login, 'it stopped reading');
      } else {
        client.outbox.push(data);
      }
    }
  }

  /** Closes a connection once the frames waiting for it are sent: they came before the close. */
  #close(client: Client, code: number, reason: string): void {
    client.outbox.flush();
    client.socket.close(code, reason);
  }

  #time(): number {
    return this.options.now().getTime();
  }
}

/** The hub's record of a connection, which is also the chat's handle for it. */
export interface Client {
  socket: WebSocket;
  outbox: Outbox;
  login: string;
  /** Made at the first frame: a bucket starts full, so it is the same, and those who only read keep none. */
  limit: RateLimit | undefined;
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
