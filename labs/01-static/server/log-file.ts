import { appendFile, readFile, truncate } from 'node:fs/promises';
import { eventLine } from './core/log-format.ts';

/** One client's log file: nobody else writes to it, since each client has its own. */
export class LogFile {
  /** The lines that could not be written since the last write that worked. */
  #lost = 0;

  constructor(readonly path: string) {}

  /**
   * Appends one line (given without its newline). If the write fails (a full disk, say), it may
   * have written part of the line: the file is cut back to its last whole line, so the next line
   * cannot be glued to that part, and the next write that works begins with an event line saying
   * how many lines are missing.
   */
  async append(line: string): Promise<void> {
    const lost = this.#lost > 0 ? lostLine(this.#lost) : '';
    try {
      await appendFile(this.path, `${lost}${line}\n`, 'utf8');
    } catch (error) {
      this.#lost++;
      await this.#cutBack();
      throw error;
    }
    this.#lost = 0;
  }

  /** The whole file, or '' when nothing was written yet. */
  async read(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  /** Cuts off the end of the file after its last newline: the part of a line a failed write left. */
  async #cutBack(): Promise<void> {
    const contents = await readFile(this.path).catch(() => Buffer.alloc(0));
    if (contents.length > 0 && contents.at(-1) !== 0x0a) await truncate(this.path, contents.lastIndexOf(0x0a) + 1);
  }
}

/** The event line that marks where lines are missing from the log. */
function lostLine(lost: number): string {
  return `${eventLine(new Date(), `${lost} line(s) lost here: the log could not be written`)}\n`;
}
