import { EventEmitter } from 'node:events';
import { WebSocket, type RawData } from 'ws';
import { LOGGED_OUT, parseClientFrame, type ErrorCode, type ServerFrame } from '../../shared/protocol.ts';
import { loginKey } from '../core/accounts.ts';
import type { Chat, ConnId, Effects, Resume } from '../core/chat.ts';
import { logLine } from '../core/log-format.ts';
import { RateLimits } from '../core/rate-limit.ts';
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
  /** Frames a person may send, over all their connections: `perSecond` on average, `burst` at once. */
  rate: { perSecond: number; burst: number };
  /** Connections a person may open: `perSecond` on average, `burst` at once. */
  connects: { perSecond: number; burst: number };
}

interface HubEvents {
  drop: [login: string, reason: string];
  'log-error': [error: Error];
}

/** A connected socket, whose it is, and the session (its token) it was opened with. */
interface Client {
  socket: WebSocket;
  login: string;
  session: string;
}

/**
 * The connected sockets around the pure {@link Chat}: it numbers each connection, turns frames
 * into chat steps and carries out their effects: frames sent to each open socket, entries
 * appended to the log, connections closed.
 */
export class Hub extends EventEmitter<HubEvents> {
  readonly #clients = new Map<ConnId, Client>();
  #nextConn = 1;
  /** Frames and connections are counted per person (their login), so that reconnecting refills nothing. */
  readonly #rates: RateLimits;
  readonly #connects: RateLimits;
  #roomsTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly options: HubOptions) {
    super();
    this.#rates = new RateLimits(options.rate.perSecond, options.rate.burst);
    this.#connects = new RateLimits(options.connects.perSecond, options.connects.burst);
  }

  /**
   * May `login` open one more connection now? Returns 0 if so, or how many seconds to wait. Each
   * connection replaces the person's last one and costs a `joined` frame with the room's history,
   * so a loop of them is refused.
   */
  mayConnect(login: string): number {
    return this.#connects.take(loginKey(login), this.#time()) ? 0 : Math.ceil(1 / this.#connects.perSecond);
  }

  /** Takes a client that just connected with `session`: a welcome and its room, then every new entry. */
  join(socket: WebSocket, { login, session }: { login: string; session: string }, resume: Resume = {}): void {
    if (this.#closing) return void socket.close(1001, 'server stopping');
    const conn = this.#nextConn++;
    this.#clients.set(conn, { socket, login, session });
    this.#apply(this.options.chat.connect(conn, login, this.#time(), resume));
    const person = loginKey(login);
    socket.on('message', (data, isBinary) => this.#receive(conn, person, data, isBinary));
    socket.on('error', () => undefined); // ws closes the socket itself, with 1009 (too big) or 1007 (bad UTF-8)
    socket.once('close', () => this.#leave(conn));
  }

  /** Closes with 4001 the connections opened with this session, when it is logged out; the person's other sessions keep theirs. */
  disconnect(session: string, reason: string): void {
    for (const client of this.#clients.values()) {
      if (client.session === session) client.socket.close(LOGGED_OUT, reason);
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

  #receive(conn: ConnId, person: string, data: RawData, isBinary: boolean): void {
    if (this.#closing) return;
    if (!this.#rates.take(person, this.#time())) {
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
        return this.#signal(conn, chat.signal(conn, frame.to, frame.data, this.#time()));
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

  /**
   * Relays a signal only to someone who keeps up: signaling must never be what fills a client's
   * buffer and gets them dropped (see {@link Hub.#write}), whoever floods them. Past a quarter of
   * `maxBufferedBytes`, the sender is told to try again instead.
   */
  #signal(conn: ConnId, fx: Effects): void {
    const { to, frame } = fx.send[0] ?? {};
    const target = frame?.type === 'signal' ? this.#clients.get(to![0]!) : undefined;
    if (target && target.socket.bufferedAmount > this.options.maxBufferedBytes / 4) {
      return this.#refuse(conn, 'peer-busy', `${target.login} is not keeping up with what they receive: try again in a moment.`);
    }
    this.#apply(fx);
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
