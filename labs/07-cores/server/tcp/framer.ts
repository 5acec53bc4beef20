import { MAX_LINE_BYTES } from '../../shared/text-protocol.ts';

/** What a chunk of bytes completes: a line, or a line that was refused (and skipped). */
export type Framed = { kind: 'line'; text: string } | { kind: 'too-long' } | { kind: 'not-utf8' };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Cuts a TCP byte stream into lines. TCP delivers bytes, not messages: one read may hold half a
 * line, several lines, or end in the middle of a character. So bytes wait here until their `\n`
 * arrives. A `\n` byte is never part of a longer UTF-8 character, so the bytes are cut first and
 * each whole line is decoded once it is complete: a character split between two reads is whole
 * by then. A `\r` before the `\n` (as telnet and Windows send) is dropped.
 *
 * A line longer than `maxBytes` is reported once, as soon as it passes the limit (nothing waits
 * for its end), and its bytes are skipped up to the next `\n`. A line that is not UTF-8 is
 * reported instead of being guessed at.
 */
export class LineFramer {
  #parts: Buffer[] = [];
  #length = 0;
  #skipping = false;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Feeds the bytes of one read; returns the lines they complete, in order. */
  push(chunk: Buffer): Framed[] {
    const framed: Framed[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.#keep(chunk.subarray(start, end), framed);
      const line = this.#finish();
      if (line) framed.push(line);
      start = end + 1;
    }
    this.#keep(chunk.subarray(start), framed);
    return framed;
  }

  /** Bytes of an unfinished line that wait for their `\n`. */
  get pending(): number {
    return this.#length;
  }

  #keep(bytes: Buffer, framed: Framed[]): void {
    if (this.#skipping || bytes.length === 0) return;
    if (this.#length + bytes.length > this.maxBytes) {
      this.#parts = [];
      this.#length = 0;
      this.#skipping = true;
      framed.push({ kind: 'too-long' });
      return;
    }
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  #finish(): Framed | undefined {
    if (this.#skipping) {
      this.#skipping = false;
      return undefined;
    }
    let bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#length);
    this.#parts = [];
    this.#length = 0;
    if (bytes.at(-1) === CARRIAGE_RETURN) bytes = bytes.subarray(0, -1);
    try {
      return { kind: 'line', text: this.#decoder.decode(bytes) };
    } catch {
      return { kind: 'not-utf8' };
    }
  }
}
