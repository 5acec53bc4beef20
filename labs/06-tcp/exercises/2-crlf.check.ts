import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { startServer, type ServerOptions } from '../server/server.ts';
import { LOGIN_PROMPT, PASSWORD_PROMPT } from '../shared/text-protocol.ts';
import { TestClient, signUp } from '../test/ws-client.ts';

async function start(t: TestContext, options: ServerOptions = {}) {
  const dir = await tempDir(t, 'lab06-exercise-crlf');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0, rateLimit: 1000 }, options);
  t.after(() => server.close());
  const url = server.urls[0]!;
  const ben = await TestClient.connect(url, await signUp(url, 'ben'));
  t.after(() => ben.close());
  await signUp(url, 'ana');
  return { server, ben };
}

/** A raw TCP client that keeps every character the server sent, line endings included. */
class RawClient {
  text = '';
  #waiting: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.text += chunk;
      for (const wake of this.#waiting.splice(0)) wake();
    });
    socket.on('close', () => {
      for (const wake of this.#waiting.splice(0)) wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Waits until the server has sent `expected` (counting from `from`); fails if the connection closes first. */
  async until(expected: string, from = 0): Promise<number> {
    for (;;) {
      const at = this.text.indexOf(expected, from);
      if (at >= 0) return at + expected.length;
      if (this.socket.closed) assert.fail(`The connection closed before the server sent ${JSON.stringify(expected)}; it sent: ${JSON.stringify(this.text.slice(-300))}`);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** Logs in with lines ending in `ending`; returns where the server's text after the first line starts. */
  async logIn(ending: string): Promise<number> {
    const afterPrompt = await this.until(LOGIN_PROMPT);
    this.socket.write(`ana${ending}`);
    await this.until(PASSWORD_PROMPT, afterPrompt);
    this.socket.write(`correct horse battery${ending}`);
    await this.until('You are in #lobby.', afterPrompt);
    return afterPrompt;
  }
}

/** The `\n`s in `text` that do not follow a `\r`, shown with a little context. */
function bareNewlines(text: string): string[] {
  return [...text.matchAll(/(?<!\r)\n/g)].map(({ index }) => JSON.stringify(text.slice(Math.max(0, index - 30), index + 1)));
}

describe('06 tcp exercise 2: Answer telnet in its own line endings', () => {
  it('answers a client whose first line ends with \\r\\n with \\r\\n line endings: welcome, entries, tables, errors', async (t) => {
    const { server, ben } = await start(t);
    const ana = await RawClient.connect(server.tcpPort);
    t.after(() => ana.socket.destroy());
    const from = await ana.logIn('\r\n');
    ben.send({ type: 'send', text: 'hello, telnet' });
    await ana.until('<ben> hello, telnet', from);
    ana.socket.write('#lR\r\n#gR nowhere\r\n');
    await ana.until('There is no room called nowhere', from);
    await ana.until('\n', ana.text.lastIndexOf('There is no room called nowhere'));
    const bare = bareNewlines(ana.text.slice(from));
    assert.deepEqual(bare, [], `After a first line that ended with \\r\\n, every line should end with \\r\\n; these end with a bare \\n: ${bare.join(', ')}`);
  });

  it('ends the closing line with \\r\\n too', async (t) => {
    const { server } = await start(t);
    const ana = await RawClient.connect(server.tcpPort);
    const from = await ana.logIn('\r\n');
    ana.socket.write('#exit\r\n');
    await once(ana.socket, 'close');
    assert.match(ana.text, /\*\*\* closed: bye \(1000\)\r\n$/, `The last line should be "*** closed: bye (1000)" and end with \\r\\n; the server's last words were ${JSON.stringify(ana.text.slice(-40))}`);
    assert.deepEqual(bareNewlines(ana.text.slice(from)), []);
  });

  it('asks "Still there?" with \\r\\n as well', async (t) => {
    const { server } = await start(t, { tcpIdleMs: 1000 });
    const ana = await RawClient.connect(server.tcpPort);
    t.after(() => ana.socket.destroy());
    const from = await ana.logIn('\r\n');
    const asked = await ana.until('*** Still there?', from);
    await ana.until('\n', asked);
    assert.deepEqual(bareNewlines(ana.text.slice(from)), [], 'The idle question should end with \\r\\n.');
  });

  it('keeps \\n for a client that sends \\n, and for the messages\' own newlines', async (t) => {
    const { server, ben } = await start(t);
    const ana = await RawClient.connect(server.tcpPort);
    t.after(() => ana.socket.destroy());
    const from = await ana.logIn('\n');
    ben.send({ type: 'send', text: 'two\nlines' });
    await ana.until('<ben> two\\nlines\n', from);
    assert.ok(!ana.text.includes('\r'), `A client that sends \\n should never get a \\r; it got ${JSON.stringify(ana.text.slice(ana.text.indexOf('\r') - 30, ana.text.indexOf('\r') + 2))}`);
    const telnet = await RawClient.connect(server.tcpPort);
    t.after(() => telnet.socket.destroy());
    const after = await telnet.logIn('\r\n');
    ben.send({ type: 'send', text: 'three\nlines' });
    const end = await telnet.until('\n', await telnet.until('<ben> three\\nlines', after));
    assert.equal(telnet.text.slice(end - 2, end), '\r\n', 'The same message goes to a \\n client with \\n and to a \\r\\n client with \\r\\n: render a frame once per line ending.');
  });
});
