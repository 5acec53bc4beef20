import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { LOGIN_PROMPT, PASSWORD_PROMPT } from '../shared/text-protocol.ts';

const PROMPTS = [LOGIN_PROMPT, PASSWORD_PROMPT];

/**
 * A raw TCP client for tests, as `nc` is: it keeps every line the server sends (prompts apart), so
 * a test can wait for the next line that matches, without sleeping. It decodes with Node's own
 * UTF-8 decoder and splits lines itself: nothing of the server's framing is reused.
 */
export class LineClient {
  readonly lines: string[] = [];
  /** Text after the last newline: a prompt waits there. */
  partial = '';
  #cursor = 0;
  #waiting: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      const lines = (this.partial + text).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) this.lines.push(stripPrompts(line));
      this.#wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.#wake());
  }

  static async connect(port: number): Promise<LineClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new LineClient(socket);
  }

  /** Connects, waits for each prompt, logs in, and waits for the welcome. `before` lines go first (e.g. `#resume`). */
  static async logIn(port: number, login: string, password = 'correct horse battery', before: string[] = []): Promise<LineClient> {
    const client = await LineClient.connect(port);
    for (const line of before) {
      await client.prompt(LOGIN_PROMPT);
      client.send(line);
    }
    await client.prompt(LOGIN_PROMPT);
    client.send(login);
    await client.prompt(PASSWORD_PROMPT);
    client.send(password);
    await client.next(/^\*\*\* Hello /);
    return client;
  }

  /** The next line, not yet taken by `next`, that matches; rejects if the connection closes first. */
  async next(match: RegExp | string): Promise<string> {
    for (;;) {
      const index = this.lines.findIndex((line, i) => i >= this.#cursor && (typeof match === 'string' ? line === match : match.test(line)));
      if (index >= 0) {
        this.#cursor = index + 1;
        return this.lines[index]!;
      }
      await this.#arrival(`a line matching ${match}`);
    }
  }

  /** Waits until the server's last words are `prompt`, with no newline after them. */
  async prompt(prompt: string): Promise<void> {
    while (!this.partial.endsWith(prompt)) await this.#arrival(`the prompt "${prompt}"`);
    this.partial = '';
  }

  /** Every line that matches so far, whether taken or not. */
  all(match: RegExp): string[] {
    return this.lines.filter((line) => match.test(line));
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** Resolves once the server has closed the connection. */
  async end(): Promise<void> {
    this.socket.end();
    await this.closed;
  }

  #arrival(what: string): Promise<void> {
    if (this.socket.closed) return Promise.reject(new Error(`the connection closed while waiting for ${what}; lines: ${JSON.stringify(this.lines.slice(-5))}`));
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #wake(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }
}

function stripPrompts(line: string): string {
  for (let prompt = PROMPTS.find((p) => line.startsWith(p)); prompt; prompt = PROMPTS.find((p) => line.startsWith(p))) {
    line = line.slice(prompt.length);
  }
  return line;
}
