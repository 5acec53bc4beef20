import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { Chat, type ConnId, type Effects } from '../server/core/chat.ts';
import { startServer } from '../server/server.ts';
import type { ServerFrame } from '../shared/protocol.ts';
import { TestClient, signUp } from '../test/ws-client.ts';

const people = ['ada', 'bob', 'cat'].map((login) => ({ login, firstName: login, lastName: 'Test' }));
const T = 1_800_000_000_000;
const GRACE = 10_000;

/** What the exercise adds to the chat, as the checker uses it. */
type Later = Effects & { later?: { at: number }[] };
interface Expiring {
  expire(time: number): Effects;
}

/** ada (1) created games; bob (2) is in it; cat (3) is in the lobby. */
function withGames(options: object = {}): Chat & Expiring {
  const chat = new Chat(Object.assign({ directory: () => people }, options));
  chat.connect(1, 'ada', T);
  chat.connect(2, 'bob', T);
  chat.connect(3, 'cat', T);
  chat.say(1, '#cR games', T);
  chat.say(2, '#gR games', T);
  return chat as Chat & Expiring;
}

function expireOf(chat: Chat & Expiring): (time: number) => Effects {
  assert.equal(typeof chat.expire, 'function', 'Add expire(time: number): Effects to Chat in server/core/chat.ts.');
  return (time) => chat.expire(time);
}

const framesTo = (fx: Effects, conn: ConnId): ServerFrame[] => fx.send.filter(({ to }) => to.includes(conn)).map(({ frame }) => frame);
const hasGames = (chat: Chat) => chat.rooms().some((room) => room.name === 'games');

describe('04 rooms-p2p exercise 5: A grace period for a creator\'s rooms', () => {
  it('a creator who disconnects keeps their rooms, and the chat asks to be called back 10 s later', () => {
    const chat = withGames();
    const fx: Later = chat.disconnect(1, T + 1000);
    assert.ok(hasGames(chat), 'games was deleted as soon as ada disconnected: keep it for 10 s.');
    assert.deepEqual(framesTo(fx, 2).filter((frame) => frame.type === 'joined'), [], 'bob must stay in games while ada may come back.');
    assert.deepEqual(fx.later, [{ at: T + 1000 + GRACE }], `disconnect() should return later: [{ at: ${T + 1000 + GRACE} }] (the time it was given + 10 000 ms).`);
    assert.deepEqual(chat.rooms().find((room) => room.name === 'games'), { name: 'games', members: 1, creator: 'ada' }, 'games is listed as before, with bob in it.');
  });

  it('expire() deletes them once the grace is over, and not before; their members are told why', () => {
    const chat = withGames();
    chat.disconnect(1, T);
    const expire = expireOf(chat);
    const early = expire(T + 5000);
    assert.ok(hasGames(chat), 'expire() 5 s after ada left must not delete games.');
    assert.deepEqual([early.send, early.log], [[], []], 'expire() with nothing to do should send and log nothing.');
    const fx = expire(T + 11_000);
    assert.ok(!hasGames(chat), 'expire() 11 s after ada left should delete games.');
    const toBob = framesTo(fx, 2);
    assert.ok(toBob.some((frame) => frame.type === 'joined' && frame.room === 'lobby'), 'bob should get a joined frame for the lobby.');
    assert.deepEqual(toBob.at(-1), { type: 'info', text: 'Room games was deleted (ada, who created it, left): you are back in the lobby.' }, 'bob should be told why, as when a creator left before.');
    assert.ok(fx.roomsChanged, 'The room list changed: roomsChanged should be true.');
    assert.deepEqual(expire(T + 20_000).send, [], 'A second expire() has nothing left to do.');
  });

  it('a creator back within the grace keeps their rooms; leaving again starts a new grace', () => {
    const chat = withGames();
    chat.disconnect(1, T);
    const expire = expireOf(chat);
    const back = chat.connect(7, 'ada', T + 5000, { room: 'games', after: 0 });
    assert.ok(framesTo(back, 7).some((frame) => frame.type === 'joined' && frame.room === 'games'), 'ada, back after 5 s, should be back in games.');
    expire(T + GRACE);
    assert.ok(hasGames(chat), 'ada came back within 10 s: expire() must not delete her room.');
    const again: Later = chat.disconnect(7, T + 6000);
    assert.deepEqual(again.later, [{ at: T + 6000 + GRACE }], 'Leaving again asks for a new call back, 10 s after this departure.');
    expire(T + 6000 + GRACE - 1);
    assert.ok(hasGames(chat), 'The second grace runs from the second departure.');
    expire(T + 6000 + GRACE);
    assert.ok(!hasGames(chat), 'games should be deleted 10 s after ada\'s second departure.');
  });

  it('the grace is roomGraceMs in Chat\'s options', () => {
    const chat = withGames({ roomGraceMs: 2000 });
    const fx: Later = chat.disconnect(1, T);
    assert.deepEqual(fx.later, [{ at: T + 2000 }], 'new Chat({ directory, roomGraceMs: 2000 }) should ask to be called back 2 s after a creator leaves.');
    expireOf(chat)(T + 2000);
    assert.ok(!hasGames(chat), 'and delete the rooms then.');
  });

  it('over the wire: the rooms wait roomGraceMs for their creator, then go', async (t) => {
    const long = await start(t, 60_000);
    const ada = await long.join('ada');
    const ben = await long.join('ben');
    ada.send({ type: 'send', text: '#cR games' });
    await ada.next('joined', ({ room }) => room === 'games');
    ben.send({ type: 'send', text: '#gR games' });
    const joined = await ben.next('joined', ({ room }) => room === 'games');
    await ada.close();
    await ben.next('entry', ({ entry }) => entry.text === 'ada left');
    ben.send({ type: 'send', text: '#lR' });
    const listed = await ben.next('rooms');
    assert.ok(listed.rooms.some((room) => room.name === 'games'), 'With roomGraceMs: 60000 in ServerOptions, games must still be listed right after ada disconnects.');
    const back = await TestClient.connect(long.url, long.cookies.get('ada')!, `room=games&after=${joined.last}`);
    t.after(() => back.close());
    assert.equal((await back.next('joined')).room, 'games', 'ada reconnects and is back in games.');

    const short = await start(t, 50);
    const cid = await short.join('cid');
    const dee = await short.join('dee');
    cid.send({ type: 'send', text: '#cR quick' });
    await cid.next('joined', ({ room }) => room === 'quick');
    dee.send({ type: 'send', text: '#gR quick' });
    await dee.next('joined', ({ room }) => room === 'quick');
    await cid.close();
    const info = await dee.next('info');
    assert.equal(info.text, 'Room quick was deleted (cid, who created it, left): you are back in the lobby.', 'With roomGraceMs: 50, the hub should call chat.expire() and dee be sent back to the lobby.');
  });
});

/** A real lab server with the given grace, and a way to sign people up and connect them. */
async function start(t: TestContext, roomGraceMs: number) {
  const dir = await tempDir(t, 'lab04-exercise-5');
  const options = Object.assign({ rate: { perSecond: 1e6, burst: 1e6 } }, { roomGraceMs });
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0 }, options);
  t.after(() => server.close());
  const url = server.urls[0]!;
  const cookies = new Map<string, string>();
  const join = async (login: string) => {
    cookies.set(login, await signUp(url, login));
    const client = await TestClient.connect(url, cookies.get(login)!);
    t.after(() => client.close());
    return client;
  };
  return { url, cookies, join };
}
