import { EventEmitter } from 'node:events';
import { LOGGED_OUT, type ErrorCode, type Parsed, type ServerFrame } from '../../shared/protocol.ts';
import type { Chat, Effects, Resume } from '../core/chat.ts';
import { logLine } from '../core/log-format.ts';
import { RateLimit } from '../core/rate-limit.ts';
import type { LogFile } from '../log-file.ts';
import { Flusher } from './outbox.ts';

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
 * The connected clients around the pure {@link Chat}, whatever carries them (a WebSocket, see
 * `ws-connection.ts`, or a TCP stream of lines, see `tcp/`): it turns their frames into chat
 * steps and carries out their effects: frames handed to each recipient, which encodes each one
 * once for its transport however many it goes to; entries appended to the log; connections closed.
 */
export class Hub extends EventEmitter<HubEvents> {
  readonly #clients = new Set<Client>();
  /** Sends what each connection was given during one turn, together at the end of it. */
  readonly flusher = new Flusher();
  #roomsTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
  }

  /** Takes a logged-in client that just connected, over either transport; `resume` says where it left off. */
  join(client: Client, resume: Resume): void {
    if (this.#closing) return client.close(1001, 'server stopping');
    this.#clients.add(client);
    this.#apply(this.options.chat.connect(client, client.login, this.#time(), resume));
  }

  /** Every connected client. */
  clients(): Iterable<Client> {
    return this.#clients;
  }

  /** Closes `login`'s connection with 4001, e.g. when they log out: the socket ends with the session. */
  disconnect(login: string, reason: string): void {
    for (const client of this.#clients) {
      if (client.login.toLowerCase() === login.toLowerCase()) client.close(LOGGED_OUT, reason);
    }
  }

  /**
   * Says goodbye to every client with 1001 (cutting off, after a second, any that does not
   * answer), then flushes and closes the log.
   */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#roomsTimer);
    this.flusher.flushAll();
    await closeAll([...this.#clients]);
    await this.options.log.close();
  }

  /** A frame (or a line, over TCP) from `client`, as its transport read it: a frame, or what is wrong with it. */
  receive(client: Client, parsed: Parsed): void {
    if (this.#closing) return;
    const { chat } = this.options;
    const time = this.#time();
    const { perSecond, burst } = this.options.rate;
    client.limit ??= new RateLimit(perSecond, burst, time);
    if (!client.limit.take(time)) {
      return this.#refuse(client, 'rate-limited', `Slow down: at most ${perSecond} frames a second. That one was not sent.`);
    }
    if (!parsed.ok) return this.#refuse(client, parsed.code, parsed.message);
    const { frame } = parsed;
    switch (frame.type) {
      case 'send':
        return this.#apply(chat.say(client, frame.text, time));
      case 'command':
        return this.#apply(chat.command(client, frame.command, time));
      case 'signal':
        return this.#signal(client, chat.signal(client, frame.to, frame.data));
      case 'time':
        return this.#send([client], { type: 'time', id: frame.id, server: time });
    }
  }

  /** `client`'s connection closed, whatever closed it. */
  leave(client: Client): void {
    if (!this.#clients.delete(client)) return;
    if (!this.#closing) this.#apply(this.options.chat.disconnect(client, this.#time()));
  }

  /** Signaling goes from browser to browser: someone on a terminal has no WebRTC to answer with. */
  #signal(client: Client, fx: Effects<Client>): void {
    const peer = fx.send[0]?.frame.type === 'signal' ? fx.send[0].to[0] : undefined;
    if (peer?.transport === 'tcp') {
      return this.#refuse(client, 'terminal-user', `${peer.login} is on a terminal: private messages need both of you in a browser.`);
    }
    this.#apply(fx);
  }

  #apply({ send, log, close, roomsChanged }: Effects<Client>): void {
    for (const { to, frame } of send) this.#send(to, frame);
    for (const entry of log) this.options.log.append(logLine(entry)).catch((error: Error) => this.emit('log-error', error));
    for (const { conn, code, reason } of close) conn.close(code, reason);
    if (roomsChanged) this.#roomsTimer ??= setTimeout(() => this.#sendRooms(), this.#roomsBatchMs());
  }

  /** 50 ms, or longer for more than 500 people: 5000 people get a room list every 500 ms. */
  #roomsBatchMs(): number {
    return Math.max(ROOMS_BATCH_MS, (this.#clients.size / ROOMS_FRAMES_PER_SECOND) * 1000);
  }

  #sendRooms(): void {
    this.#roomsTimer = undefined;
    this.#send([...this.#clients], { type: 'rooms', rooms: this.options.chat.rooms() });
  }

  #refuse(client: Client, code: ErrorCode, message: string): void {
    this.#send([client], { type: 'error', code, message });
  }

  /** Hands `frame` to each open connection in `to`; one that stopped reading is dropped instead. */
  #send(to: Client[], frame: ServerFrame): void {
    for (const client of to) {
      if (!client.open) continue;
      if (client.backlog > this.options.maxBufferedBytes) {
        client.cutOff('it stopped reading');
        this.emit('drop', client.login, 'it stopped reading');
      } else {
        client.send(frame);
      }
    }
  }

  #time(): number {
    return this.options.now().getTime();
  }
}

/**
 * One connection as the hub sees it, whatever carries it: a WebSocket (`ws-connection.ts`) or a
 * TCP stream of lines (`tcp/connection.ts`). It is also the chat's handle for the connection.
 */
export interface Client {
  readonly login: string;
  readonly transport: 'websocket' | 'tcp';
  /** Made at the first frame: a bucket starts full, so it is the same, and those who only read keep none. */
  limit: RateLimit | undefined;
  /** False once the connection is closing or was cut off: nothing more goes out. */
  readonly open: boolean;
  /** Bytes not sent yet: a client that stops reading lets them pile up. */
  readonly backlog: number;
  /** Queues `frame`, encoded for this transport, to go out at the end of this turn. */
  send(frame: ServerFrame): void;
  /** Sends what waits, then closes, saying why: a WebSocket close frame, or a last line over TCP. */
  close(code: number, reason: string): void;
  /** Ends the connection at once, dropping what waits. */
  cutOff(reason: string): void;
  /** Resolves once the connection is closed. */
  whenClosed(): Promise<void>;
}

/** How long a client may take to answer the server's close before it is cut off. */
const CLOSE_TIMEOUT_MS = 1000;

function closeAll(clients: Client[]): Promise<unknown> {
  const cutOff = setTimeout(() => clients.forEach((client) => client.cutOff('server stopping')), CLOSE_TIMEOUT_MS);
  const closed = clients.map((client) => client.whenClosed());
  for (const client of clients) client.close(1001, 'server stopping');
  return Promise.all(closed).finally(() => clearTimeout(cutOff));
}
