import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import WebSocket from 'ws';
import type { Entry } from '../server/core/chat.ts';
import { parseLine } from '../server/core/log-format.ts';
import { RATE, startServer, type ServerOptions } from '../server/server.ts';
import { TestClient, connectSilently } from './ws-client.ts';

/** No rate limit, for the tests that are not about it: they send hundreds of frames at once. */
const FAST = { perSecond: 1e6, burst: 1e6 };

async function start(t: TestContext, { graceSeconds = 30, ...options }: ServerOptions & { graceSeconds?: number } = {}) {
  const logDir = await tempDir(t, 'lab03-realtime');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir, graceSeconds }, { rate: FAST, ...options });
  t.after(() => server.close());
  const url = server.urls[0]!;
  const join = async (query: string) => {
    const client = await TestClient.connect(url, query);
    t.after(() => client.close());
    return client;
  };
  return { server, logDir, url, join };
}

const texts = (entries: Entry[]) => entries.map((entry) => entry.text);

async function logTexts(path: string) {
  const lines = (await readFile(path, 'utf8')).split('\n');
  assert.equal(lines.pop(), '', 'the log ends with a newline');
  return lines.map((line) => parseLine(line)?.text ?? assert.fail(`torn line: ${line}`));
}

describe('03 realtime: real server with ws clients', () => {
  it('two clients x 500 concurrent messages: both see one identical order, equal to the log\'s', async (t) => {
    const { server, join } = await start(t);
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    const started = once(server.hub, 'session-start');
    for (let i = 0; i < 500; i++) {
      user.send({ type: 'send', text: `user ${i}` });
      agent.send({ type: 'send', text: `agent ${i}\nsecond line` });
    }
    const [seen, seenToo] = await Promise.all([user.entries(1001), agent.entries(1001)]);
    assert.deepEqual(seen, seenToo, 'one order for everyone');
    assert.deepEqual(seen.map((entry) => entry.seq), Array.from({ length: 1001 }, (_, i) => i + 1), 'no gap, no duplicate');
    for (const role of ['user', 'agent']) {
      const own = seen.filter((entry) => entry.from === role).map((entry) => Number(entry.text.split(/[ \n]/)[1]));
      assert.deepEqual(own, Array.from({ length: 500 }, (_, i) => i), `${role}'s messages in the order sent`);
    }
    const [, path] = await started;
    await server.close();
    const logged = await logTexts(path);
    assert.deepEqual(logged.slice(0, -1), texts(seen), 'the log has the same order');
    assert.equal(logged.at(-1), 'server stopped: the chat ended');
  });

  it('a window that opens mid-session sees everything so far, then live, with no gap or duplicate at the seam', async (t) => {
    const { join } = await start(t);
    const user = await join('role=user');
    let joined: TestClient | undefined;
    const joining = join('role=agent').then((client) => (joined = client));
    let sent = 0;
    const burst = (count: number) => {
      for (let i = 0; i < count; i++) user.send({ type: 'send', text: `m${sent++}` });
      return user.entries(sent + 1);
    };
    while (!joined) await burst(10);
    const late = await joining;
    await burst(100);
    const welcome = await late.next('welcome');
    const live = await late.entries(sent + 1 - welcome.entries.length);
    assert.ok(welcome.entries.length > 1 && live.length >= 100, `joined mid-stream (${welcome.entries.length} replayed, ${live.length} live)`);
    const all = [...welcome.entries, ...live];
    assert.deepEqual(all.map((entry) => entry.seq), Array.from({ length: sent + 1 }, (_, i) => i + 1));
    assert.deepEqual(all, await user.entries(sent + 1));
  });

  it('a reconnecting window catches up from the last entry it saw', async (t) => {
    const { join } = await start(t);
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    agent.send({ type: 'send', text: 'before' });
    const [, before] = await user.entries(2);
    await user.close();
    for (const text of ['while', 'you', 'were', 'away']) agent.send({ type: 'send', text });
    await agent.entries(6);
    const back = await join(`role=user&session=${before!.session}&after=${before!.seq}`);
    const welcome = await back.next('welcome');
    assert.equal(welcome.session, before!.session);
    assert.deepEqual(texts(welcome.entries), ['while', 'you', 'were', 'away']);
    assert.deepEqual(welcome.entries.map((entry) => entry.seq), [3, 4, 5, 6]);
    agent.send({ type: 'send', text: 'live again' });
    assert.deepEqual(texts(await back.entries(1)), ['live again']);
  });

  it('End chat ends the session for both; the next message starts a new session in a new file (same second: _2)', async (t) => {
    const now = () => new Date(2026, 10, 22, 14, 3, 7);
    const { server, logDir, join } = await start(t, { now });
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    const firstStarted = once(server.hub, 'session-start');
    user.send({ type: 'send', text: 'hello' });
    const [first] = await firstStarted;
    const ended = once(server.hub, 'session-end');
    agent.send({ type: 'end' });
    for (const client of [user, agent]) {
      const [, , end] = await client.entries(3);
      assert.deepEqual([end!.kind, end!.text], ['end', 'agent ended the chat']);
    }
    await ended;
    const secondStarted = once(server.hub, 'session-start');
    agent.send({ type: 'send', text: 'a new question' });
    const [second, secondPath] = await secondStarted;
    assert.notEqual(second, first);
    assert.match(secondPath, /chat_20261122-140307_2\.log$/);
    assert.deepEqual((await readdir(logDir)).sort(), ['chat_20261122-140307.log', 'chat_20261122-140307_2.log']);
    assert.deepEqual(await logTexts(`${logDir}/chat_20261122-140307.log`), [`session ${first} started`, 'hello', 'agent ended the chat']);
    const [opening] = (await user.entries(5)).slice(3);
    assert.deepEqual([opening!.session, opening!.seq, opening!.kind], [second, 1, 'start']);
  });

  it('End chat with no session answers an error; the session survives a reload but ends when everyone stays away', async (t) => {
    const { server, join } = await start(t, { graceSeconds: 0.05 });
    const user = await join('role=user');
    user.send({ type: 'end' });
    assert.equal((await user.next('error')).code, 'no-session');
    user.send({ type: 'send', text: 'hi' });
    const [, hi] = await user.entries(2);
    await user.close();
    const reloaded = await join(`role=user&session=${hi!.session}&after=${hi!.seq}`);
    assert.equal((await reloaded.next('welcome')).session, hi!.session, 'a reload within the grace period keeps the session');
    const ended = once(server.hub, 'session-end');
    await reloaded.close();
    const [id, reason] = await ended;
    assert.equal(id, hi!.session);
    assert.equal(reason, 'everyone left: the chat ended');
  });

  it('tells everyone who is online and relays typing to the others only', async (t) => {
    const { join } = await start(t);
    const user = await join('role=user');
    assert.deepEqual((await user.next('welcome')).online, { user: 1, agent: 0 });
    const agent = await join('role=agent');
    assert.deepEqual((await user.next('presence', ({ online }) => online.agent === 1)).online, { user: 1, agent: 1 });
    agent.send({ type: 'typing' });
    assert.equal((await user.next('typing')).from, 'agent');
    await agent.close();
    assert.deepEqual((await user.next('presence', ({ online }) => online.agent === 0)).online, { user: 1, agent: 0 });
    assert.equal(agent.frames.filter((frame) => frame.type === 'typing').length, 0);
  });

  it('announces a burst of windows in a few presence frames, not one per window, with the final counts', async (t) => {
    const { join } = await start(t);
    const first = await join('role=user');
    await first.next('presence', ({ online }) => online.user === 1);
    const crowd = await Promise.all(Array.from({ length: 20 }, (_, i) => join(`role=${i % 2 ? 'user' : 'agent'}`)));
    const last = await first.next('presence', ({ online }) => online.user + online.agent === 21);
    assert.deepEqual(last.online, { user: 11, agent: 10 });
    const presences = first.frames.filter((frame) => frame.type === 'presence').length;
    assert.ok(presences < 10, `${presences} presence frames for 20 windows`);
    const newest = await crowd.at(-1)!.next('presence', ({ online }) => online.user + online.agent === 21);
    assert.deepEqual(newest.online, { user: 11, agent: 10 }, 'sent to everyone, the newest window too');
  });

  it('rate-limits each connection: a burst, then 20 frames a second; the others are not slowed', async (t) => {
    let time = Date.UTC(2026, 10, 22, 13, 3, 7);
    const { join } = await start(t, { rate: RATE, now: () => new Date(time) });
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    for (let i = 0; i <= RATE.burst; i++) user.send({ type: 'send', text: `flood ${i}` });
    const error = await user.next('error');
    assert.equal(error.code, 'rate-limited');
    assert.match(error.message, /at most 20 frames a second/);
    assert.deepEqual(texts((await user.entries(1 + RATE.burst)).slice(1)), Array.from({ length: RATE.burst }, (_, i) => `flood ${i}`));
    agent.send({ type: 'send', text: 'calm' });
    assert.equal((await user.entries(2 + RATE.burst)).at(-1)!.text, 'calm', 'the agent has a bucket of its own');
    time += 1000;
    for (let i = 0; i <= RATE.perSecond; i++) user.send({ type: 'send', text: `later ${i}` });
    assert.equal((await user.next('error')).code, 'rate-limited');
    const entries = await user.entries(2 + RATE.burst + RATE.perSecond);
    assert.deepEqual(texts(entries.slice(2 + RATE.burst)), Array.from({ length: RATE.perSecond }, (_, i) => `later ${i}`), 'one second later, 20 more');
    assert.equal(user.frames.filter((frame) => frame.type === 'error').length, 2);
    assert.equal(user.frames.filter((frame) => frame.type === 'entry').length, 2 + RATE.burst + RATE.perSecond, 'and no more');
  });

  it('answers bad frames with an error frame and keeps the connection', async (t) => {
    const { join } = await start(t);
    const user = await join('role=user');
    const bad: [string | Buffer, string][] = [
      ['hello', 'not-json'],
      ['{"type":"shout"}', 'unknown-type'],
      ['{"type":"send","text":""}', 'bad-message'],
      [JSON.stringify({ type: 'send', text: 'x'.repeat(2001) }), 'bad-message'],
      [Buffer.from([1, 2, 3]), 'binary-frame'],
    ];
    for (const [data, code] of bad) {
      user.socket.send(data);
      const error = await user.next('error');
      assert.equal(error.code, code);
      assert.ok(error.message.length > 10);
    }
    user.send({ type: 'send', text: 'still here' });
    const [, still] = await user.entries(2);
    assert.equal(still!.text, 'still here');
  });

  it('closes a connection that sends a frame over 64 KiB with 1009, and nobody else notices', async (t) => {
    const { join } = await start(t);
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    const closed = once(user.socket, 'close');
    user.send({ type: 'send', text: 'x'.repeat(70 * 1024) });
    const [code] = await closed;
    assert.equal(code, 1009);
    agent.send({ type: 'send', text: 'fine' });
    assert.equal((await agent.entries(2))[1]!.text, 'fine');
  });

  it('refuses upgrades from another origin or for another host (403), without a role (400), or elsewhere than /ws (404)', async (t) => {
    const { server, url } = await start(t);
    const refused = async (path: string, headers: Record<string, string> = {}) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
      const [, response] = await once(socket, 'unexpected-response');
      socket.on('error', () => undefined);
      return response.statusCode as number;
    };
    assert.equal(await refused('ws?role=user', { origin: 'http://evil.example' }), 403);
    const rebound = `evil.example:${server.port}`;
    assert.equal(await refused('ws?role=agent', { host: rebound, origin: `http://${rebound}` }), 403, 'DNS rebinding: Host and Origin agree, but name another site');
    assert.equal(await refused('ws?role=root'), 400);
    assert.equal(await refused('chat?role=user'), 404);
    for (const own of [url.replace(/\/$/, ''), `http://localhost:${server.port}`]) {
      const { host } = new URL(own);
      const welcome = await TestClient.connect(url, 'role=user', { headers: { host, origin: own } });
      t.after(() => welcome.close());
      assert.equal((await welcome.next('welcome')).role, 'user', `${own} is fine`);
    }
  });

  it('drops a client that stops reading; the others keep every message, in order', async (t) => {
    const { server, url, join } = await start(t, { maxBufferedBytes: 256 * 1024 });
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    const frozen = connectSilently(url, 'role=agent');
    t.after(() => frozen.destroy());
    await user.next('presence', ({ online }) => online.agent === 2);
    const drops: [string, string][] = [];
    server.hub.on('drop', (...drop) => drops.push(drop));
    let sent = 0;
    while (drops.length === 0 && sent < 20_000) {
      for (let i = 0; i < 100; i++) user.send({ type: 'send', text: `${sent++} ${'z'.repeat(1900)}` });
      await agent.entries(sent + 1);
    }
    assert.deepEqual(drops, [['agent', 'it stopped reading']], `dropped once, after ${sent} messages of ~2 KB`);
    await user.next('presence', ({ online }) => online.agent === 1);
    for (let i = 0; i < 100; i++) user.send({ type: 'send', text: `${sent++} after` });
    const seen = await agent.entries(sent + 1);
    assert.deepEqual(seen.slice(1).map((entry) => Number(entry.text.split(' ')[0])), Array.from({ length: sent }, (_, i) => i));
    assert.equal(drops.length, 1, 'dropped exactly once');
  });

  it('pings clients and drops one that has vanished without closing', async (t) => {
    const { url, join } = await start(t, { heartbeatMs: 1000 });
    const user = await join('role=user');
    const vanished = connectSilently(url, 'role=agent');
    t.after(() => vanished.destroy());
    await user.next('presence', ({ online }) => online.agent === 1);
    await user.next('presence', ({ online }) => online.agent === 0);
    assert.equal(user.socket.readyState, WebSocket.OPEN, 'the one that answers pings stays');
  });
});
