import { randomUUID } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { eventLine, logFileName } from './core/log-format.ts';

/** Past `_9`, `ls` no longer lists the sessions of one second in order: a random name is as good. */
const MAX_ATTEMPTS = 9;

/**
 * One chat session's log file. Appends wait in a queue and go out one whole line at a time, in
 * order, through one open file handle; nobody waits for them, so writing never delays delivery.
 */
export class LogFile {
  #handle: Promise<FileHandle>;
  #queue: Promise<unknown>;
  /** The lines that could not be written since the last write that worked. */
  #lost = 0;

  /** Resolves to the file's path once it is created. */
  readonly path: Promise<string>;

  /**
   * Creates `chat_YYYYMMDD-hhmmss.log` in `dir` for a session started at `startedAt`, or the
   * next free `_2`, `_3`… `_9` name, or else one with a random suffix. The file is created
   * exclusively, so no two sessions ever share one, however many start in the same second.
   */
  constructor(dir: string, startedAt: Date) {
    const created = createExclusive(dir, startedAt);
    this.#handle = created.then(({ handle }) => handle);
    this.path = created.then(({ path }) => path);
    this.#queue = created.catch(() => undefined);
    this.path.catch(() => undefined);
  }

  /** Appends one line (given without its newline); resolves once it is written. */
  append(line: string): Promise<void> {
    const write = this.#queue.then(() => this.#write(`${line}\n`));
    this.#queue = write.catch(() => this.#lost++);
    return write;
  }

  /**
   * Writes one line. If the write fails (a full disk, say), it may have written part of the line:
   * the file is cut back to its last whole line, so the next line cannot be glued to that part.
   * The next write that works begins with an event line saying how many lines are missing.
   */
  async #write(text: string): Promise<void> {
    const handle = await this.#handle;
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

  /** Waits for queued lines to be written, then closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    await (await this.#handle.catch(() => undefined))?.close();
  }
}

/** The event line that marks where lines are missing from the log. */
function lostLine(lost: number): string {
  return `${eventLine(new Date(), `${lost} line(s) lost here: the log could not be written`)}\n`;
}

async function createExclusive(dir: string, startedAt: Date): Promise<{ handle: FileHandle; path: string }> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const path = join(dir, logFileName(startedAt, attempt));
    try {
      return { handle: await open(path, 'ax'), path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const path = join(dir, logFileName(startedAt, randomUUID())); // a name no other session can have
  return { handle: await open(path, 'ax'), path };
}
