import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import WebSocket from 'ws';
import { RateLimits } from '../server/core/rate-limit.ts';
import { startServer, type ServerOptions } from '../server/server.ts';
import { IDLE, NOT_LOGGED_IN, type ServerFrame } from '../shared/protocol.ts';
import { CLOSED_LINE, LOGIN_PROMPT, PASSWORD_PROMPT } from '../shared/text-protocol.ts';
import { LineClient } from './tcp-client.ts';
import { TestClient, signUp } from './ws-client.ts';

/** A clock that stands still: no bucket refills during a test, so every count is exact. */
const FROZEN = () => new Date(Date.UTC(2026, 0, 1));

/** `rateLimit: 1`: one frame a second, and three at once. */
const BURST = 3;

async function start(t: TestContext, { rateLimit = 1e6, ...options }: ServerOptions & { rateLimit?: number }) {
  const dir = await tempDir(t, 'lab07-limits');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0, rateLimit }, { now: FROZEN, ...options });
  t.after(() => server.close());
  const url = server.urls[0]!;
  const join = async (cookie: string) => {
    const client = await TestClient.connect(url, cookie);
    t.after(() => client.close());
    return client;
  };
  const terminal = async (login: string) => {
    const client = await LineClient.logIn(server.tcpPort, login);
    t.after(() => client.socket.destroy());
    return client;
  };
  return { server, url, join, terminal, tcpPort: server.tcpPort };
}

/** Opens `/ws` and returns the HTTP answer that refused the upgrade. */
async function refusal(url: string, cookie: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}ws`, { headers: { cookie } });
  socket.on('error', () => undefined);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => resolve(response));
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
  });
  let body = '';
  for await (const chunk of response) body += chunk;
  socket.terminate();
  return { status: response.statusCode!, retryAfter: response.headers['retry-after'], body };
}

/** What the server answers a `send` with: the message, back to its sender too, or an error. */
const isAnswer = (frame: ServerFrame) => (frame.type === 'entry' && frame.entry.kind === 'message') || frame.type === 'error';

/** Waits, frame by frame, until `done` holds for every frame the client has received; returns them. */
async function until(client: TestClient, done: (frames: ServerFrame[]) => boolean): Promise<ServerFrame[]> {
  while (!done(client.frames)) await once(client.socket, 'message');
  return client.frames;
}

describe('07 cores: limits that survive reconnecting', () => {
  it('a person who reconnects in a loop gets no more messages than their budget: the rest are refused', async (t) => {
    const { url, join } = await start(t, { rateLimit: 1, connects: { perSecond: 1, burst: 1000 } });
    const ann = await join(await signUp(url, 'ann'));
    const mallory = await signUp(url, 'mallory');
    let refused = 0;
    for (let round = 0; round < 10; round++) {
      const client = await join(mallory);
      for (let i = 0; i < BURST; i++) client.send({ type: 'send', text: `flood ${round}.${i}` });
      const answers = await until(client, (frames) => frames.filter(isAnswer).length >= BURST);
      refused += answers.filter((frame) => frame.type === 'error' && frame.code === 'rate-limited').length;
      await client.close();
    }
    ann.send({ type: 'send', text: 'still here' });
    const seen = await until(ann, (frames) => frames.some((frame) => frame.type === 'entry' && frame.entry.text === 'still here'));
    const flood = seen.flatMap((frame) => (frame.type === 'entry' && frame.entry.from === 'mallory' ? [frame.entry] : []));
    assert.equal(flood.length, BURST, 'the whole loop delivered one budget of messages');
    assert.equal(refused, 9 * BURST, 'every other frame was answered rate-limited');
  });

  it('a person who reconnects too often is refused with 429 and Retry-After; someone else is not', async (t) => {
    const { url, join } = await start(t, { connects: { perSecond: 0.5, burst: 3 } });
    const mallory = await signUp(url, 'mallory');
    for (let i = 0; i < 3; i++) await (await join(mallory)).close();
    const { status, retryAfter, body } = await refusal(url, mallory);
    assert.equal(status, 429);
    assert.equal(retryAfter, '2');
    assert.match(body, /Too many connections: try again in 2 s/);
    const ann = await join(await signUp(url, 'ann'));
    ann.send({ type: 'send', text: 'hello' });
    assert.equal((await ann.messages(1))[0]!.text, 'hello', 'ann is unaffected');
  });

  it('a well-behaved person keeps their whole budget across a reconnect', async (t) => {
    const { url, join } = await start(t, { rateLimit: 1 });
    const cookie = await signUp(url, 'ann');
    const first = await join(cookie);
    first.send({ type: 'send', text: 'one' });
    await first.messages(1);
    await first.close();
    const again = await join(cookie);
    for (const text of ['two', 'three']) again.send({ type: 'send', text });
    const answers = (await until(again, (frames) => frames.filter(isAnswer).length >= 2)).filter(isAnswer);
    assert.deepEqual(answers.map((frame) => (frame.type === 'entry' ? frame.entry.text : frame.type === 'error' ? frame.code : frame.type)), ['two', 'three']);
  });
});

describe('07 cores: one budget for both transports', () => {
  it('a person who reconnects in a loop, by browser and terminal in turn, gets one budget in all', async (t) => {
    const { url, join, terminal } = await start(t, { rateLimit: 1, connects: { perSecond: 1, burst: 1000 } });
    const ann = await join(await signUp(url, 'ann'));
    const mallory = await signUp(url, 'mallory');
    let refused = 0;
    for (let round = 0; round < 10; round++) {
      if (round % 2 === 0) {
        const client = await join(mallory);
        for (let i = 0; i < BURST; i++) client.send({ type: 'send', text: `flood ${round}.${i}` });
        const answers = await until(client, (frames) => frames.filter(isAnswer).length >= BURST);
        refused += answers.filter((frame) => frame.type === 'error' && frame.code === 'rate-limited').length;
        await client.close();
      } else {
        const client = await terminal('mallory');
        for (let i = 0; i < BURST; i++) client.send(`flood ${round}.${i}`);
        const answer = new RegExp(`^!!! Slow down|<mallory> flood ${round}\\.`);
        while (client.all(answer).length < BURST) await client.next(answer);
        refused += client.all(/^!!! Slow down/).length;
        client.socket.destroy(); // not `#exit`: it would be refused too
        await client.closed;
      }
    }
    ann.send({ type: 'send', text: 'still here' });
    const seen = await until(ann, (frames) => frames.some((frame) => frame.type === 'entry' && frame.entry.text === 'still here'));
    const flood = seen.flatMap((frame) => (frame.type === 'entry' && frame.entry.from === 'mallory' ? [frame.entry] : []));
    assert.equal(flood.length, BURST, 'the whole loop delivered one budget of messages');
    assert.equal(refused, 9 * BURST, 'every other frame or line was answered rate-limited');
  });

  it('a terminal that reconnects too often is refused at log-in, saying why; the browser counts too', { timeout: 20_000 }, async (t) => {
    const { url, join, terminal, tcpPort } = await start(t, { connects: { perSecond: 0.5, burst: 3 } });
    const mallory = await signUp(url, 'mallory');
    await (await join(mallory)).close();
    for (let i = 0; i < 2; i++) {
      const client = await terminal('mallory');
      client.send('#exit');
      await client.closed;
    }
    const refused = await LineClient.connect(tcpPort);
    t.after(() => refused.socket.destroy());
    refused.send('mallory');
    refused.send('correct horse battery');
    await refused.next('!!! Too many connections: try again in 2 s.');
    assert.deepEqual(CLOSED_LINE.exec(await refused.next(CLOSED_LINE))?.slice(1), ['too many connections', String(NOT_LOGGED_IN)]);
    await refused.closed;
    await signUp(url, 'ana');
    const ana = await terminal('ana');
    ana.send('hello');
    await ana.next(/^\[\d\d:\d\d:\d\d\] #lobby <ana> hello$/);
  });
});

describe('07 cores: RateLimits', () => {
  it('keeps one bucket per person, and forgets the full ones once there are many', () => {
    const limits = new RateLimits(1, 2);
    assert.equal(limits.take('a', 0), true);
    assert.equal(limits.take('a', 0), true);
    assert.equal(limits.take('a', 0), false, 'a is out of tokens');
    assert.equal(limits.take('b', 0), true, 'b has its own bucket');
    for (let i = 0; i < 998; i++) limits.take(`person ${i}`, 0);
    assert.equal(limits.size, 1000);
    limits.take('late', 2000);
    assert.equal(limits.size, 1, 'every bucket had refilled: only the new one is kept');
    assert.equal(limits.take('a', 2000), true);
  });
});

/** A raw TCP connection to the server, as a browser's is before it says anything; `closed` resolves when the server closes it. */
async function rawConnection(port: number): Promise<{ socket: Socket; closed: Promise<unknown> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  return { socket, closed };
}

/** Asks for the home page over `socket` and returns the whole answer. */
async function getPage(socket: Socket, port: number): Promise<string> {
  socket.setEncoding('utf8');
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  let answer = '';
  for await (const chunk of socket) answer += chunk;
  return answer;
}

describe('07 cores: silent connections', () => {
  it('closes a connection that never sends a byte', { timeout: 20_000 }, async (t) => {
    const { server } = await start(t, { headersTimeoutMs: 200 });
    const { socket, closed } = await rawConnection(server.port);
    socket.resume(); // the server may say "408 Request Timeout" first: a stream that is not read never ends
    await closed;
  });

  it('closes the connection one over the cap from one address; those under it still work, and so does a visitor once one closes', { timeout: 20_000 }, async (t) => {
    const { server, url } = await start(t, { maxConnectionsPerAddress: 3 });
    const open = [await rawConnection(server.port), await rawConnection(server.port), await rawConnection(server.port)];
    t.after(() => open.forEach(({ socket }) => socket.destroy()));
    const { socket: extra, closed } = await rawConnection(server.port);
    await closed;
    assert.equal(extra.bytesRead, 0, 'refused without a word');
    for (const { socket } of open) assert.match(await getPage(socket, server.port), /^HTTP\/1\.1 200 OK/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    await page.text();
  });
});

describe('07 cores: silent terminals', () => {
  it('closes a TCP connection on which nobody logs in, after tcpLoginMs, though tcpIdleMs is long', { timeout: 20_000 }, async (t) => {
    const { tcpPort } = await start(t, { tcpLoginMs: 200, tcpIdleMs: 60 * 60_000 });
    const silent = await LineClient.connect(tcpPort);
    t.after(() => silent.socket.destroy());
    assert.deepEqual(CLOSED_LINE.exec(await silent.next(CLOSED_LINE))?.slice(1), ['nobody logged in for 0.2 seconds', String(IDLE)]);
    await silent.closed;
  });

  it('tells the connection one over the cap from one address why, and closes it; those under it still log in', { timeout: 20_000 }, async (t) => {
    const { url, tcpPort } = await start(t, { maxConnectionsPerAddress: 2 });
    await signUp(url, 'ana');
    const [first, second] = [await LineClient.connect(tcpPort), await LineClient.connect(tcpPort)];
    t.after(() => [first, second].forEach((client) => client.socket.destroy()));
    await first.prompt(LOGIN_PROMPT);
    await second.prompt(LOGIN_PROMPT);
    const extra = await LineClient.connect(tcpPort);
    assert.deepEqual(CLOSED_LINE.exec(await extra.next(CLOSED_LINE))?.slice(1), ['too many connections from your address', '1013']);
    await extra.closed;
    first.send('ana');
    await first.prompt(PASSWORD_PROMPT);
    first.send('correct horse battery');
    await first.next(/^\*\*\* Hello ana!/);
  });
});
