import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import WebSocket from 'ws';
import { RateLimits } from '../server/core/rate-limit.ts';
import { startServer, type ServerOptions } from '../server/server.ts';
import type { ServerFrame } from '../shared/protocol.ts';
import { TestClient, signUp } from './ws-client.ts';

/** A clock that stands still: no bucket refills during a test, so every count is exact. */
const FROZEN = () => new Date(Date.UTC(2026, 0, 1));

async function start(t: TestContext, options: ServerOptions) {
  const dir = await tempDir(t, 'lab04-limits');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0 }, { now: FROZEN, ...options });
  t.after(() => server.close());
  const url = server.urls[0]!;
  const join = async (cookie: string) => {
    const client = await TestClient.connect(url, cookie);
    t.after(() => client.close());
    return client;
  };
  return { server, url, join };
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

describe('04 rooms-p2p: limits that survive reconnecting', () => {
  it('a person who reconnects in a loop gets no more messages than their budget: the rest are refused', async (t) => {
    const { url, join } = await start(t, { rate: { perSecond: 1, burst: 5 }, connects: { perSecond: 1, burst: 1000 } });
    const ann = await join(await signUp(url, 'ann'));
    const mallory = await signUp(url, 'mallory');
    let refused = 0;
    for (let round = 0; round < 10; round++) {
      const client = await join(mallory);
      for (let i = 0; i < 5; i++) client.send({ type: 'send', text: `flood ${round}.${i}` });
      const answers = await until(client, (frames) => frames.filter(isAnswer).length >= 5);
      refused += answers.filter((frame) => frame.type === 'error' && frame.code === 'rate-limited').length;
      await client.close();
    }
    ann.send({ type: 'send', text: 'still here' });
    const seen = await until(ann, (frames) => frames.some((frame) => frame.type === 'entry' && frame.entry.text === 'still here'));
    const flood = seen.flatMap((frame) => (frame.type === 'entry' && frame.entry.from === 'mallory' ? [frame.entry] : []));
    assert.equal(flood.length, 5, 'the whole loop delivered one budget of messages');
    assert.equal(refused, 45, 'every other frame was answered rate-limited');
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
    const { url, join } = await start(t, { rate: { perSecond: 1, burst: 5 } });
    const cookie = await signUp(url, 'ann');
    const first = await join(cookie);
    first.send({ type: 'send', text: 'one' });
    await first.messages(1);
    await first.close();
    const again = await join(cookie);
    for (const text of ['two', 'three', 'four', 'five']) again.send({ type: 'send', text });
    const answers = (await until(again, (frames) => frames.filter(isAnswer).length >= 4)).filter(isAnswer);
    assert.deepEqual(answers.map((frame) => (frame.type === 'entry' ? frame.entry.text : frame.type === 'error' ? frame.code : frame.type)), ['two', 'three', 'four', 'five']);
  });
});

describe('04 rooms-p2p: RateLimits', () => {
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

describe('04 rooms-p2p: silent connections', () => {
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
