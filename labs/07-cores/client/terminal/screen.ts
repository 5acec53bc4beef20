import { clearLine, clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** The terminal's output, through which readline echoes what is typed; muted while a password is typed. */
class Echo extends Writable {
  muted = false;

  constructor(private readonly target: NodeJS.WritableStream & { columns?: number }) {
    super();
  }

  get columns(): number | undefined {
    return this.target.columns;
  }

  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    if (!this.muted) this.target.write(chunk);
    done();
  }
}

/**
 * The terminal: a prompt that stays on the bottom line while lines from the chat are printed
 * above it, with what the person was typing left as it was. With a pipe or a file instead of a
 * terminal (a test, a script), it reads lines and prints lines, and shows no prompt.
 */
export class Screen {
  readonly #tty: boolean;
  readonly #echo: Echo;
  readonly #readline: Interface;
  readonly #lines: AsyncIterator<string>;
  #chatting = false;

  constructor(
    input: NodeJS.ReadableStream & { isTTY?: boolean },
    private readonly output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  ) {
    this.#tty = input.isTTY === true && output.isTTY === true;
    this.#echo = new Echo(output);
    this.#readline = createInterface({ input, output: this.#echo, terminal: this.#tty });
    this.#lines = this.#readline[Symbol.asyncIterator]();
  }

  /** Asks for one line (undefined once the input has ended); what is typed stays hidden with `hidden` (a password). */
  async ask(question: string, { hidden = false } = {}): Promise<string | undefined> {
    if (this.#tty) {
      this.#readline.setPrompt(question);
      this.#readline.prompt();
      this.#echo.muted = hidden;
    }
    const { value, done } = await this.#lines.next();
    if (this.#echo.muted) {
      this.#echo.muted = false;
      this.output.write('\n');
    }
    return done ? undefined : value;
  }

  /** Calls `onLine` with each line typed from now on, and `onEnd` at the end of the input (Ctrl-D, Ctrl-C, or the end of a pipe). */
  async chat(onLine: (line: string) => void, onEnd: () => void): Promise<void> {
    this.#chatting = true;
    this.#readline.on('SIGINT', () => this.#readline.close());
    if (this.#tty) this.#readline.prompt();
    for (let line = await this.#lines.next(); !line.done; line = await this.#lines.next()) {
      if (this.#tty) this.#forget(line.value);
      onLine(line.value);
      if (this.#tty) this.#readline.prompt();
    }
    onEnd();
  }

  /** Erases the line just typed (and the rows it wrapped onto): the server sends it back as an entry, with its time. */
  #forget(line: string): void {
    const rows = Math.ceil((this.#readline.getPrompt().length + line.length) / (this.output.columns || 80)) || 1;
    moveCursor(this.output, 0, -rows);
    clearScreenDown(this.output);
  }

  /** The prompt names the room: `#lobby> `. */
  setRoom(room: string): void {
    this.#readline.setPrompt(`#${room}> `);
    if (this.#tty && this.#chatting) this.#readline.prompt(true);
  }

  /** Prints a line above the prompt, and draws the prompt again with what was being typed. */
  print(text: string): void {
    if (!this.#tty) return void this.output.write(`${text}\n`);
    clearLine(this.output, 0);
    cursorTo(this.output, 0);
    this.output.write(`${text}\n`);
    if (this.#chatting) this.#readline.prompt(true);
  }

  close(): void {
    this.#readline.close();
  }
}
