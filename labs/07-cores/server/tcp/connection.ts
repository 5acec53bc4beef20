import type { Socket } from 'node:net';
import type { ServerFrame } from '../../shared/protocol.ts';
import type { RateLimit } from '../core/rate-limit.ts';
import type { Client } from '../realtime/hub.ts';
import { Outbox, type Flusher } from '../realtime/outbox.ts';
import { closedLine, renderFrame } from './render.ts';

/** Each frame's lines, made once however many terminals they go to (as `encodeFrame` does for browsers): plain, and numbered. */
const rendered = { plain: new WeakMap<ServerFrame, Buffer>(), numbered: new WeakMap<ServerFrame, Buffer>() };

function linesOf(frame: ServerFrame, numbered: boolean): Buffer {
  const cache = numbered ? rendered.numbered : rendered.plain;
  let bytes = cache.get(frame);
  if (!bytes) {
    bytes = Buffer.from(renderFrame(frame, numbered));
    cache.set(frame, bytes);
  }
  return bytes;
}

/**
 * A terminal's connection once it has logged in, as the hub sees it: the frames the hub hands it
 * go out as lines of text (`render.ts`), through the same {@link Outbox} as a browser's frames.
 * The outbox is where backpressure is handled by hand: when `socket.write()` returns false the
 * socket's buffer is full, so lines wait until its `drain` event, and a client that lets them
 * pile up is cut off by the hub.
 */
export class TcpConnection implements Client {
  limit: RateLimit | undefined = undefined;
  readonly #outbox: Outbox;
  #wantsRooms = false;

  constructor(
    readonly socket: Socket,
    readonly login: string,
    /** Entry lines start with their number: the client asked with `#resume`. */
    readonly numbered: boolean,
    flusher: Flusher,
  ) {
    this.#outbox = new Outbox(socket, flusher);
  }

  get transport(): 'tcp' {
    return 'tcp';
  }

  get open(): boolean {
    return this.#outbox.open;
  }

  get backlog(): number {
    return this.#outbox.backlog;
  }

  /**
   * Queues `frame` as lines. Room lists are sent to everyone whenever rooms change, to keep the
   * browsers' lists up to date; a terminal shows one only when its person typed `#lR`.
   */
  send(frame: ServerFrame): void {
    if (frame.type === 'rooms') {
      if (!this.#wantsRooms) return;
      this.#wantsRooms = false;
    }
    const bytes = linesOf(frame, this.numbered);
    if (bytes.length > 0) this.#outbox.push(bytes);
  }

  /** The person typed `#lR`: the next room list is theirs to read. */
  askedForRooms(): void {
    this.#wantsRooms = true;
  }

  /** Queues a line of the server's own, such as the idle question; `line` ends with `\n`. */
  write(line: string): void {
    if (this.open) this.#outbox.push(Buffer.from(line));
  }

  /** Sends what waits and a last line that says why (see `CLOSED_LINE`), then ends the connection. */
  close(code: number, reason: string): void {
    this.write(closedLine(code, reason));
    this.#outbox.flush();
    this.socket.end();
  }

  cutOff(reason: string): void {
    this.#outbox.cutOff(reason);
  }

  whenClosed(): Promise<void> {
    return new Promise((resolve) => (this.socket.closed ? resolve() : this.socket.once('close', () => resolve())));
  }
}
