/**
 * A crowd of terminals in one process: raw TCP connections to lab 06's line protocol, each logged
 * in as `bench<i>`, sending and timing the same benchmark messages as the WebSocket crowd
 * (`load/crowd.ts`), so that the two transports are measured by the same steps
 * (`load/traffic.ts`, `load/scenarios.ts`). A message `~step sender seq micros` comes back as the
 * line `[hh:mm:ss] #lobby <bench4> ~1 4 17 2093311`; its numbers are read from the bytes, without
 * decoding the line.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PASSWORD, loginOf } from '../lib/accounts.ts';
import { settle } from '../lib/job.ts';
import { micros, type Crowd, type OnDelivery, type Target } from '../load/crowd.ts';

/** What `load/traffic.ts` and `load/scenarios.ts` use of a crowd. */
export type CrowdLike = Pick<Crowd, 'target' | 'size' | 'say' | 'onDelivery' | 'settle' | 'unexpectedCloses' | 'terminate' | 'frames' | 'lastFrameAt'>;

const NEWLINE = 0x0a;
const SPACE = 0x20;
const ZERO = 0x30;
/** What precedes a benchmark message's numbers in an entry line: the end of `<bench4>`, a space, `~`. */
const MARK = Buffer.from('> ~');
const WELCOME = Buffer.from('*** Hello ');

export class TcpCrowd implements CrowdLike {
  readonly sockets: Socket[] = [];
  onDelivery: OnDelivery | undefined;
  /** Every line received, benchmark message or not. */
  frames = 0;
  lastFrameAt = 0;
  /** Connections the server closed while the crowd was open (TCP has no close code: 0). */
  readonly unexpectedCloses = new Map<number, number>();
  #closing = false;
  /** Per client: the start of a line cut by the end of a read. */
  readonly #partial: (Buffer | undefined)[] = [];
  readonly #welcomed: ((() => void) | undefined)[] = [];
  readonly #numbers = new Float64Array(4);

  private constructor(readonly target: Target) {}

  /**
   * Opens and logs in `count` terminals, `concurrency` at a time; resolves once all are welcomed.
   * At most 8 at once, as `logInAll` does: the lab counts a log-in as failed until its password
   * is checked, and 20 failures from one address lock that address out.
   */
  static async open(target: Target, count: number, { concurrency = 8, deadline }: { concurrency?: number; deadline: number }): Promise<TcpCrowd> {
    const crowd = new TcpCrowd(target);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        if (performance.now() > deadline) throw new Error(`only ${next} of ${count} terminals logged in in time`);
        await crowd.#connect(next++);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return crowd;
  }

  get size(): number {
    return this.sockets.length;
  }

  /** Terminal `sender` types one benchmark message. */
  say(sender: number, step: number, seq: number): void {
    this.sockets[sender]!.write(`~${step} ${sender} ${seq} ${micros()}\n`);
  }

  /** Resolves once no line has arrived for `quietMs`, or after `maxMs` whatever happens. */
  settle(quietMs: number, maxMs: number): Promise<boolean> {
    return settle(() => this.lastFrameAt, quietMs, maxMs);
  }

  terminate(): void {
    this.#closing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  async #connect(index: number): Promise<void> {
    const socket = connect(this.target.port, '127.0.0.1');
    socket.setNoDelay(true);
    this.sockets[index] = socket;
    const welcomed = new Promise<void>((resolve, reject) => {
      this.#welcomed[index] = resolve;
      socket.once('close', () => reject(new Error(`${loginOf(index)} was not let in: ${this.#partial[index]?.toString() ?? 'the connection closed'}`)));
    });
    socket.on('data', (chunk: Buffer) => this.#receive(index, chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!this.#closing) this.unexpectedCloses.set(0, (this.unexpectedCloses.get(0) ?? 0) + 1);
    });
    await once(socket, 'connect');
    socket.write(`${loginOf(index)}\n${PASSWORD}\n`);
    await welcomed;
  }

  #receive(index: number, chunk: Buffer): void {
    const partial = this.#partial[index];
    const data = partial ? Buffer.concat([partial, chunk]) : chunk;
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      this.#line(index, data, start, end);
      start = end + 1;
    }
    this.#partial[index] = start < data.length ? data.subarray(start) : undefined;
  }

  #line(index: number, data: Buffer, start: number, end: number): void {
    this.frames++;
    this.lastFrameAt = performance.now();
    const line = data.subarray(start, end);
    const welcome = this.#welcomed[index];
    if (welcome && line.includes(WELCOME)) {
      this.#welcomed[index] = undefined;
      welcome();
    }
    const at = this.onDelivery ? line.indexOf(MARK) : -1;
    if (at < 0) return;
    const n = this.#numbers;
    n.fill(0);
    let field = 0;
    for (let i = at + MARK.length; i < line.length; i++) {
      const byte = line[i]!;
      if (byte === SPACE) field++;
      else n[field] = n[field]! * 10 + (byte - ZERO);
    }
    if (field === 3) this.onDelivery!(index, n[0]!, n[1]!, n[2]!, n[3]!);
  }
}
