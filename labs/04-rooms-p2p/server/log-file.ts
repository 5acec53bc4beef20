import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { logFileName } from './core/log-format.ts';

/** More runs than this starting in one second means something is wrong. */
const MAX_ATTEMPTS = 100;

/**
 * The log file of one run of the server, every room's entries in it. Appends wait in a queue and
 * go out one whole line at a time, in order, through one open file handle; nobody waits for them,
 * so writing never delays delivery.
 */
export class LogFile {
  #handle: Promise<FileHandle>;
  #queue: Promise<unknown>;

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
    const write = this.#queue.then(async () => {
      await (await this.#handle).appendFile(`${line}\n`, 'utf8');
    });
    this.#queue = write.catch(() => undefined);
    return write;
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
