import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { LOGGED_OUT, parseClientFrame, type ErrorCode, type ServerFrame } from '../../shared/protocol.ts';
import { loginKey } from '../core/accounts.ts';
import type { Chat, Effects, Resume } from '../core/chat.ts';
import { logLine } from '../core/log-format.ts';
import { RateLimits, type RateLimit } from '../core/rate-limit.ts';
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
  /** Frames a person may send, over all their connections: `perSecond` on average, `burst` at once. */
  rate: { perSecond: number; burst: number };
  /** Connections a person may open: `perSecond` on average, `burst` at once. */
  connects: { perSecond: number; burst: number };
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
  /** Frames and connections are counted per person (their login), so that reconnecting refills nothing. */
  readonly #rates: RateLimits;
  readonly #connects: RateLimits;
  readonly #onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  readonly #onClose: (this: WebSocket) => void;
  #roomsTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
    this.#rates = new RateLimits(options.rate.perSecond, options.rate.burst);
    this.#connects = new RateLimits(options.connects.perSecond, options.connects.burst);
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

  /**
   * May `login` open one more connection now? Returns 0 if so, or how many seconds to wait. Each
   * connection replaces the person's last one and costs a `joined` frame with the room's history,
   * so a loop of them is refused.
   */
  mayConnect(login: string): number {
    return this.#connects.take(loginKey(login), this.#time()) ? 0 : Math.ceil(1 / this.#connects.perSecond);
  }

  /** Takes a client that just connected with `session`; `wire` is the TCP socket under `socket`. */
  join(socket: WebSocket, wire: Duplex, { login, session }: { login: string; session: string }, resume: Resume): void {
    if (this.#closing) return void socket.close(1001, 'server stopping');
    const client: Client = { socket, outbox: new Outbox(socket, wire, this.#flusher), login, session, limit: undefined };
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

  /** Closes with 4001 the connections opened with this session, when it is logged out; the person's other sessions keep theirs. */
  disconnect(session: string, reason: string): void {
    for (const client of this.#clients.values()) {
      if (client.session === session) this.#close(client, LOGGED_OUT, reason);
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
    client.limit ??= this.#rates.bucket(loginKey(client.login), time);
    if (!client.limit.take(time)) {
      const { perSecond } = this.options.rate;
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
        return this.#signal(client, chat.signal(client, frame.to, frame.data, time));
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

  /**
   * Relays a signal only to someone who keeps up: signaling must never be what fills a client's
   * outbox and gets them dropped (see {@link Hub.#send}), whoever floods them. Past a quarter of
   * `maxBufferedBytes`, the sender is told to try again instead.
   */
  #signal(client: Client, fx: Effects<Client>): void {
    const peer = fx.send[0]?.frame.type === 'signal' ? fx.send[0].to[0] : undefined;
    if (peer && peer.outbox.backlog > this.options.maxBufferedBytes / 4) {
      return this.#refuse(client, 'peer-busy', `${peer.login} is not keeping up with what they receive: try again in a moment.`);
    }
    this.#apply(fx);
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
  /** The session (its token) the socket was opened with: logging it out closes the socket. */
  session: string;
  /**
   * The person's bucket, shared by all their connections, looked up at the first frame: a bucket
   * starts full, so it is the same, and those who only read keep none.
   */
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
