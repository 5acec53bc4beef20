import { open, type FileHandle } from 'node:fs/promises';
import { eventLine } from './core/log-format.ts';

/** How much of the file's end `tail` reads at a time. */
const CHUNK_BYTES = 16 * 1024;

/**
 * The chat's one shared log file. Both clients write through this one object: appends wait in a
 * queue and go out one whole line at a time, in the order they were asked for, through one open
 * file handle. So two requests at once can never interleave, tear or lose a line.
 */
export class LogFile {
  #handle: Promise<FileHandle> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The lines that could not be written since the last write that worked. */
  #lost = 0;

  constructor(readonly path: string) {}

  /** Appends one line (given without its newline); resolves once it is written. */
  append(line: string): Promise<void> {
    const write = this.#queue.then(async () => {
      this.#handle ??= this.#open();
      await this.#write(await this.#handle, `${line}\n`);
    });
    this.#queue = write.catch(() => this.#lost++);
    return write;
  }

  /**
   * Writes one line. If the write fails (a full disk, say), it may have written part of the line:
   * the file is cut back to its last whole line, so the next line cannot be glued to that part.
   * The next write that works begins with an event line saying how many lines are missing.
   */
  async #write(handle: FileHandle, text: string): Promise<void> {
    const { size } = await handle.stat(); // where the last whole line ends
    if (this.#lost > 0) text = lostLine(this.#lost) + text;
    try {
      await handle.appendFile(text, 'utf8');
    } catch (error) {
      await handle.truncate(size);
      throw error;
    }
    this.#lost = 0;
  }

  /**
   * The last `maxLines` complete lines, read backwards from the end of the file, so the cost
   * depends on those lines only, never on the size of the whole log. '' when there is no file.
   */
  async tail(maxLines: number): Promise<string> {
    const file = await open(this.path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!file) return '';
    try {
      return await readTail(file, maxLines);
    } finally {
      await file.close();
    }
  }

  /** Waits for queued lines to be written, then closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    const handle = this.#handle;
    this.#handle = undefined;
    await (await handle)?.close();
  }

  /** Opens for appending; a failed open is forgotten, so the next append tries again. */
  #open(): Promise<FileHandle> {
    return open(this.path, 'a').catch((error: Error) => {
      this.#handle = undefined;
      throw error;
    });
  }
}

/** The event line that marks where lines are missing from the log. */
function lostLine(lost: number): string {
  return `${eventLine(new Date(), `${lost} line(s) lost here: the log could not be written`)}\n`;
}

async function readTail(file: FileHandle, maxLines: number): Promise<string> {
  const { size } = await file.stat();
  const chunks: Buffer[] = [];
  let start = size;
  let newlines = 0;
  while (start > 0 && newlines <= maxLines) {
    const length = Math.min(CHUNK_BYTES, start);
    start -= length;
    const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, start);
    const chunk = buffer.subarray(0, bytesRead);
    chunks.unshift(chunk);
    for (const byte of chunk) if (byte === 0x0a) newlines++;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').slice(0, -1);
  return lines.slice(-maxLines).map((line) => `${line}\n`).join('');
}
