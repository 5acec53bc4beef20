import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import WebSocket from 'ws';
import { startServer, type ServerOptions } from '../server/server.ts';
import { TestClient, connectSilently, signUp } from '../test/ws-client.ts';

const COUNTERS = ['connections', 'admitted', 'frames', 'deliveries', 'writes', 'dropped'] as const;
type Stats = Record<(typeof COUNTERS)[number], number>;

async function start(t: TestContext, options: ServerOptions = {}) {
  const dir = await tempDir(t, 'lab05-exercise-stats');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0, rateLimit: 1_000_000 }, options);
  t.after(() => server.close());
  const url = server.urls[0]!;
  const join = async (login: string) => {
    const client = await TestClient.connect(url, await signUp(url, login));
    t.after(() => client.close());
    return client;
  };
  return { server, url, join };
}

/** GET /api/stats, with every counter checked to be there. */
async function stats(url: string): Promise<Stats> {
  const res = await fetch(new URL('/api/stats', url));
  assert.ok(res.status === 200, `GET /api/stats answered ${res.status}, not 200: add the route (server/routes/), and mount it in server/app.ts.`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, 'GET /api/stats answers JSON (c.json(...) in Hono)');
  const body = (await res.json()) as Record<string, unknown>;
  const missing = COUNTERS.filter((name) => typeof body[name] !== 'number');
  assert.ok(missing.length === 0, `GET /api/stats answered ${JSON.stringify(body)}; these counters are missing or not numbers: ${missing.join(', ')}.`);
  return body as Stats;
}

function growth(before: Stats, after: Stats): Stats {
  return Object.fromEntries(COUNTERS.map((name) => [name, after[name] - before[name]])) as Stats;
}

/** Three people in the lobby, once the room list that counts all three has reached each of them (nothing else is on its way). */
async function threeInTheLobby(join: (login: string) => Promise<TestClient>) {
  const clients = [await join('ann'), await join('ben'), await join('cat')];
  for (const client of clients) await client.next('rooms', ({ rooms }) => rooms[0]!.members === 3);
  return clients;
}

describe('05 scale exercise 2: Counters for monitoring', () => {
  it('answers GET /api/stats with JSON counters: connections, admitted, frames, deliveries, writes, dropped', async (t) => {
    const { url } = await start(t);
    const counters = await stats(url);
    assert.deepEqual(counters, { ...counters, connections: 0, admitted: 0, dropped: 0 }, 'a server nobody has joined yet has no connections, let nobody in and dropped nobody');
  });

  it('counts the connections open now and the people let in since the server started', async (t) => {
    const { url, join } = await start(t);
    const [ann, ben] = await threeInTheLobby(join);
    let counters = await stats(url);
    assert.equal(counters.connections, 3, 'ann, ben and cat are connected: "connections" should be 3');
    assert.equal(counters.admitted, 3, 'ann, ben and cat were let in: "admitted" should be 3');
    const refused = new WebSocket(`${url.replace('http', 'ws')}ws`);
    refused.on('error', () => undefined);
    assert.equal((await once(refused, 'unexpected-response'))[1].statusCode, 401);
    await ben!.close();
    await ann!.next('entry', ({ entry }) => entry.text === 'ben left');
    counters = await stats(url);
    assert.equal(counters.connections, 2, 'ben left: "connections" counts the sockets open now, 2');
    assert.equal(counters.admitted, 3, '"admitted" counts everyone let in since the start (ben too), and not a socket refused without a session');
  });

  it('counts each broadcast once as a frame, and once per recipient as a delivery', async (t) => {
    const { url, join } = await start(t);
    const [ann, ben, cat] = await threeInTheLobby(join);
    const before = await stats(url);
    for (let i = 0; i < 10; i++) ann!.send({ type: 'send', text: `message ${i}` });
    await Promise.all([ann, ben, cat].map((client) => client!.messages(10)));
    const grew = growth(before, await stats(url));
    assert.equal(grew.frames, 10, `10 messages to a room of 3 should add 10 frames (one per frame the hub sends, however many get it), not ${grew.frames}`);
    assert.equal(grew.deliveries, 30, `10 messages to a room of 3 should add 30 deliveries (one per frame per recipient), not ${grew.deliveries}`);
  });

  it('counts writes to the sockets: at least one per recipient, fewer than deliveries when frames arrive together', async (t) => {
    const { url, join } = await start(t);
    const [ann, ben, cat] = await threeInTheLobby(join);
    const before = await stats(url);
    const wire = (ann!.socket as unknown as { _socket: Socket })._socket;
    wire.cork(); // ann's 10 frames leave in one TCP segment, so the server reads them in one turn
    for (let i = 0; i < 10; i++) ann!.send({ type: 'send', text: `together ${i}` });
    wire.uncork();
    await Promise.all([ann, ben, cat].map((client) => client!.messages(10)));
    const grew = growth(before, await stats(url));
    assert.ok(grew.writes >= 3, `each of the 3 recipients got frames, so at least 3 writes; "writes" went up by ${grew.writes}. Count in Outbox.flush, where frames go to the socket.`);
    assert.ok(
      grew.writes < grew.deliveries,
      `${grew.deliveries} deliveries read in one turn went out in ${grew.writes} writes: count a corked batch as one write (one writev), not one per frame.`,
    );
  });

  it('counts a client dropped because it stopped reading', async (t) => {
    const { server, url, join } = await start(t, { maxBufferedBytes: 256 * 1024 });
    const [ann, ben] = [await join('ann'), await join('ben')];
    const frozen = connectSilently(url, await signUp(url, 'cat'));
    t.after(() => frozen.destroy());
    await ann.next('entry', ({ entry }) => entry.text === 'cat joined');
    const before = await stats(url);
    let dropped: string[] | undefined;
    server.hub.once('drop', (...drop) => (dropped = drop));
    let sent = 0;
    while (!dropped && sent < 20_000) {
      for (let i = 0; i < 100; i++) ann.send({ type: 'send', text: `${sent++} ${'z'.repeat(1900)}` });
      await ben.messages(sent);
    }
    assert.deepEqual(dropped, ['cat', 'it stopped reading'], `cat, who never reads, should have been dropped after ${sent} messages of 2 KB`);
    const grew = growth(before, await stats(url));
    assert.equal(grew.dropped, 1, `cat stopped reading and was dropped: "dropped" should go up by 1, not ${grew.dropped}`);
  });
});
