import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { startServer, type ServerOptions } from '../server/server.ts';
import { BYE, IDLE, NOT_LOGGED_IN, REPLACED } from '../shared/protocol.ts';
import { CLOSED_LINE, ENTRY_LINE, JOINED_LINE, LOGIN_PROMPT, MAX_LINE_BYTES, PASSWORD_PROMPT, STILL_THERE } from '../shared/text-protocol.ts';
import { LineClient } from './tcp-client.ts';
import { TestClient, signUp } from './ws-client.ts';

/** No rate limit to speak of, except where a test sets one. */
const FAST = 1_000_000;

async function start(t: TestContext, { gate = 0, rateLimit = FAST, ...options }: ServerOptions & { gate?: number; rateLimit?: number } = {}) {
  const dir = await tempDir(t, 'lab07-cores');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate, rateLimit }, options);
  t.after(() => server.close());
  const url = server.urls[0]!;
  /** A browser user: registered, logged in, connected over WebSocket. */
  const browser = async (login: string) => {
    const client = await TestClient.connect(url, await signUp(url, login));
    t.after(() => client.close());
    return client;
  };
  /** A terminal user: registered on the web page, then logged in over TCP. */
  const terminal = async (login: string, before: string[] = []) => {
    await signUp(url, login);
    const client = await LineClient.logIn(server.tcpPort, login, undefined, before);
    t.after(() => client.socket.destroy());
    return client;
  };
  return { server, url, browser, terminal };
}

/** The entry lines' texts: `<ana> hello` or `* ben joined`, without time and room. */
const texts = (lines: string[]) => lines.flatMap((line) => {
  const match = ENTRY_LINE.exec(line);
  return match ? [match[4] ? `<${match[4]}> ${match[5]}` : `* ${match[5]}`] : [];
});

describe('07 cores: terminals over TCP', () => {
  it('logs in at the prompts, then lands in the lobby with its history', async (t) => {
    const { server, url } = await start(t);
    await signUp(url, 'ana');
    const ana = await LineClient.connect(server.tcpPort);
    t.after(() => ana.socket.destroy());
    await ana.prompt(LOGIN_PROMPT);
    assert.deepEqual(ana.lines, ["*** Chat Lab 07. Log in with the account you registered on the chat's web page."]);
    ana.send('ana');
    await ana.prompt(PASSWORD_PROMPT);
    ana.send('correct horse battery');
    assert.match(await ana.next(/^\*\*\* Hello/), /^\*\*\* Hello ana! Type a line to talk to your room, or a command: #cR <room>/);
    await ana.next('*** You are in #lobby.');
    assert.match(await ana.next(ENTRY_LINE), /^\[\d\d:\d\d:\d\d\] #lobby \* ana joined$/);
  });

  it('logs in as JOSÉ, or with the accent typed as a combining mark, to josé\'s account; #gR SALA-Ñ reaches sala-ñ', async (t) => {
    const { server, url, terminal } = await start(t);
    await signUp(url, 'josé');
    const upper = await LineClient.logIn(server.tcpPort, 'JOSÉ');
    t.after(() => upper.socket.destroy());
    assert.match(upper.all(/^\*\*\* Hello /)[0]!, /^\*\*\* Hello josé! /);
    upper.send('#cR sala-ñ');
    await upper.next('*** You are in #sala-ñ.');
    const bob = await terminal('bob');
    bob.send('#gR SALA-Ñ');
    await bob.next('*** You are in #sala-ñ.');
    const decomposed = await LineClient.logIn(server.tcpPort, 'jose\u0301');
    t.after(() => decomposed.socket.destroy());
    assert.match(decomposed.all(/^\*\*\* Hello /)[0]!, /^\*\*\* Hello josé! /, 'the same account, so this connection replaces the first');
    await upper.closed;
  });

  it('chats with a browser user in the same room: both see every line, in one order', async (t) => {
    const { browser, terminal } = await start(t);
    const ben = await browser('ben');
    const ana = await terminal('ana');
    await ben.next('entry', ({ entry }) => entry.text === 'ana joined');
    for (let i = 0; i < 50; i++) {
      ana.send(`from the terminal ${i}`);
      ben.send({ type: 'send', text: `from the browser ${i}` });
    }
    const seen = (await ben.messages(100)).map((entry) => `<${entry.from}> ${entry.text}`);
    while (texts(ana.lines).filter((text) => text.startsWith('<')).length < 100) await ana.next(ENTRY_LINE);
    assert.deepEqual(texts(ana.lines).filter((text) => text.startsWith('<')), seen, 'one order for both transports');
    assert.deepEqual(seen.filter((text) => text.startsWith('<ana>')), Array.from({ length: 50 }, (_, i) => `<ana> from the terminal ${i}`));
  });

  it('runs the # commands as the web page does, with the same answers and errors', async (t) => {
    const { browser, terminal } = await start(t);
    const ben = await browser('ben');
    const ana = await terminal('ana');
    ana.send('#cR games');
    await ana.next('*** You are in #games.');
    await ben.next('entry', ({ entry }) => entry.text === 'ana left for games');
    ana.send('#LR');
    await ana.next('*** Rooms (2):');
    assert.equal(await ana.next(/^\*\*\*   lobby/), '***   lobby  1 person');
    assert.equal(await ana.next(/^\*\*\*   games/), '***   games  1 person  created by ana');
    ana.send('#show users');
    await ana.next('*** People (2):');
    assert.match(await ana.next(/^\*\*\*   ana /), /in #games$/);
    ana.send('#gR nowhere');
    assert.equal(await ana.next(/^!!!/), '!!! There is no room called nowhere: #lR lists the rooms.');
    ana.send('#dance');
    assert.match(await ana.next(/^!!!/), /^!!! Unknown command #dance\. Commands: /);
    ana.send('#\\private ben psst');
    assert.match(await ana.next(/^!!!/), /a terminal can neither send nor receive them/);
    ben.send({ type: 'command', command: { name: 'go', room: 'games' } });
    assert.match(await ana.next(/ben joined$/), /^\[\d\d:\d\d:\d\d\] #games \* ben joined$/);
    ana.send('#dR games');
    await ana.next('*** You are in #lobby.');
    await ben.next('joined', ({ room }) => room === 'games');
    await ben.next('joined', ({ room }) => room === 'lobby');
    assert.equal(ana.all(/^\*\*\* Rooms/).length, 1, 'room lists only when asked, not at every change');
    ana.send('#exit');
    assert.deepEqual(CLOSED_LINE.exec(await ana.next(CLOSED_LINE))?.slice(1), ['bye', String(BYE)]);
    await ana.closed;
    await ben.next('entry', ({ entry }) => entry.text === 'ana left');
  });

  it('refuses a wrong password at the prompt, and closes after three', async (t) => {
    const { server, url } = await start(t);
    await signUp(url, 'ana');
    const guesser = await LineClient.connect(server.tcpPort);
    for (const login of ['ana', 'nobody', 'ana']) {
      await guesser.prompt(LOGIN_PROMPT);
      guesser.send(login);
      await guesser.prompt(PASSWORD_PROMPT);
      guesser.send('wrong password');
      assert.equal(await guesser.next(/^!!!/), '!!! Wrong login or password.', `the same answer for ${login}`);
    }
    assert.deepEqual(CLOSED_LINE.exec(await guesser.next(CLOSED_LINE))?.slice(1), ['3 wrong passwords', String(NOT_LOGGED_IN)]);
    await guesser.closed;
    assert.equal(guesser.all(/Hello/).length, 0);
  });

  it('counts failures with the web page\'s: a guesser gains nothing by switching to TCP', async (t) => {
    const { server, url } = await start(t);
    await signUp(url, 'ana');
    const post = () => fetch(new URL('/api/login', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'ana', password: 'nope' }) });
    for (let i = 0; i < 5; i++) assert.equal((await post()).status, 401);
    const guesser = await LineClient.connect(server.tcpPort);
    await guesser.prompt(LOGIN_PROMPT);
    guesser.send('ana');
    await guesser.prompt(PASSWORD_PROMPT);
    guesser.send('correct horse battery');
    assert.match(await guesser.next(/^!!!/), /^!!! Too many failed attempts: try again in \d+ minutes?\.$/);
    await guesser.closed;
  });

  it('counts log-ins with the web page\'s: 10 of one login in 15 minutes, over either door', async (t) => {
    const { server, url } = await start(t);
    await signUp(url, 'ana');
    for (let i = 2; i <= 10; i++) {
      const ana = await LineClient.logIn(server.tcpPort, 'ana');
      ana.socket.destroy();
    }
    const res = await fetch(new URL('/api/login', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'ana', password: 'correct horse battery' }) });
    assert.equal(res.status, 429, 'the 11th log-in, 9 of them over TCP');
    assert.match(((await res.json()) as { error: string }).error, /^Too many log-ins: try again in \d+ minutes?\.$/);
  });

  it('asks for a login before anything else', async (t) => {
    const { server } = await start(t);
    const early = await LineClient.connect(server.tcpPort);
    t.after(() => early.socket.destroy());
    await early.prompt(LOGIN_PROMPT);
    early.send('#lR');
    assert.equal(await early.next(/^!!!/), '!!! Log in first: type your login, then your password.');
    await early.prompt(LOGIN_PROMPT);
    early.send('#exit');
    await early.next(CLOSED_LINE);
    await early.closed;
  });

  it('holds a terminal\'s messages behind the gate, like a browser\'s, and releases them in order', async (t) => {
    const { browser, terminal } = await start(t, { gate: 2 });
    const ana = await terminal('ana');
    await ana.next('*** The gate is closed: nobody sees a message until 2 people are here (1 so far).');
    ana.send('one');
    ana.send('two');
    ana.send('#lR');
    await ana.next('*** Rooms (1):');
    assert.deepEqual(texts(ana.lines), [], 'nothing delivered yet');
    const ben = await browser('ben');
    await ana.next(/^\*\*\* The gate is open/);
    const released = (await ben.next('joined', ({ entries }) => entries.length > 0)).entries.map((entry) => entry.text);
    assert.deepEqual(released, ['ana joined', 'one', 'two', 'ben joined']);
    while (texts(ana.lines).length < 4) await ana.next(ENTRY_LINE);
    assert.deepEqual(texts(ana.lines), ['* ana joined', '<ana> one', '<ana> two', '* ben joined']);
  });

  it('refuses a line that is too long or not UTF-8, then takes the next one; \\r\\n and split characters are fine', async (t) => {
    const { browser, terminal } = await start(t);
    const ben = await browser('ben');
    const ana = await terminal('ana');
    ana.socket.write(`${'x'.repeat(MAX_LINE_BYTES + 1)}\n`);
    assert.equal(await ana.next(/^!!!/), `!!! That line is longer than ${MAX_LINE_BYTES} bytes: it was not sent.`);
    ana.socket.write(Buffer.from('olá\n', 'latin1'));
    assert.equal(await ana.next(/^!!!/), '!!! That line is not UTF-8 text: it was not sent. Set your terminal to UTF-8.');
    const bytes = Buffer.from('olá 🙂 from telnet\r\n');
    ana.socket.write(bytes.subarray(0, 5));
    await new Promise((resolve) => ana.socket.write(bytes.subarray(5, 8), resolve));
    ana.socket.write(bytes.subarray(8));
    assert.deepEqual((await ben.messages(1)).map((entry) => entry.text), ['olá 🙂 from telnet']);
    ana.send('x'.repeat(2001));
    assert.equal(await ana.next(/^!!!/), '!!! Your message is 2001 characters long; the limit is 2000.');
    ben.send({ type: 'send', text: 'two\nlines \x1b[2J' });
    assert.equal(texts([await ana.next(/<ben>/)])[0], '<ben> two\\nlines \\x1b[2J', 'escaped, on one line');
  });

  it('resumes: numbered lines after #resume, and after a reconnect only what was missed', async (t) => {
    const { browser, terminal, server } = await start(t);
    const ben = await browser('ben');
    const ana = await terminal('ana', ['#resume']);
    ben.send({ type: 'send', text: 'before' });
    const last = ENTRY_LINE.exec(await ana.next(/<ben> before$/))!;
    assert.ok(Number(last[1]) > 0, 'the line starts with its number');
    ana.socket.destroy();
    await ben.next('entry', ({ entry }) => entry.text === 'ana left');
    ben.send({ type: 'send', text: 'while you were away' });
    await ben.messages(2);
    const back = await LineClient.logIn(server.tcpPort, 'ana', undefined, [`#resume lobby ${last[1]}`]);
    t.after(() => back.socket.destroy());
    const joined = JOINED_LINE.exec(await back.next(JOINED_LINE))!;
    assert.deepEqual(joined.slice(1), [String(Number(last[1]) + 3), 'lobby'], 'the room\'s last entry: "ana joined"');
    const replay = await back.next(/while you were away$/);
    assert.equal(Number(ENTRY_LINE.exec(replay)![1]), Number(last[1]) + 2, 'after "ana left"');
    assert.deepEqual(texts(back.lines.slice(0, back.lines.indexOf(replay) + 1)), ['* ana left', '<ben> while you were away'], 'nothing before the resume point');
  });

  it('refuses a #resume it cannot read', async (t) => {
    const { server } = await start(t);
    const client = await LineClient.connect(server.tcpPort);
    t.after(() => client.socket.destroy());
    await client.prompt(LOGIN_PROMPT);
    client.send('#resume lobby');
    assert.equal(await client.next(/^!!!/), '!!! #resume takes a room and the number of the last entry you saw: #resume <room> <after>.');
  });

  it('cuts off a terminal that stops reading; the others keep every message, in order', async (t) => {
    const { server, browser, terminal } = await start(t, { maxBufferedBytes: 256 * 1024 });
    const [ann, ben] = [await browser('ann'), await browser('ben')];
    const frozen = await terminal('cat');
    frozen.socket.pause();
    await ann.next('entry', ({ entry }) => entry.text === 'cat joined');
    let dropped: [string, string] | undefined;
    server.hub.once('drop', (...drop) => (dropped = drop));
    let sent = 0;
    while (!dropped && sent < 20_000) {
      for (let i = 0; i < 100; i++) ann.send({ type: 'send', text: `${sent++} ${'z'.repeat(1900)}` });
      await ben.messages(sent);
    }
    assert.deepEqual(dropped, ['cat', 'it stopped reading'], `dropped after ${sent} messages of ~2 KB`);
    await ben.next('entry', ({ entry }) => entry.text === 'cat left');
    const seen = await ben.messages(sent);
    assert.deepEqual(seen.map((entry) => Number(entry.text.split(' ')[0])), Array.from({ length: sent }, (_, i) => i));
  });

  it('asks a quiet terminal whether it is still there; one that answers stays, one that does not is closed', async (t) => {
    const { browser, terminal } = await start(t, { tcpIdleMs: 1000 }); // long enough for the answer to arrive on a busy machine
    const ben = await browser('ben');
    const ana = await terminal('ana');
    await ana.next(STILL_THERE);
    ana.send('');
    await ana.next(STILL_THERE);
    const closed = await ana.next(CLOSED_LINE);
    assert.deepEqual(CLOSED_LINE.exec(closed)?.slice(1), ['no answer for 1 second', String(IDLE)]);
    await ana.closed;
    await ben.next('entry', ({ entry }) => entry.text === 'ana left');
    assert.equal(ana.all(/^\*\*\* Still there/).length, 2, 'asked twice: the answer kept it');
  });

  it('closes a connection on which nobody logs in', async (t) => {
    const { server } = await start(t, { tcpLoginMs: 100 });
    const silent = await LineClient.connect(server.tcpPort);
    assert.deepEqual(CLOSED_LINE.exec(await silent.next(CLOSED_LINE))?.slice(1), ['nobody logged in for 0.1 seconds', String(IDLE)]);
    await silent.closed;
  });

  it('answers what was sent before a half-close, then closes too', async (t) => {
    const { server, url, browser } = await start(t);
    const ben = await browser('ben');
    await signUp(url, 'ana');
    const ana = await LineClient.connect(server.tcpPort);
    ana.socket.end('ana\ncorrect horse battery\nhello and goodbye\n');
    await ana.closed;
    assert.deepEqual(texts(ana.lines).slice(-1), ['<ana> hello and goodbye'], 'it got its own message back');
    assert.deepEqual(CLOSED_LINE.exec(ana.lines.at(-1)!)?.slice(1), ['bye', String(BYE)]);
    await ben.next('entry', ({ entry }) => entry.text === 'ana left');
  });

  it('one person, one connection: a terminal replaces the browser tab, and a tab replaces the terminal', async (t) => {
    const { url, server, browser } = await start(t);
    const tab = await browser('ana');
    const terminal = await LineClient.logIn(server.tcpPort, 'ana');
    t.after(() => terminal.socket.destroy());
    assert.equal((await once(tab.socket, 'close'))[0], REPLACED);
    terminal.send('typed in the terminal');
    await terminal.next(/<ana> typed in the terminal$/);
    const login = await fetch(new URL('/api/login', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'ana', password: 'correct horse battery' }) });
    const again = await TestClient.connect(url, login.headers.get('set-cookie')!.split(';')[0]!);
    t.after(() => again.close());
    assert.equal(CLOSED_LINE.exec(await terminal.next(CLOSED_LINE))?.[2], String(REPLACED));
    await terminal.closed;
    assert.deepEqual((await again.next('joined')).entries.map((entry) => entry.text).slice(-1), ['typed in the terminal'], 'same person, same room');
  });

  it('refuses a browser\'s private message to someone on a terminal, saying why', async (t) => {
    const { browser, terminal } = await start(t);
    const ben = await browser('ben');
    await terminal('ana');
    ben.send({ type: 'signal', to: 'ana', data: { kind: 'offer', sdp: 'v=0' } });
    const error = await ben.next('error');
    assert.deepEqual([error.code, error.message], ['terminal-user', 'ana is on a terminal: private messages need both of you in a browser.']);
  });

  it('rate-limits lines as it does frames', async (t) => {
    const { terminal } = await start(t, { rateLimit: 1, now: () => new Date(Date.UTC(2026, 10, 22, 13, 3, 7)) }); // a stopped clock: no refill mid-burst
    const ana = await terminal('ana');
    for (let i = 0; i < 5; i++) ana.send(`flood ${i}`);
    assert.equal(await ana.next(/^!!!/), '!!! Slow down: at most 1 frames a second. That one was not sent.');
  });

  it('says goodbye to terminals when the server stops', async (t) => {
    const { server, terminal } = await start(t);
    const ana = await terminal('ana');
    const waiting = await LineClient.connect(server.tcpPort);
    await waiting.prompt(LOGIN_PROMPT);
    await server.close();
    assert.equal(CLOSED_LINE.exec(await ana.next(CLOSED_LINE))?.[2], '1001');
    assert.equal(CLOSED_LINE.exec(await waiting.next(CLOSED_LINE))?.[2], '1001');
    await Promise.all([ana.closed, waiting.closed]);
  });
});
