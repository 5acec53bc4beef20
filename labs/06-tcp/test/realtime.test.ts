import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import WebSocket from 'ws';
import { estimateOffset, type Probe } from '../client/src/lib/clock.ts';
import { parseLine } from '../server/core/log-format.ts';
import { PAIR_SIGNAL_RATE } from '../server/core/chat.ts';
import { startServer, type ServerOptions } from '../server/server.ts';
import { MAX_ROOMS_PER_PERSON, MAX_SDP_LENGTH } from '../shared/protocol.ts';
import { TestClient, connectSilently, signUp } from './ws-client.ts';
import { CANDIDATE, OFFER } from './webrtc-samples.ts';

/** An offer padded to the longest the server relays. */
const BIGGEST_OFFER = `${OFFER}a=x:${'y'.repeat(MAX_SDP_LENGTH - OFFER.length - 6)}\r\n`;

/** No rate limit to speak of, except where a test sets one. */
const FAST = 1_000_000;

async function start(t: TestContext, { gate = 0, rateLimit = FAST, ...options }: ServerOptions & { gate?: number; rateLimit?: number } = {}) {
  const dir = await tempDir(t, 'lab06-realtime');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate, rateLimit }, options);
  t.after(() => server.close());
  const url = server.urls[0]!;
  const join = async (login: string, query = '') => {
    const client = await TestClient.connect(url, await signUp(url, login), query);
    t.after(() => client.close());
    return client;
  };
  return { server, url, join };
}

async function logLines(path: string) {
  const lines = (await readFile(path, 'utf8')).split('\n');
  assert.equal(lines.pop(), '', 'the log ends with a newline');
  return lines.map((line) => parseLine(line) ?? assert.fail(`torn line: ${line}`));
}

describe('06 tcp: real server with ws clients', () => {
  it('5 clients x 200 concurrent messages: all see one order, equal to the log\'s', async (t) => {
    const { server, join } = await start(t);
    const clients = [];
    for (const login of ['ann', 'ben', 'cat', 'dan', 'eve']) clients.push(await join(login));
    await clients[0]!.next('entry', ({ entry }) => entry.text === 'eve joined');
    for (let i = 0; i < 200; i++) for (const [n, client] of clients.entries()) client.send({ type: 'send', text: `${n}:${i}` });
    const seen = await Promise.all(clients.map((client) => client.messages(1000)));
    for (const other of seen.slice(1)) assert.deepEqual(other, seen[0], 'one order for everyone');
    const seqs = seen[0]!.map((entry) => entry.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in seq order');
    for (let n = 0; n < 5; n++) {
      const own = seen[0]!.filter((entry) => entry.text.startsWith(`${n}:`)).map((entry) => Number(entry.text.split(':')[1]));
      assert.deepEqual(own, Array.from({ length: 200 }, (_, i) => i), `client ${n}'s messages in the order sent`);
    }
    const path = await server.logPath;
    await server.close();
    const logged = (await logLines(path)).filter((line) => line.from !== null);
    assert.deepEqual(logged.map((line) => `${line.room} ${line.from} ${line.text}`), seen[0]!.map((entry) => `lobby ${entry.from} ${entry.text}`));
  });

  it('the gate with N=3: two users chat, nothing is delivered; the third connects; all three get everything in order', async (t) => {
    const { server, join } = await start(t, { gate: 3 });
    const ann = await join('ann');
    assert.deepEqual((await ann.next('welcome')).gate, { needed: 3, connected: 1, open: false });
    const ben = await join('ben');
    await ann.next('gate', ({ gate }) => gate.connected === 2);
    ann.send({ type: 'send', text: 'one' });
    ben.send({ type: 'send', text: 'two' });
    ann.send({ type: 'send', text: 'three' });
    ben.send({ type: 'command', command: { name: 'list' } });
    await ben.next('rooms');
    assert.equal(ann.frames.concat(ben.frames).filter((frame) => frame.type === 'entry').length, 0, 'nothing delivered yet');
    const cat = await join('cat');
    const released = [];
    for (const client of [ann, ben, cat]) {
      assert.equal((await client.next('gate', ({ gate }) => gate.open)).gate.connected, 3);
      released.push((await client.next('joined', ({ entries }) => entries.length > 0)).entries);
    }
    assert.deepEqual(released[1], released[0], 'one order for everyone');
    assert.deepEqual(released[2], released[0], 'one order for everyone');
    const texts = released[0]!.map((entry) => entry.text);
    assert.deepEqual([texts.slice(0, 2), texts.at(-1)], [['ann joined', 'ben joined'], 'cat joined']);
    assert.deepEqual(texts.filter((text) => text === 'one' || text === 'three'), ['one', 'three'], "ann's messages in the order sent");
    assert.ok(texts.includes('two'));
    cat.send({ type: 'send', text: 'live' });
    assert.equal((await ann.messages(1))[0]!.text, 'live');
    const path = await server.logPath;
    await server.close();
    const logged = (await logLines(path)).filter((line) => line.room === 'lobby').map((line) => line.text);
    assert.deepEqual(logged.slice(0, 6), texts, 'the order the server received them in, as in the log');
  });

  it('rooms over the wire: #cR, a message seen only in its room, #dR by a non-creator refused', async (t) => {
    const { join } = await start(t);
    const [ann, ben, cat] = [await join('ann'), await join('ben'), await join('cat')];
    ann.send({ type: 'send', text: '#cR games' });
    assert.equal((await ann.next('joined', ({ room }) => room === 'games')).entries.at(-1)!.text, 'ann joined');
    ben.send({ type: 'command', command: { name: 'go', room: 'GAMES' } });
    await ben.next('joined', ({ room }) => room === 'games');
    ben.send({ type: 'send', text: 'in games' });
    cat.send({ type: 'send', text: 'in the lobby' });
    assert.equal((await ann.messages(1))[0]!.text, 'in games');
    assert.equal((await cat.messages(1))[0]!.text, 'in the lobby');
    ben.send({ type: 'send', text: '#dR games' });
    assert.equal((await ben.next('error')).code, 'not-creator');
    const rooms = await cat.next('rooms', ({ rooms }) => rooms.some((room) => room.name === 'games' && room.members === 2));
    assert.deepEqual(rooms.rooms.map((room) => room.name), ['lobby', 'games']);
    await ann.close();
    assert.equal((await ben.next('joined', ({ room }) => room === 'lobby')).room, 'lobby', 'the creator left: back to the lobby');
  });

  it(`over the wire, a person may create ${MAX_ROOMS_PER_PERSON} rooms and no more; the others see a short list`, async (t) => {
    const { join } = await start(t);
    const [ann, ben] = [await join('ann'), await join('ben')];
    for (let i = 0; i <= MAX_ROOMS_PER_PERSON; i++) ann.send({ type: 'command', command: { name: 'create', room: `room${i}` } });
    assert.equal((await ann.next('error')).code, 'too-many-rooms');
    await ben.next('rooms', ({ rooms }) => rooms.length === MAX_ROOMS_PER_PERSON + 1);
    ann.send({ type: 'command', command: { name: 'list' } });
    assert.deepEqual((await ann.next('rooms', ({ rooms }) => rooms.length === MAX_ROOMS_PER_PERSON + 1)).rooms.map((room) => room.name).slice(1).sort(), ['room0', 'room1', 'room2', 'room3', 'room4']);
  });

  it('a reconnecting client resumes its room from the last entry it saw', async (t) => {
    const { url, join } = await start(t);
    const ann = await join('ann');
    const cookie = await signUp(url, 'ben');
    let ben = await TestClient.connect(url, cookie);
    t.after(() => ben.close());
    ben.send({ type: 'send', text: 'before' });
    const [before] = await ann.messages(1);
    await ben.close();
    for (const text of ['while', 'away']) ann.send({ type: 'send', text });
    await ann.messages(3);
    ben = await TestClient.connect(url, cookie, `room=lobby&after=${before!.seq}`);
    const joined = await ben.next('joined');
    assert.deepEqual(joined.entries.map((entry) => entry.text), ['ben left', 'while', 'away', 'ben joined']);
    assert.equal(joined.missed, 0);
  });

  it('a second tab replaces the first, which is closed with 4000', async (t) => {
    const { url } = await start(t);
    const cookie = await signUp(url, 'ann');
    const first = await TestClient.connect(url, cookie);
    const closed = once(first.socket, 'close');
    const second = await TestClient.connect(url, cookie);
    t.after(() => second.close());
    const [code, reason] = await closed;
    assert.equal(code, 4000);
    assert.match(String(reason), /another tab/);
    assert.equal((await second.next('welcome')).you, 'ann');
  });

  it('relays signaling between two online users, stamped by the server with the real sender; refuses what is not SDP or ICE', async (t) => {
    const { join } = await start(t);
    const [ann, ben] = [await join('ann'), await join('ben')];
    ann.send({ type: 'signal', to: 'ben', from: 'mallory', data: { kind: 'offer', sdp: OFFER } });
    assert.deepEqual(await ben.next('signal'), { type: 'signal', from: 'ann', data: { kind: 'offer', sdp: OFFER } });
    ann.send({ type: 'signal', to: 'ben', data: { kind: 'offer', sdp: 'meet me behind the gym at 5' } });
    assert.equal((await ann.next('error')).code, 'bad-signal');
    ann.send({ type: 'signal', to: 'ben', data: { kind: 'candidate', candidate: { candidate: 'candidate: meet me behind the gym at 5' } } });
    assert.equal((await ann.next('error')).code, 'bad-signal');
    ann.send({ type: 'signal', to: 'ben', data: { kind: 'candidate', candidate: CANDIDATE } });
    assert.deepEqual((await ben.next('signal')).data, { kind: 'candidate', candidate: CANDIDATE }, 'the next signal ben gets');
    assert.doesNotMatch(JSON.stringify(ben.frames), /gym/);
    ann.send({ type: 'signal', to: 'nobody', data: { kind: 'candidate', candidate: null } });
    assert.equal((await ann.next('error')).code, 'user-offline');
  });

  it(`cuts a signaling flood at its sender (${PAIR_SIGNAL_RATE.burst} at once to one person); the target stays connected and keeps getting its room`, async (t) => {
    const { join } = await start(t, { now: () => new Date(Date.UTC(2026, 10, 22, 13, 3, 7)) });
    const [ann, ben] = [await join('ann'), await join('ben')];
    const flood = 500;
    for (let i = 0; i < flood; i++) ann.send({ type: 'signal', to: 'ben', data: { kind: 'offer', sdp: BIGGEST_OFFER } });
    ann.send({ type: 'send', text: 'after the flood' });
    for (const client of [ben, ann]) assert.deepEqual((await client.messages(1)).map((entry) => entry.text), ['after the flood']); // ann's after her refusals
    assert.equal(ben.frames.filter((frame) => frame.type === 'signal').length, PAIR_SIGNAL_RATE.burst);
    assert.equal(ann.frames.filter((frame) => frame.type === 'error' && frame.code === 'rate-limited').length, flood - PAIR_SIGNAL_RATE.burst);
    assert.equal(ben.socket.readyState, WebSocket.OPEN);
  });

  it('never lets signaling fill a client\'s buffer: past a quarter of the bound, senders are told the peer is busy', async (t) => {
    const { server, url, join } = await start(t, { maxBufferedBytes: 256 * 1024, now: () => new Date(Date.UTC(2026, 10, 22, 13, 3, 7)) });
    const ann = await join('ann');
    const frozen = connectSilently(url, await signUp(url, 'cat'));
    t.after(() => frozen.destroy());
    await ann.next('entry', ({ entry }) => entry.text === 'cat joined');
    let dropped = false;
    server.hub.once('drop', () => (dropped = true));
    let busy = 0;
    let senders = 0;
    while (busy === 0 && !dropped && senders < 40) {
      const sender = await join(`sender${senders++}`);
      for (let i = 0; i < PAIR_SIGNAL_RATE.burst; i++) sender.send({ type: 'signal', to: 'cat', data: { kind: 'offer', sdp: BIGGEST_OFFER } });
      sender.send({ type: 'time', id: 1 });
      await sender.next('time');
      busy = sender.frames.filter((frame) => frame.type === 'error' && frame.code === 'peer-busy').length;
    }
    assert.equal(dropped, false, `cat was dropped after ${senders} senders of ${PAIR_SIGNAL_RATE.burst} offers of ${MAX_SDP_LENGTH / 1024} KiB`);
    assert.ok(busy > 0, `no sender was told cat is busy after ${senders} senders`);
  });

  it('answers clock probes: a client whose clock is 5 minutes fast estimates the offset within the round trip', async (t) => {
    const { join } = await start(t);
    const ann = await join('ann');
    const skew = 5 * 60_000;
    const clock = () => Date.now() + skew;
    const probes: Probe[] = [];
    for (let id = 1; id <= 5; id++) {
      const sent = clock();
      ann.send({ type: 'time', id });
      const { server } = await ann.next('time', (frame) => frame.id === id);
      probes.push({ sent, server, received: clock() });
    }
    const { offset, roundTrip } = estimateOffset(probes);
    assert.ok(Math.abs(offset - -skew) <= roundTrip, `offset ${offset} should be -${skew} ± ${roundTrip}`);
  });

  it('refuses bad frames with an error and keeps the connection; closes oversized frames with 1009', async (t) => {
    const { join } = await start(t);
    const [ann, ben] = [await join('ann'), await join('ben')];
    for (const [data, code] of [['{oops', 'not-json'], ['{"type":"dance"}', 'unknown-type'], [Buffer.from([0xff]), 'binary-frame']] as const) {
      ann.socket.send(data);
      assert.equal((await ann.next('error')).code, code);
    }
    ann.send({ type: 'send', text: 'still here' });
    assert.equal((await ben.messages(1))[0]!.text, 'still here');
    const closed = once(ann.socket, 'close');
    ann.send({ type: 'send', text: 'x'.repeat(70 * 1024) });
    assert.equal((await closed)[0], 1009);
  });

  it('rate-limits each connection with a clear error; other clients are not slowed', async (t) => {
    const { join } = await start(t, { rateLimit: 5, now: () => new Date(Date.UTC(2026, 10, 22, 13, 3, 7)) });
    const [ann, ben] = [await join('ann'), await join('ben')];
    for (let i = 0; i < 40; i++) ann.send({ type: 'send', text: `flood ${i}` });
    const error = await ann.next('error');
    assert.equal(error.code, 'rate-limited');
    assert.match(error.message, /at most 5 frames a second/);
    ben.send({ type: 'send', text: 'calm' });
    const received = await ann.messages(16);
    const burst = Array.from({ length: 15 }, (_, i) => `flood ${i}`);
    assert.deepEqual(received.map((entry) => entry.text), [...burst, 'calm'], 'a burst of 3 × RATE_LIMIT, then only what the rate refills');
  });

  it('logging out closes that person\'s socket with 4001, and the cookie no longer opens one', async (t) => {
    const { url } = await start(t);
    const cookie = await signUp(url, 'ann');
    const ann = await TestClient.connect(url, cookie);
    await ann.next('welcome');
    const closed = once(ann.socket, 'close');
    const logout = await fetch(new URL('/api/logout', url), { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(logout.status, 204);
    assert.deepEqual((await closed).map(String), ['4001', 'logged out']);
    const again = new WebSocket(`${url.replace('http', 'ws')}ws`, { headers: { cookie } });
    again.on('error', () => undefined);
    assert.equal((await once(again, 'unexpected-response'))[1].statusCode, 401);
  });

  it('logging out closes only the sockets opened with that session; the person\'s other session keeps its own', async (t) => {
    const { url } = await start(t);
    const laptop = await signUp(url, 'ann');
    const loggedIn = await fetch(new URL('/api/login', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'ann', password: 'correct horse battery' }),
    });
    const phone = loggedIn.headers.get('set-cookie')!.split(';')[0]!;
    const ann = await TestClient.connect(url, phone);
    t.after(() => ann.close());
    await ann.next('welcome');
    const logout = (cookie: string) => fetch(new URL('/api/logout', url), { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    assert.equal((await logout(laptop)).status, 204);
    ann.send({ type: 'time', id: 1 });
    assert.equal((await ann.next('time')).id, 1, 'the phone\'s socket is still open after the laptop logged out');
    const closed = once(ann.socket, 'close');
    assert.equal((await logout(phone)).status, 204);
    assert.deepEqual((await closed).map(String), ['4001', 'logged out']);
  });

  it('refuses the socket without a session (401) or from another origin (403)', async (t) => {
    const { url } = await start(t);
    const status = async (headers: Record<string, string>) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}ws`, { headers });
      socket.on('error', () => undefined);
      const [, response] = await once(socket, 'unexpected-response');
      return response.statusCode as number;
    };
    assert.equal(await status({}), 401);
    assert.equal(await status({ cookie: 'chat_session=made-up' }), 401);
    const cookie = await signUp(url, 'ann');
    assert.equal(await status({ cookie, origin: 'http://evil.example' }), 403);
  });

  it('drops a client that stops reading; the others keep every message, in order', async (t) => {
    const { server, url, join } = await start(t, { maxBufferedBytes: 256 * 1024 });
    const [ann, ben] = [await join('ann'), await join('ben')];
    const frozen = connectSilently(url, await signUp(url, 'cat'));
    t.after(() => frozen.destroy());
    await ann.next('entry', ({ entry }) => entry.text === 'cat joined');
    let dropped: [string, string] | undefined;
    server.hub.once('drop', (...drop) => (dropped = drop));
    let sent = 0;
    while (!dropped && sent < 20_000) {
      for (let i = 0; i < 100; i++) ann.send({ type: 'send', text: `${sent++} ${'z'.repeat(1900)}` });
      await ben.messages(sent);
    }
    assert.deepEqual(dropped, ['cat', 'it stopped reading'], `dropped after ${sent} messages of ~2 KB`);
    const seen = await ben.messages(sent);
    assert.deepEqual(seen.map((entry) => Number(entry.text.split(' ')[0])), Array.from({ length: sent }, (_, i) => i));
  });

  it('pings clients and cuts off one that vanished without closing; the one that answers stays', async (t) => {
    const { url, join } = await start(t, { heartbeatMs: 1000 });
    const ann = await join('ann');
    const vanished = connectSilently(url, await signUp(url, 'cat'));
    t.after(() => vanished.destroy());
    await ann.next('entry', ({ entry }) => entry.text === 'cat joined');
    await ann.next('entry', ({ entry }) => entry.text === 'cat left');
    assert.equal(ann.socket.readyState, WebSocket.OPEN);
  });
});
