import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/**
 * One connection's frames (or, over TCP, lines) on their way out. The frames it is sent during one turn of the event
 * loop wait here and go out together at the end of that turn (see {@link Flusher}), in one write.
 * Under load, a turn reads many messages from many sockets, so each recipient gets one system
 * call and one TCP segment for all of them instead of one each. When the server is quiet, a
 * frame only waits for the rest of its turn: microseconds.
 *
 * Frames are written to the TCP socket under the WebSocket: ws has no call to send bytes that
 * are already a frame. That is safe because this server never compresses (ws only holds frames
 * back while compressing) and writes whole frames only, so ws's own pings and close frames fall
 * between them, never inside one.
 */
export class Outbox {
  /**
   * The first frame waiting, and the rest after it. None while nothing waits (most connections
   * are idle most of the time), and no array for one frame (a turn mostly gives a connection one).
   */
  #first: Buffer | undefined;
  #more: Buffer[] | undefined;
  #bytes = 0;
  #waitingForDrain = false;

  constructor(
    /** The TCP socket the bytes go to. */
    private readonly wire: Duplex,
    private readonly flusher: Flusher,
    /** The WebSocket over `wire`, if any: no frame may follow its close frame. */
    private readonly socket?: WebSocket,
  ) {}

  /** False once the connection is closing or was cut off: nothing more goes out. */
  get open(): boolean {
    return this.wire.writable && (this.socket === undefined || this.socket.readyState === WebSocket.OPEN);
  }

  /** Bytes not sent yet: waiting here, or written but still in the socket's buffer. */
  get backlog(): number {
    return this.#bytes + (this.socket?.bufferedAmount ?? this.wire.writableLength);
  }

  /** Queues a frame built by `encodeFrame` (or a line, over TCP), to go out at the end of this turn. */
  push(frame: Buffer): void {
    if (!this.#first) {
      this.#first = frame;
      this.flusher.schedule(this);
    } else {
      (this.#more ??= []).push(frame);
    }
    this.#bytes += frame.length;
  }

  /**
   * Writes what waits, now. Corked, the socket sends every frame in one `writev`, without copying
   * them. While the socket still holds a previous write it could not pass on (the client reads
   * slowly, or not at all), frames keep waiting here until it drains: then cutting the client off
   * only drops this array, instead of making Node fail thousands of queued writes one by one.
   */
  flush(): void {
    const first = this.#first;
    const more = this.#more;
    if (!first || this.#waitingForDrain) return;
    if (this.wire.writableNeedDrain) return this.#waitForDrain();
    this.#first = this.#more = undefined;
    this.#bytes = 0;
    if (!this.open) return;
    if (!more) return void this.wire.write(first);
    this.wire.cork();
    this.wire.write(first);
    for (const frame of more) this.wire.write(frame);
    this.wire.uncork();
  }

  #waitForDrain(): void {
    this.#waitingForDrain = true;
    this.wire.once('drain', () => {
      this.#waitingForDrain = false;
      this.flush();
    });
  }

  /**
   * Ends the connection at once, dropping what waits. The TCP socket is destroyed *with* an
   * error: Node then hands that one error to every write still queued in the socket. Destroyed
   * without one (as `socket.terminate()` does), it builds a new error, stack trace and all, for
   * each of them: about a second of frozen event loop for 16 MiB of short frames.
   */
  cutOff(reason: string): void {
    this.#first = this.#more = undefined;
    this.#bytes = 0;
    this.wire.destroy(new Error(reason));
  }
}

/** After a flush that took `d` ms, the next one starts `d × PACING` ms later at the earliest. */
const PACING = 0.5;

/**
 * Flushes every {@link Outbox} that has frames, once per turn of the event loop, after the
 * turn's I/O; right after a long flush, a little later (see {@link Flusher.flushAll}).
 */
export class Flusher {
  #waiting: Outbox[] = [];
  #nextAt = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Flushes `outbox` at the end of this turn (`setImmediate` runs once the turn's I/O is done), or at the paced time. */
  schedule(outbox: Outbox): void {
    if (this.#waiting.push(outbox) > 1) return;
    const wait = this.#nextAt - this.now();
    if (wait > 0) setTimeout(() => this.flushAll(), wait);
    else setImmediate(() => this.flushAll());
  }

  /**
   * Flushes every outbox that waits, now. A flush that took `d` ms is followed by at least
   * `d × PACING` ms of reading before the next one: a server too busy writing to read would
   * otherwise take one new message or connection per turn and write its frames at once, one
   * write per recipient. Paced, what arrives meanwhile goes out together, so the cost of a burst
   * (1000 people arriving in a lobby, each announced to everyone there) is one write per
   * recipient per flush, not per arrival. A quiet server's flushes take microseconds: it never waits.
   */
  flushAll(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    const start = this.now();
    for (const outbox of waiting) outbox.flush();
    const end = this.now();
    this.#nextAt = end + (end - start) * PACING;
  }
}
