/**
 * Lab 06's plain TCP port under attack: connections that send random bytes before and after
 * logging in, lines that never end, invalid UTF-8, writers that send a byte at a time, resets in
 * the middle of a line, and half-closes, several at once. Beside them a well-behaved pair, one
 * browser (WebSocket) and one terminal (TCP), keeps chatting both ways.
 *
 * Checked: nothing is thrown and left uncaught; every connection gets the answers it should (an
 * error line for each refused line, its own line back, its room list after `#lR`); every line the
 * server writes is one line of text that starts as the protocol says and holds no control
 * character; the pair's messages all arrive, once and in order, both ways, and the log has them.
 * And hostile text from a browser reaches a terminal on one line that cannot steer it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { startServer } from '../labs/06-tcp/server/server.ts';
import { CLOSED_LINE, ENTRY_LINE, ERROR, INFO, LOGIN_PROMPT, MAX_LINE_BYTES, PASSWORD_PROMPT, WELCOME_LINE } from '../labs/06-tcp/shared/text-protocol.ts';
import {
  LAB06,
  NO_CONNECTION_LIMITS,
  PASSWORD,
  QUICK,
  Rng,
  SEED,
  Stream,
  figure,
  inParallel,
  logIn,
  mib,
  ms,
  percentile,
  readLogs,
  sampleMemory,
  seedAccounts,
  sendFrame,
  within,
  type Frame,
} from './support.ts';

/** Hundreds of terminals log in from 127.0.0.1 here: no limit on log-ins. */
const NO_LOG_IN_LIMITS = { perLogin: 1e9, perAddress: 1e9, windowMs: 60_000, maxKeys: 100_000 };

/** Hostile connections in all, and how many run at once (each with a login of its own). */
const CONNECTIONS = QUICK ? 300 : 3_000;
const WORKERS = 6;
const MAX_MS = QUICK ? 120_000 : 600_000;
/** How long one hostile connection may take to get its answers. */
const ANSWER_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// A raw TCP line client, as nc is

/** Keeps every line the server sends (prompts stripped) and wakes whoever waits for one. */
class Lines {
  readonly lines: string[] = [];
  #partial = '';
  #waiters = new Set<() => void>();
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      const lines = (this.#partial + text).split('\n');
      this.#partial = lines.pop()!;
      for (let line of lines) {
        while (line.startsWith(LOGIN_PROMPT) || line.startsWith(PASSWORD_PROMPT)) line = line.slice(line.startsWith(LOGIN_PROMPT) ? LOGIN_PROMPT.length : PASSWORD_PROMPT.length);
        this.lines.push(line);
      }
      for (const wake of this.#waiters) wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const wake of this.#waiters) wake();
    });
  }

  static async open(port: number): Promise<Lines> {
    const socket = connect(port, '127.0.0.1');
    await within(10_000, 'a TCP connection', once(socket, 'connect'));
    return new Lines(socket);
  }

  /** Connects and logs in (answering the prompts before they arrive); resolves once welcomed. */
  static async logIn(port: number, login: string): Promise<Lines> {
    const lines = await Lines.open(port);
    lines.socket.write(`${login}\n${PASSWORD}\n`);
    await lines.waitFor(`${login}'s welcome`, (line) => WELCOME_LINE.test(line));
    return lines;
  }

  /** The first line from index `from` on that passes `test` (its index), within `timeoutMs`. */
  async waitFor(what: string, test: (line: string) => boolean, from = 0, timeoutMs = ANSWER_MS): Promise<number> {
    let wake = () => {};
    const found = new Promise<number>((resolve, reject) => {
      wake = () => {
        const index = this.lines.findIndex((line, i) => i >= from && test(line));
        if (index >= 0) resolve(index);
        else if (this.socket.closed) reject(new Error(`closed while waiting for ${what}; last lines: ${JSON.stringify(this.lines.slice(-3))}`));
      };
      this.#waiters.add(wake);
      wake();
    });
    return within(timeoutMs, what, found).finally(() => this.#waiters.delete(wake));
  }
}

/** Whether a line from the server is one the protocol allows: no control character, and one of the known starts. */
function wellFormed(line: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(line)) return `a control character in ${JSON.stringify(line.slice(0, 120))}`;
  if (line.startsWith(INFO) || line.startsWith(ERROR) || ENTRY_LINE.test(line) || line === '') return undefined;
  return `a line that is neither an entry, nor ***, nor !!!: ${JSON.stringify(line.slice(0, 120))}`;
}

function watchCrashes(t: TestContext) {
  const errors: Error[] = [];
  const onError = (error: Error) => errors.push(error);
  process.on('uncaughtExceptionMonitor', onError);
  t.after(() => process.off('uncaughtExceptionMonitor', onError));
  return errors;
}

/** Counts, for the figures, and keeps the first failures. */
class Tally {
  readonly kinds = new Map<string, number>();
  readonly failures: string[] = [];
  bytes = 0;

  count(kind: string): void {
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }

  fail(what: string): void {
    if (this.failures.length < 20) this.failures.push(what);
  }

  get total(): number {
    return [...this.kinds.values()].reduce((sum, n) => sum + n, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile connections

interface Attack {
  rng: Rng;
  port: number;
  login: string;
  tally: Tally;
}

/** Random bytes, newlines among them, in chunks of random sizes. */
function garbage(rng: Rng, length: number): Buffer {
  const bytes = rng.bytes(length);
  for (let i = 0; i < length; i++) if (rng.chance(0.02)) bytes[i] = 0x0a;
  return bytes;
}

async function writeInChunks(rng: Rng, socket: Socket, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length && !socket.destroyed; ) {
    const size = rng.int(1, 4096);
    await new Promise<void>((resolve) => socket.write(bytes.subarray(at, at + size), () => resolve()));
    at += size;
  }
}

/** Checks every line a connection got, then closes it. */
async function finish(lines: Lines, kind: string, tally: Tally): Promise<void> {
  for (const line of lines.lines) {
    const wrong = wellFormed(line);
    if (wrong) tally.fail(`${kind}: ${wrong}`);
  }
  lines.socket.destroy();
  await lines.closed;
}

const ATTACKS: Record<string, (attack: Attack) => Promise<void>> = {
  /** Random bytes where the login and password should be, then a half-close: the server answers and closes. */
  async 'garbage before login'({ rng, port, tally }) {
    const lines = await Lines.open(port);
    const bytes = garbage(rng, rng.int(1, 16 * 1024));
    tally.bytes += bytes.length;
    await writeInChunks(rng, lines.socket, bytes);
    lines.socket.end();
    await within(ANSWER_MS, 'the server to close after a half-close', lines.closed);
    await finish(lines, 'garbage before login', tally);
  },

  /** Logged in, random lines (many not UTF-8), then `#lR`: the room list still comes back. */
  async 'garbage after login'({ rng, port, login, tally }) {
    const lines = await Lines.logIn(port, login);
    const bytes = garbage(rng, rng.int(1, 32 * 1024));
    tally.bytes += bytes.length;
    await writeInChunks(rng, lines.socket, bytes);
    const from = lines.lines.length;
    lines.socket.write(`\n#lR\n`);
    await lines.waitFor('the room list after garbage', (line) => line.startsWith(`${INFO}Rooms (`), from);
    await finish(lines, 'garbage after login', tally);
  },

  /** A line of megabytes with no end, then an end and `#lR`: one refusal, then the room list. */
  async 'endless line'({ rng, port, login, tally }) {
    const lines = await Lines.logIn(port, login);
    const from = lines.lines.length;
    const length = rng.int(MAX_LINE_BYTES + 1, QUICK ? 512 * 1024 : 4 * 1024 * 1024);
    tally.bytes += length;
    await writeInChunks(rng, lines.socket, Buffer.alloc(length, rng.pick(['x', '#', 'é'])));
    lines.socket.write('\n#lR\n');
    const listed = await lines.waitFor('the room list after an endless line', (line) => line.startsWith(`${INFO}Rooms (`), from);
    const refusals = lines.lines.slice(from, listed).filter((line) => line.startsWith(ERROR));
    if (refusals.length !== 1 || !refusals[0]!.includes('longer than')) tally.fail(`endless line: ${JSON.stringify(refusals)} instead of one "longer than" refusal`);
    await finish(lines, 'endless line', tally);
  },

  /** A line of bytes that are not UTF-8: refused as such, and the next line is taken. */
  async 'not UTF-8'({ rng, port, login, tally }) {
    const lines = await Lines.logIn(port, login);
    const from = lines.lines.length;
    const bytes = Buffer.from(rng.bytes(rng.int(1, 200)).map((byte) => byte | 0x80));
    lines.socket.write(Buffer.concat([Buffer.from('x'), bytes, Buffer.from('\xff\n', 'latin1'), Buffer.from(`${login} after\n`)]));
    const echoed = await lines.waitFor('its line after one that is not UTF-8', (line) => line.endsWith(`<${login}> ${login} after`), from);
    if (!lines.lines.slice(from, echoed).some((line) => line.includes('not UTF-8'))) tally.fail('not UTF-8: no refusal before the next line');
    await finish(lines, 'not UTF-8', tally);
  },

  /** A message sent one byte at a time, characters split between writes: it arrives whole. */
  async 'slow writer'({ rng, port, login, tally }) {
    const lines = await Lines.logIn(port, login);
    const from = lines.lines.length;
    const text = `slow olá 🙂 ${rng.int(0, 1e9)}`;
    for (const byte of Buffer.from(`${text}\r\n`)) {
      await new Promise<void>((resolve) => lines.socket.write(Buffer.of(byte), () => resolve()));
      if (rng.chance(0.2)) await new Promise((resolve) => setTimeout(resolve, rng.int(1, 5))); // a slow typist, not a wait for an event
    }
    await lines.waitFor('a slow line, whole', (line) => line.endsWith(`<${login}> ${text}`), from);
    await finish(lines, 'slow writer', tally);
  },

  /** Half a line, then a reset (RST), before or after logging in. */
  async 'reset'({ rng, port, login, tally }) {
    const lines = rng.chance(0.5) ? await Lines.open(port) : await Lines.logIn(port, login);
    lines.socket.write(rng.pick([Buffer.from(login), Buffer.from(`${login}\n${PASSWORD.slice(0, 5)}`), Buffer.from('half a line'), Buffer.from('olá').subarray(0, 3)]));
    lines.socket.resetAndDestroy();
    await lines.closed;
  },

  /** Logged in, a few lines, then a half-close: every line answered, then `*** closed: bye (1000)`. */
  async 'half-close'({ rng, port, login, tally }) {
    const lines = await Lines.logIn(port, login);
    const from = lines.lines.length;
    const count = rng.int(1, 5);
    lines.socket.end(Array.from({ length: count }, (_, i) => `${login} last ${i}\n`).join(''));
    await within(ANSWER_MS, 'the server to close after a half-close', lines.closed);
    const echoed = lines.lines.slice(from).filter((line) => line.includes(`<${login}> ${login} last `)).length;
    if (echoed !== count) tally.fail(`half-close: ${echoed} of ${count} lines answered before the close`);
    if (!CLOSED_LINE.test(lines.lines.at(-1) ?? '')) tally.fail(`half-close: the last line was ${JSON.stringify(lines.lines.at(-1))}`);
    await finish(lines, 'half-close', tally);
  },
};

// ---------------------------------------------------------------------------------------------

/** Hostile text a browser may send: each must reach a terminal on one line that cannot steer it. */
const HOSTILE = [
  'line one\nline two',
  'carriage\rreturn and\r\nCRLF',
  'hi\n[12:00:00] #lobby <admin> I never said this',
  'escape \u001b[2J\u001b[H cleared? \u001b]0;title\u0007',
  'nul\u0000 bell\u0007 del\u007f C1 \u0085 \u009b31m',
  'right-to-left \u202egnp.exe\u202c, separators \u2028 \u2029',
  '*** fake server line',
  '!!! fake refusal',
  'typed by hand: \\n and \\x1b',
];

describe('06 tcp: fuzzing the TCP port', () => {
  it(`${CONNECTIONS} hostile connections (random bytes, endless lines, invalid UTF-8, slow writers, resets, half-closes): nothing crashes, each gets its answers, the pair beside them loses nothing`, async (t) => {
    const crashes = watchCrashes(t);
    const memory = sampleMemory(t);
    const dir = await tempDir(t, 'stress-06-tcp');
    const [logDir, dataDir] = [join(dir, 'logs'), join(dir, 'data')];
    const workers = Array.from({ length: WORKERS }, (_, i) => `fuzz-${i}`);
    await seedAccounts(dataDir, ['good-ws', 'good-tcp', ...workers]);
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir, dataDir, gate: 0, rateLimit: 1_000_000 }, { tcpIdleMs: MAX_MS, tcpLoginMs: MAX_MS, ...NO_CONNECTION_LIMITS, logInLimits: NO_LOG_IN_LIMITS });
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= server.close());
    t.after(close);
    const logErrors: Error[] = [];
    server.hub.on('log-error', (error) => logErrors.push(error));
    const url = server.urls[0]!;

    const browser = await Stream.open(url, '', { cookie: await logIn(url, 'good-ws') });
    t.after(() => browser.close());
    const terminal = await Lines.logIn(server.tcpPort, 'good-tcp');
    t.after(() => terminal.socket.destroy());
    const fromTerminal: number[] = [];
    browser.listen((frame: Frame) => {
      const match = frame.type === 'entry' && frame.entry.from === 'good-tcp' ? /^tcp (\d+)$/.exec(frame.entry.text) : null;
      if (match) fromTerminal.push(Number(match[1]));
    });

    const rng = new Rng(SEED);
    const tally = new Tally();
    const started = performance.now();
    const kinds = Object.keys(ATTACKS);
    let left = CONNECTIONS;
    const fuzzing = inParallel(workers, WORKERS, async (login) => {
      const mine = new Rng(rng.int(0, 2 ** 31));
      while (left > 0 && performance.now() - started < MAX_MS) {
        left--;
        const kind = mine.pick(kinds);
        tally.count(kind);
        await ATTACKS[kind]!({ rng: mine, port: server.tcpPort, login, tally }).catch((error: Error) => tally.fail(`${kind}: ${error.message}`));
      }
    });

    // The pair: every 10 ms, a message each way, until the fuzzing is over (and 100 at least).
    const sentAt: number[] = [];
    const latencies: number[] = [];
    let sent = 0;
    let fuzzed = false;
    void fuzzing.finally(() => (fuzzed = true));
    const browserLines = /^\[\d\d:\d\d:\d\d\] #lobby <good-ws> ws (\d+)$/;
    let read = 0;
    const onLine = () => {
      for (; read < terminal.lines.length; read++) {
        const match = browserLines.exec(terminal.lines[read]!);
        if (match) latencies.push(performance.now() - sentAt[Number(match[1])]!);
      }
    };
    terminal.socket.on('data', () => setImmediate(onLine));
    while (!fuzzed || sent < 100) {
      sentAt.push(performance.now());
      browser.send(sendFrame(`ws ${sent}`));
      terminal.socket.write(`tcp ${sent}\n`);
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 10)); // the pace of two people typing, not a wait for an event
    }
    await fuzzing;
    await terminal.waitFor('the last message from the browser', (line) => line.endsWith(`<good-ws> ws ${sent - 1}`), 0, 60_000);
    await within(60_000, 'the last message from the terminal', (async () => {
      while (fromTerminal.length < sent) await once(browser.socket, 'message');
    })());
    onLine();
    const fromBrowser = terminal.lines.flatMap((line) => {
      const match = browserLines.exec(line);
      return match ? [Number(match[1])] : [];
    });

    await figure(t, '06 tcp fuzz connections', `${tally.total} in ${ms(performance.now() - started)} (seed ${SEED}), ${mib(tally.bytes)} of garbage`);
    await figure(t, '06 tcp fuzz connections by kind', [...tally.kinds].map(([kind, n]) => `${kind} ${n}`).join(', '));
    await figure(t, '06 tcp well-behaved pair during fuzzing', `${sent} messages each way, all delivered in order; browser → terminal p99 ${ms(percentile(latencies, 99))}`);
    await figure(t, '06 tcp fuzz peak RSS', mib(memory.stop().rss));
    assert.deepEqual(tally.failures, [], 'every hostile connection got the answers it should');
    assert.ok(tally.total >= CONNECTIONS, `${tally.total} connections tried`);
    assert.deepEqual(crashes, [], 'nothing thrown and left uncaught');
    assert.deepEqual(logErrors, [], 'every log line written');
    const everyOne = Array.from({ length: sent }, (_, i) => i);
    assert.deepEqual(fromBrowser, everyOne, 'the terminal got every message from the browser, once, in order');
    assert.deepEqual(fromTerminal, everyOne, 'the browser got every message from the terminal, once, in order');
    for (const line of terminal.lines) assert.equal(wellFormed(line), undefined, 'the good terminal got only well-formed lines');

    await close();
    const logs = await readLogs(logDir, LAB06.parseLine);
    const [lines] = [...logs.values()];
    const logged = (login: string, tag: string) => lines!.filter((line) => line.from === login && line.text.startsWith(`${tag} `)).map((line) => Number(line.text.split(' ')[1]));
    assert.deepEqual(logged('good-ws', 'ws'), everyOne, 'the log has the browser\'s messages, in order');
    assert.deepEqual(logged('good-tcp', 'tcp'), everyOne, 'the log has the terminal\'s messages, in order');
    await figure(t, '06 tcp fuzz log', `${lines!.length} lines, every one parses`);
  });

  it('hostile text from a browser reaches a terminal on one line, escaped, and cannot pass for the server', async (t) => {
    const dir = await tempDir(t, 'stress-06-hostile');
    await seedAccounts(join(dir, 'data'), ['writer', 'reader']);
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0, rateLimit: 1_000_000 });
    t.after(() => server.close());
    const url = server.urls[0]!;
    const writer = await Stream.open(url, '', { cookie: await logIn(url, 'writer') });
    t.after(() => writer.close());
    const reader = await Lines.logIn(server.tcpPort, 'reader');
    t.after(() => reader.socket.destroy());
    const from = reader.lines.length;
    for (const text of HOSTILE) writer.send(sendFrame(text));
    writer.send(sendFrame('done'));
    const done = await reader.waitFor('the last message', (line) => line.endsWith('<writer> done'), from);
    const got = reader.lines.slice(from, done).filter((line) => line.includes('<writer>'));
    assert.equal(got.length, HOSTILE.length, `one line per message: ${JSON.stringify(got)}`);
    for (const line of got) {
      assert.equal(wellFormed(line), undefined);
      assert.match(line, /^\[\d\d:\d\d:\d\d\] #lobby <writer> /, 'each starts as an entry, whatever its text pretends');
    }
    assert.ok(!reader.lines.some((line) => /^\[12:00:00\]/.test(line)), 'no forged entry line');
    await figure(t, '06 tcp hostile text', `${got.length} messages, each on one line, no control character`);
  });
});
