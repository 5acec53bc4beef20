/**
 * A crowd of WebSocket clients in one process, talking to a lab or to one of the relays. Every
 * benchmark message carries, in its text, who sent it, its number and when it left; every
 * client reads those four numbers back from what it receives, with the sender's clock: one
 * process, one clock (`performance.now()`), so latencies need no clock sync.
 */
import { performance } from 'node:perf_hooks';
import { settle } from '../lib/job.ts';
import { isLab, type Kind } from '../lib/kinds.ts';
import { RawClient } from './raw-client.ts';

/** Which server, and where. */
export interface Target {
  kind: Kind;
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
 * A lab sends it back inside an entry (`…"text":"~1 4 17 2093311"}}`), a relay as it was
 * sent (see {@link relayFrame}): either way it follows this marker.
 */
const MARK = Buffer.from('"text":"~');
const SPACE = 0x20;
const QUOTE = 0x22;
const ZERO = 0x30;

/** The frame a client sends to a lab, which delivers it inside an `entry` frame. */
export function sayFrame(step: number, sender: number, seq: number, sentMicros: number): string {
  return `{"type":"send","text":"~${step} ${sender} ${seq} ${sentMicros}"}`;
}

/**
 * The frame a client sends to a relay, which copies it to everyone: the very `entry` frame a lab
 * would deliver for the same message, so that every server delivers the same bytes and every
 * client reads the same frames. (A relay sent the short `send` frame would deliver 40 bytes where
 * a lab delivers 130, and its receivers would have less to read.)
 */
export function relayFrame(step: number, sender: number, seq: number, sentMicros: number): string {
  const entry = `"room":"lobby","seq":${seq},"time":${Date.now()},"kind":"message","from":"bench${sender}"`;
  return `{"type":"entry","entry":{${entry},"text":"~${step} ${sender} ${seq} ${sentMicros}"}}`;
}

/**
 * Reads the four numbers of a benchmark message straight from the received bytes
 * (`data[start, end)`) into `out`, without turning the frame into a string or parsing its JSON:
 * at hundreds of thousands of frames a second, the load generator must stay much cheaper than
 * the server it measures. Returns false for any other frame (notices, room lists, welcomes…).
 */
export function readMessage(data: Buffer, start: number, end: number, out: Float64Array): boolean {
  const at = data.indexOf(MARK, start);
  if (at < 0 || at + MARK.length > end) return false;
  out.fill(0);
  let field = 0;
  for (let i = at + MARK.length; i < end; i++) {
    const byte = data[i]!;
    if (byte === QUOTE) return field === 3;
    if (byte === SPACE) field++;
    else out[field] = out[field]! * 10 + (byte - ZERO);
  }
  return false;
}

export interface OpenOptions {
  /** Session cookies, one per client (labs only). */
  cookies?: string[];
  /** Handshakes in flight at once. */
  concurrency?: number;
  /** Give up (throw) if the crowd is not connected by then (a `performance.now()` time, ms). */
  deadline: number;
}

export class Crowd {
  readonly sockets: RawClient[] = [];
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
    const frame = isLab(this.target.kind) ? sayFrame : relayFrame;
    this.sockets[sender]!.send(frame(step, sender, seq, micros()));
  }

  /** Resolves once no frame has arrived for `quietMs`, or after `maxMs` whatever happens. */
  settle(quietMs: number, maxMs: number): Promise<boolean> {
    return settle(() => this.lastFrameAt, quietMs, maxMs);
  }

  /** Cuts every connection at once (no closing handshake): the benchmark is over. */
  terminate(): void {
    this.#closing = true;
    for (const socket of this.sockets) socket.terminate();
  }

  async #connect(index: number, cookie: string | undefined): Promise<void> {
    const { kind, port } = this.target;
    const onText = (data: Buffer, start: number, end: number) => this.#receive(index, data, start, end);
    const onClose = (code: number) => {
      if (!this.#closing) this.unexpectedCloses.set(code, (this.unexpectedCloses.get(code) ?? 0) + 1);
    };
    // See raw-client.ts: a client whose work per frame is as small as it can be.
    this.sockets[index] = await RawClient.connect(port, isLab(kind) ? '/ws' : '/', cookie ? { Cookie: cookie } : {}, onText, onClose);
  }

  #receive(receiver: number, data: Buffer, start: number, end: number): void {
    this.frames++;
    this.lastFrameAt = performance.now();
    const n = this.#numbers;
    if (this.onDelivery && readMessage(data, start, end, n)) this.onDelivery(receiver, n[0]!, n[1]!, n[2]!, n[3]!);
  }
}
