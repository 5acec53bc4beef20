import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { parseClientFrame, type Parsed, type ServerFrame } from '../../shared/protocol.ts';
import type { RateLimit } from '../core/rate-limit.ts';
import { encodeFrame } from './frame.ts';
import type { Client, Hub } from './hub.ts';
import { Outbox } from './outbox.ts';

const BINARY: Parsed = { ok: false, code: 'binary-frame', message: 'Frames must be text (JSON), not binary.' };

/** Each socket's connection, for the listeners below. */
const connections = new WeakMap<WebSocket, WsConnection>();

/**
 * A browser's connection: JSON frames in WebSocket frames. Frames from the socket go to the hub;
 * frames from the hub are encoded once (`encodeFrame`) and go out through an {@link Outbox}.
 */
export class WsConnection implements Client {
  limit: RateLimit | undefined = undefined;
  readonly #outbox: Outbox;

  /** `wire` is the TCP socket under `socket`, as the upgrade handed it over. */
  constructor(
    readonly hub: Hub,
    readonly socket: WebSocket,
    wire: Duplex,
    readonly login: string,
    /** The session the socket was opened with: logging it out closes the socket. */
    readonly session: string,
  ) {
    this.#outbox = new Outbox(wire, hub.flusher, socket);
    connections.set(socket, this);
    socket.on('message', onMessage);
    socket.on('error', ignore); // ws closes the socket itself, with 1009 (too big) or 1007 (bad UTF-8)
    socket.on('close', onClose);
  }

  get transport(): 'websocket' {
    return 'websocket';
  }

  get open(): boolean {
    return this.#outbox.open;
  }

  get backlog(): number {
    return this.#outbox.backlog;
  }

  send(frame: ServerFrame): void {
    this.#outbox.push(encodeFrame(frame));
  }

  /** Closes once the frames waiting for it are sent: they came before the close. */
  close(code: number, reason: string): void {
    this.#outbox.flush();
    this.socket.close(code, reason);
  }

  cutOff(reason: string): void {
    this.#outbox.cutOff(reason);
  }

  whenClosed(): Promise<void> {
    return new Promise((resolve) => (this.socket.readyState === this.socket.CLOSED ? resolve() : this.socket.once('close', () => resolve())));
  }
}

// One listener of each kind for every socket (Node calls it with `this` set to the socket): an
// arrow in the constructor would be a closure per connection, kept as long as the connection lasts.
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const connection = connections.get(this)!;
  connection.hub.receive(connection, isBinary ? BINARY : parseClientFrame(data.toString()));
}

function onClose(this: WebSocket): void {
  const connection = connections.get(this)!;
  connection.hub.leave(connection);
}

function ignore(): void {}

/** The browsers' sockets among the hub's clients: the heartbeat pings them. */
export function* webSockets(clients: Iterable<Client>): Iterable<WebSocket> {
  for (const client of clients) if (client instanceof WsConnection) yield client.socket;
}
