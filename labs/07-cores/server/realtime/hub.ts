import { EventEmitter } from 'node:events';
import { LOGGED_OUT, type Command, type ErrorCode, type Parsed, type ServerFrame, type SignalData } from '../../shared/protocol.ts';
import { loginKey } from '../core/accounts.ts';
import type { Effects, Resume } from '../core/chat.ts';
import { RateLimits, type RateLimit } from '../core/rate-limit.ts';
import { Flusher } from './outbox.ts';

/**
 * Where the hub sends what its clients do: the chat's steps, without their answers. The chat runs
 * in another process (see `cluster/sequencer.ts`); its effects come back through {@link Hub.apply}.
 */
export interface ChatPort {
  connect(client: Client, login: string, time: number, resume: Resume): void;
  say(client: Client, text: string, time: number): void;
  command(client: Client, command: Command, time: number): void;
  signal(client: Client, to: string, data: SignalData, time: number): void;
  disconnect(client: Client, time: number): void;
  /** A signal from `from` was not relayed to `peer`, who is not keeping up: its sender is told. */
  busy(peer: Client, from: string): void;
  /**
   * An answer the hub gives `client` itself (a refusal, the time), to be sent after the chat's
   * answers to what `client` sent before it, so a connection's answers keep its frames' order.
   * False when the chat does not know `client` yet: the hub then sends it at once.
   */
  answer(client: Client, frame: ServerFrame): boolean;
}

export interface HubOptions {
  /** Where the connections' steps go. */
  chat: ChatPort;
  now: () => Date;
  /** A client whose unsent data passes this many bytes has stopped reading: it is dropped. */
  maxBufferedBytes: number;
  /** Frames a person may send, over all their connections and both transports: `perSecond` on average, `burst` at once. */
  rate: { perSecond: number; burst: number };
  /** Connections a person may open, over both transports: `perSecond` on average, `burst` at once. */
  connects: { perSecond: number; burst: number };
}

interface HubEvents {
  drop: [login: string, reason: string];
}

/**
 * The connected clients around the pure {@link Chat}, whatever carries them (a WebSocket, see
 * `ws-connection.ts`, or a TCP stream of lines, see `tcp/`): it turns their frames into chat
 * steps for the {@link ChatPort} and carries out the effects it is handed ({@link Hub.apply}):
 * frames handed to each recipient, which encodes each one once for its transport however many
 * it goes to; connections closed.
 */
export class Hub extends EventEmitter<HubEvents> {
  readonly #clients = new Set<Client>();
  /** Sends what each connection was given during one turn, together at the end of it. */
  readonly flusher = new Flusher();
  /** Frames and connections are counted per person (their login), so that reconnecting refills nothing. */
  readonly #rates: RateLimits;
  readonly #connects: RateLimits;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
    this.#rates = new RateLimits(options.rate.perSecond, options.rate.burst);
    this.#connects = new RateLimits(options.connects.perSecond, options.connects.burst);
  }

  /**
   * May `login` open one more connection now, over either transport? Returns 0 if so, or how
   * many seconds to wait. Each connection replaces the person's last one and costs a `joined`
   * frame with the room's history, so a loop of them is refused.
   */
  mayConnect(login: string): number {
    return this.#connects.take(loginKey(login), this.#time()) ? 0 : Math.ceil(1 / this.#connects.perSecond);
  }

  /** Takes a logged-in client that just connected, over either transport; `resume` says where it left off. */
  join(client: Client, resume: Resume): void {
    if (this.#closing) return client.close(1001, 'server stopping');
    this.#clients.add(client);
    this.options.chat.connect(client, client.login, this.#time(), resume);
  }

  /** Every connected client. */
  clients(): Iterable<Client> {
    return this.#clients;
  }

  /** Closes with 4001 the connections opened with this session, when it is logged out; the person's other sessions and terminals keep theirs. */
  disconnect(session: string, reason: string): void {
    for (const client of this.#clients) {
      if (client.session === session) client.close(LOGGED_OUT, reason);
    }
  }

  /** Says goodbye to every client with 1001, cutting off, after a second, any that does not answer. */
  async close(): Promise<void> {
    this.#closing = true;
    this.flusher.flushAll();
    await closeAll([...this.#clients]);
  }

  /** A frame (or a line, over TCP) from `client`, as its transport read it: a frame, or what is wrong with it. */
  receive(client: Client, parsed: Parsed): void {
    if (this.#closing) return;
    const { chat } = this.options;
    const time = this.#time();
    client.limit ??= this.#rates.bucket(loginKey(client.login), time);
    if (!client.limit.take(time)) {
      const { perSecond } = this.options.rate;
      return this.#refuse(client, 'rate-limited', `Slow down: at most ${perSecond} frames a second. That one was not sent.`);
    }
    if (!parsed.ok) return this.#refuse(client, parsed.code, parsed.message);
    const { frame } = parsed;
    switch (frame.type) {
      case 'send':
        return chat.say(client, frame.text, time);
      case 'command':
        return chat.command(client, frame.command, time);
      case 'signal':
        return chat.signal(client, frame.to, frame.data, time);
      case 'time':
        return this.#answer(client, { type: 'time', id: frame.id, server: time });
    }
  }

  /** Closes `client` with `BYE` once what the chat sends it before is written: the client has sent all it will. */
  bye(client: Client): void {
    this.options.chat.command(client, { name: 'exit' }, this.#time());
  }

  /** `client`'s connection closed, whatever closed it. */
  leave(client: Client): void {
    if (!this.#clients.delete(client)) return;
    if (!this.#closing) this.options.chat.disconnect(client, this.#time());
  }

  /**
   * Carries out what the chat decided for this hub's clients: frames sent, connections closed
   * (the log and the room lists are the chat's process's business). A signal is relayed only to
   * someone who keeps up: it must never be what fills a client's backlog and gets them dropped
   * (see {@link Hub.#send}), whoever floods them. Past a quarter of `maxBufferedBytes`, it is
   * left out and the chat is told, to tell its sender to try again.
   */
  apply({ send, close }: Pick<Effects<Client>, 'send' | 'close'>): void {
    for (const { to, frame } of send) {
      if (frame.type === 'signal' && to[0] && to[0].backlog > this.options.maxBufferedBytes / 4) this.options.chat.busy(to[0], frame.from);
      else this.#send(to, frame);
    }
    for (const { conn, code, reason } of close) conn.close(code, reason);
  }

  #refuse(client: Client, code: ErrorCode, message: string): void {
    this.#answer(client, { type: 'error', code, message });
  }

  #answer(client: Client, frame: ServerFrame): void {
    if (!this.options.chat.answer(client, frame)) this.#send([client], frame);
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
  /** The web session (its token) a WebSocket was opened with; none for a terminal, which logs in on its own connection. */
  readonly session?: string;
  /**
   * The person's bucket, shared by all their connections on both transports, looked up at the
   * first frame: a bucket starts full, so it is the same, and those who only read keep none.
   */
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
