import { appendFile, readFile } from 'node:fs/promises';

/** One client's log file: nobody else writes to it, since each client has its own. */
export class LogFile {
  constructor(readonly path: string) {}

  /** Appends one line (given without its newline). */
  async append(line: string): Promise<void> {
    await appendFile(this.path, `${line}\n`, 'utf8');
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
}
