/**
 * A crowd of WebSocket clients in one process, talking to lab 04 or to the bare relay. Every
 * benchmark message carries, in its text, who sent it, its number and when it left; every
 * client reads those four numbers back from what it receives, with the sender's clock: one
 * process, one clock (`performance.now()`), so latencies need no clock sync.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** Which server, and where. */
export interface Target {
  kind: 'lab04' | 'bare';
  port: number;
  pid: number;
  /** Where the server writes its memory use after a GC (see lib/server-side.ts). */
  memoryFile: string;
}

/** Called for every benchmark message a client receives (`receiver` is the client's index). */
export type OnDelivery = (receiver: number, step: number, sender: number, seq: number, sentMicros: number) => void;

/** Microseconds on this process's monotonic clock. */
export const micros = () => Math.round(performance.now() * 1000);

/**
 * Every benchmark message's text starts with `~`, then four numbers: `~step sender seq micros`.
 * Lab 04 sends it back inside an entry (`…"text":"~1 4 17 2093311"}}`), the bare relay as it was
 * sent (`{"type":"send","text":"~1 4 17 2093311"}`): either way it follows this marker.
 */
const MARK = Buffer.from('"text":"~');
const SPACE = 0x20;
const QUOTE = 0x22;
const ZERO = 0x30;

/** The frame a client sends: the same JSON for both servers (lab 04 reads it, the relay copies it). */
export function sayFrame(step: number, sender: number, seq: number, sentMicros: number): string {
  return `{"type":"send","text":"~${step} ${sender} ${seq} ${sentMicros}"}`;
}

/**
 * Reads the four numbers of a benchmark message straight from the received bytes into `out`,
 * without turning the frame into a string or parsing its JSON: at hundreds of thousands of
 * frames a second, the load generator must stay much cheaper than the server it measures.
 * Returns false for any other frame (notices, room lists, welcomes…).
 */
export function readMessage(data: Buffer, out: Float64Array): boolean {
  const at = data.indexOf(MARK);
  if (at < 0) return false;
  out.fill(0);
  let field = 0;
  for (let i = at + MARK.length; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === QUOTE) return field === 3;
    if (byte === SPACE) field++;
    else out[field] = out[field]! * 10 + (byte - ZERO);
  }
  return false;
}

export interface OpenOptions {
  /** Session cookies, one per client (lab 04 only). */
  cookies?: string[];
  /** Handshakes in flight at once. */
  concurrency?: number;
  /** Give up (throw) if the crowd is not connected by then (a `performance.now()` time, ms). */
  deadline: number;
}

export class Crowd {
  readonly sockets: WebSocket[] = [];
  onDelivery: OnDelivery | undefined;
  /** Every frame received, benchmark message or not. */
  frames = 0;
  /** When the last frame arrived (`performance.now()`, ms). */
  lastFrameAt = 0;
  /** Sockets the server closed or cut while the crowd was open, by close code. */
  readonly unexpectedCloses = new Map<number, number>();
  #closing = false;
  readonly #numbers = new Float64Array(4);

  private constructor(readonly target: Target) {}

  /** Opens `count` clients, `concurrency` handshakes at a time; resolves once all are open. */
  static async open(target: Target, count: number, options: OpenOptions): Promise<Crowd> {
    const crowd = new Crowd(target);
    await crowd.grow(count, options);
    return crowd;
  }

  /** Opens more clients, until there are `total`; client `i` uses `cookies[i]`. */
  async grow(total: number, { cookies, concurrency = 50, deadline }: OpenOptions): Promise<void> {
    let next = this.sockets.length;
    const worker = async () => {
      while (next < total) {
        if (performance.now() > deadline) throw new Error(`only ${next} of ${total} clients connected in time`);
        const index = next++;
        await this.#connect(index, cookies?.[index]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total - next) }, worker));
  }

  get size(): number {
    return this.sockets.length;
  }

  /** Client `sender` sends one benchmark message. */
  say(sender: number, step: number, seq: number): void {
    this.sockets[sender]!.send(sayFrame(step, sender, seq, micros()));
  }

  /** Resolves once no frame has arrived for `quietMs`, or after `maxMs` whatever happens. */
  async settle(quietMs: number, maxMs: number): Promise<boolean> {
    const start = performance.now();
    while (performance.now() - start < maxMs) {
      if (performance.now() - Math.max(this.lastFrameAt, start) >= quietMs) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, quietMs)));
    }
    return false;
  }

  /** Cuts every connection at once (no closing handshake): the benchmark is over. */
  terminate(): void {
    this.#closing = true;
    for (const socket of this.sockets) socket.terminate();
  }

  async #connect(index: number, cookie: string | undefined): Promise<void> {
    const url = this.target.kind === 'lab04' ? `ws://127.0.0.1:${this.target.port}/ws` : `ws://127.0.0.1:${this.target.port}/`;
    // No compression (neither server offers it), and no UTF-8 check of every frame: the
    // client's work per frame should be as small as it can be.
    const socket = new WebSocket(url, { headers: cookie ? { cookie } : {}, perMessageDeflate: false, skipUTF8Validation: true });
    this.sockets[index] = socket;
    socket.on('message', (data) => this.#receive(index, data as Buffer));
    socket.on('close', (code) => {
      if (!this.#closing) this.unexpectedCloses.set(code, (this.unexpectedCloses.get(code) ?? 0) + 1);
    });
    await once(socket, 'open'); // rejects with the error if the handshake fails
    socket.on('error', () => undefined); // a later error is followed by 'close', counted above
  }

  #receive(receiver: number, data: Buffer): void {
    this.frames++;
    this.lastFrameAt = performance.now();
    const n = this.#numbers;
    if (this.onDelivery && readMessage(data, n)) this.onDelivery(receiver, n[0]!, n[1]!, n[2]!, n[3]!);
  }
}
