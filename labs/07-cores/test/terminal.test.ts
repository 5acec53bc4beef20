import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@chat-lab/test-support';
import { TerminalChat } from '../client/terminal/connection.ts';
import { display, parseTarget, readServerLine, senderColour, useColours, type ServerLine } from '../client/terminal/lines.ts';
import type { Client } from '../server/realtime/hub.ts';
import { startServer, type RunningServer } from '../server/server.ts';
import { STILL_THERE } from '../shared/text-protocol.ts';
import { TestClient, signUp } from './ws-client.ts';

const MAIN = fileURLToPath(new URL('../client/terminal/main.ts', import.meta.url));
const LAB_DIR = fileURLToPath(new URL('..', import.meta.url));

async function start(t: TestContext) {
  const dir = await tempDir(t, 'lab07-terminal');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0, rateLimit: 1000 });
  t.after(() => server.close());
  const url = server.urls[0]!;
  const ben = await TestClient.connect(url, await signUp(url, 'ben'));
  t.after(() => ben.close());
  await signUp(url, 'ana');
  return { server, ben };
}

/** Cuts `login`'s TCP connection off on the server's side, as a network that fails would. */
function cutOff(server: RunningServer, login: string): void {
  const client = [...server.hub.clients()].find((c: Client) => c.login === login && c.transport === 'tcp');
  assert.ok(client, `${login} is connected over TCP`);
  client.cutOff('test: the network failed');
}

describe('07 cores: terminal client, its lines', () => {
  it('reads each kind of line, prompts glued in front included', () => {
    assert.deepEqual(readServerLine('login: password: 17 [12:03:07] #lobby <ana> hi'), { kind: 'entry', seq: 17, time: '12:03:07', room: 'lobby', from: 'ana', text: 'hi' });
    assert.deepEqual(readServerLine('[12:03:07] #games * ben joined'), { kind: 'entry', seq: undefined, time: '12:03:07', room: 'games', from: null, text: 'ben joined' });
    assert.deepEqual(readServerLine('login: *** Hello ana! Type a line…'), { kind: 'welcome', text: 'Hello ana! Type a line…' });
    assert.deepEqual(readServerLine('9 *** You are in #games.'), { kind: 'joined', room: 'games', last: 9 });
    assert.deepEqual(readServerLine('*** closed: bye (1000)'), { kind: 'closed', reason: 'bye', code: 1000 });
    assert.deepEqual(readServerLine(STILL_THERE), { kind: 'still-there' });
    assert.deepEqual(readServerLine('!!! There is no room called x.'), { kind: 'error', text: 'There is no room called x.' });
    assert.deepEqual(readServerLine('***   lobby  1 person'), { kind: 'info', text: '  lobby  1 person' });
  });

  it('colours senders, notices and errors on a terminal, and nothing elsewhere', () => {
    const message: ServerLine = { kind: 'entry', seq: 3, time: '12:03:07', room: 'lobby', from: 'ana', text: 'hi' };
    assert.equal(display(message, false), '[12:03:07] #lobby <ana> hi', 'no number, no escape codes');
    assert.equal(display(message, true), `\x1b[2m[12:03:07] #lobby\x1b[0m ${senderColour('ana')}<ana>\x1b[0m hi`);
    assert.equal(senderColour('Ana'), senderColour('ana'), 'one colour per person, whatever the case');
    assert.equal(display({ kind: 'error', text: 'No.' }, true), '\x1b[31m!!! No.\x1b[0m');
    assert.equal(display({ kind: 'still-there' }, true), '', 'answered, not shown');
    assert.equal(useColours({ isTTY: true }, {}), true);
    assert.equal(useColours({ isTTY: true }, { NO_COLOR: '1' }), false, 'NO_COLOR turns them off');
    assert.equal(useColours({ isTTY: false }, {}), false, 'a pipe or a file gets none');
  });

  it('reads the server from the command line: host, host:port or [v6]:port, port 3001 by default', () => {
    assert.deepEqual(parseTarget(undefined), { host: '127.0.0.1', port: 3001 });
    assert.deepEqual(parseTarget('192.168.1.20'), { host: '192.168.1.20', port: 3001 });
    assert.deepEqual(parseTarget('lab.local:4001'), { host: 'lab.local', port: 4001 });
    assert.deepEqual(parseTarget('[::1]:4001'), { host: '::1', port: 4001 });
    assert.throws(() => parseTarget('host:70000'), /host or host:port/);
  });
});

describe('07 cores: terminal client, connected', () => {
  it('resumes after a lost connection: what was said meanwhile arrives once, nothing twice', async (t) => {
    const { server, ben } = await start(t);
    const chat = new TerminalChat({ host: '127.0.0.1', port: server.tcpPort }, { login: 'ana', password: 'correct horse battery' }, () => 10);
    const shown: ServerLine[] = [];
    const statuses: string[] = [];
    let arrived = () => {};
    chat.on('line', (line) => {
      shown.push(line);
      arrived();
    });
    chat.on('status', (text) => statuses.push(text));
    const until = async (test: (lines: ServerLine[]) => boolean) => {
      while (!test(shown)) await new Promise<void>((resolve) => (arrived = resolve));
    };
    const texts = () => shown.flatMap((line) => (line.kind === 'entry' && line.from ? [line.text] : []));
    t.after(() => chat.leave());
    chat.start();
    await ben.next('entry', ({ entry }) => entry.text === 'ana joined');
    ben.send({ type: 'send', text: 'one' });
    await until(() => texts().includes('one'));
    cutOff(server, 'ana');
    await ben.next('entry', ({ entry }) => entry.text === 'ana left');
    ben.send({ type: 'send', text: 'two, while ana is away' });
    await until(() => texts().includes('two, while ana is away'));
    ben.send({ type: 'send', text: 'three' });
    await until(() => texts().includes('three'));
    assert.deepEqual(texts(), ['one', 'two, while ana is away', 'three']);
    assert.deepEqual(statuses, ['Connection lost; trying again in 0.0 s.', 'Connected again.']);
    assert.equal(shown.filter((line) => line.kind === 'welcome').length, 1, 'welcomed once');
  });

  it('runs with pipes instead of a terminal: reads the password from stdin, prints no colours, reconnects, and leaves at the end of its input', async (t) => {
    const { server, ben } = await start(t);
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, `127.0.0.1:${server.tcpPort}`], { cwd: LAB_DIR, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '' } });
    t.after(() => child.kill());
    const output: string[] = [];
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async (match: RegExp) => {
      for (let line = await lines.next(); !line.done; line = await lines.next()) {
        output.push(line.value);
        if (match.test(line.value)) return line.value;
      }
      throw new Error(`the client's output ended before a line matching ${match}: ${JSON.stringify(output)}`);
    };
    child.stdin.write('ana\ncorrect horse battery\nhello from a pipe\n');
    assert.match(await next(/Hello/), /^\*\*\* Hello ana! /, 'no prompt and no password on the output');
    assert.equal((await ben.messages(1))[0]!.text, 'hello from a pipe');
    ben.send({ type: 'send', text: 'hello, pipe' });
    assert.match(await next(/<ben>/), /^\[\d\d:\d\d:\d\d\] #lobby <ben> hello, pipe$/);

    cutOff(server, 'ana');
    await next(/^\*\*\* Connection lost; trying again in \d\.\d s\.$/);
    await ben.next('entry', ({ entry }) => entry.text === 'ana left');
    ben.send({ type: 'send', text: 'missed?' });
    await next(/^\*\*\* Connected again\.$/);
    assert.match(await next(/<ben> missed\?$/), /^\[\d\d:\d\d:\d\d\] #lobby <ben> missed\?$/);

    const exited = once(child, 'exit');
    child.stdin.end('last words\n');
    assert.equal((await ben.messages(4))[3]!.text, 'last words');
    await next(/closed the connection: bye/);
    assert.equal((await exited)[0], 0);
    assert.ok(!output.some((line) => line.includes('\x1b')), 'no escape codes when the output is not a terminal');
    assert.equal(output.filter((line) => line.includes('hello, pipe')).length, 1, 'nothing twice');
  });
});
