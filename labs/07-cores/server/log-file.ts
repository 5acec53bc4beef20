import { randomUUID } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { eventLine, logFileName } from './core/log-format.ts';

/** Past `_9`, `ls` no longer lists the runs of one second in order: a random name is as good. */
const MAX_ATTEMPTS = 9;

/**
 * The log file of one run of the server, written through one open file handle, in order, whole
 * lines only; nobody waits for the writes, so writing never delays delivery.
 *
 * Lines are written in batches (a group commit): a line appended while a write is under way
 * waits for it, with every other line appended meanwhile, and they all go out in the next write.
 * A busy chat thus costs one write for many lines instead of one write per line; a quiet one
 * still writes each line at once.
 */
export class LogFile {
  #handle: Promise<FileHandle>;
  /** The last write asked for: the next batch is written once it is done. */
  #queue: Promise<unknown>;
  /** The lines that could not be written since the last write that worked. */
  #lost = 0;
  /** The lines waiting for the next write, and that write, once a line waits. */
  #batch: { lines: string[]; written: Promise<void> } | undefined;

  /** Resolves to the file's path once it is created. */
  readonly path: Promise<string>;

  /**
   * Creates `chat_YYYYMMDD-hhmmss.log` in `dir` for a run started at `startedAt`, or the
   * next free `_2`, `_3`… `_9` name, or else one with a random suffix. The file is created
   * exclusively, so no two runs ever share one, however many start in the same second.
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
    if (!this.#batch) {
      const lines: string[] = [];
      const written = this.#queue.then(() => {
        this.#batch = undefined; // the lines appended from now on wait for the next write
        return this.#write(`${lines.join('\n')}\n`);
      });
      this.#batch = { lines, written };
      this.#queue = written.catch(() => (this.#lost += lines.length));
    }
    this.#batch.lines.push(line);
    return this.#batch.written;
  }

  /**
   * Writes whole lines. If the write fails (a full disk, say), it may have written part of them:
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
  const path = join(dir, logFileName(startedAt, randomUUID())); // a name no other run can have
  return { handle: await open(path, 'ax'), path };
}
