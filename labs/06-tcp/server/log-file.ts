import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { logFileName } from './core/log-format.ts';

/** More runs than this starting in one second means something is wrong. */
const MAX_ATTEMPTS = 100;

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
  /** The lines waiting for the next write, and that write, once a line waits. */
  #batch: { lines: string[]; written: Promise<void> } | undefined;

  /** Resolves to the file's path once it is created. */
  readonly path: Promise<string>;

  /**
   * Creates `chat_YYYYMMDD-hhmmss.log` in `dir` for a run started at `startedAt`, or the
   * next free `_2`, `_3`… name. The file is created exclusively, so no two runs ever share one.
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
      const written = this.#queue.then(async () => {
        this.#batch = undefined; // the lines appended from now on wait for the next write
        await (await this.#handle).appendFile(`${lines.join('\n')}\n`, 'utf8');
      });
      this.#batch = { lines, written };
      this.#queue = written.catch(() => undefined);
    }
    this.#batch.lines.push(line);
    return this.#batch.written;
  }

  /** Waits for queued lines to be written, then closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    await (await this.#handle.catch(() => undefined))?.close();
  }
}

async function createExclusive(dir: string, startedAt: Date): Promise<{ handle: FileHandle; path: string }> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const path = join(dir, logFileName(startedAt, attempt));
    try {
      return { handle: await open(path, 'wx'), path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`more than ${MAX_ATTEMPTS} runs started at ${startedAt.toISOString()}`);
}
