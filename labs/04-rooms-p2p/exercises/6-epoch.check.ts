import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { RoomView } from '../client/src/lib/room-view.ts';
import { Chat, type ConnId, type Effects, type Resume } from '../server/core/chat.ts';
import { startServer } from '../server/server.ts';
import type { Entry, ServerFrame } from '../shared/protocol.ts';
import { TestClient, signUp } from '../test/ws-client.ts';

const people = ['ada', 'bob', 'cat'].map((login) => ({ login, firstName: login, lastName: 'Test' }));
const T = 1_800_000_000_000;

type Joined = Extract<ServerFrame, { type: 'joined' }> & { epoch?: unknown };

function joinedOf(fx: Effects, conn: ConnId): Joined {
  const frame = fx.send.find(({ to, frame }) => to.includes(conn) && frame.type === 'joined')?.frame;
  assert.ok(frame?.type === 'joined', `expected a joined frame for connection ${conn}`);
  return frame;
}

function epochOf(joined: Joined, what: string): number {
  assert.ok(Number.isSafeInteger(joined.epoch), `The joined frame for ${what} has no epoch: add "epoch" (a whole number) to the joined frame. Got ${JSON.stringify({ ...joined, entries: `[${joined.entries.length} entries]` })}`);
  return joined.epoch as number;
}

/** A resume point with an epoch, typed loosely (the Resume type gets `epoch` in this exercise). */
const resume = (room: string, after: number, epoch?: number): Resume => Object.assign({ room, after }, epoch === undefined ? {} : { epoch });
const texts = (entries: Entry[]) => entries.map((entry) => entry.text);

/**
 * The story: ada (1) creates games, bob (2) joins and sees up to `last`, bob drops; ada deletes
 * games, creates it again, and says one, two, three.
 */
function story() {
  const chat = new Chat({ directory: () => people });
  chat.connect(1, 'ada', T);
  chat.connect(2, 'bob', T);
  const oldEpoch = epochOf(joinedOf(chat.say(1, '#cR games', T), 1), 'the first games');
  chat.say(2, '#gR games', T);
  let last = 0;
  for (let i = 0; i < 40; i++) last = chat.say(1, `old ${i}`, T).log[0]!.seq;
  chat.disconnect(2, T);
  chat.say(1, '#dR games', T);
  const newEpoch = epochOf(joinedOf(chat.say(1, '#cR games', T), 1), 'the second games');
  for (const text of ['one', 'two', 'three']) chat.say(1, text, T);
  return { chat, oldEpoch, newEpoch, last };
}

describe('04 rooms-p2p exercise 6: A room that comes back under the same name', () => {
  it('every joined frame says its room\'s epoch; a room made again under an old name gets a new one', () => {
    const chat = new Chat({ directory: () => people });
    const lobby = epochOf(joinedOf(chat.connect(1, 'ada', T), 1), 'the lobby');
    const games = epochOf(joinedOf(chat.say(1, '#cR games', T), 1), 'games');
    const chess = epochOf(joinedOf(chat.say(1, '#cR chess', T), 1), 'chess');
    assert.equal(new Set([lobby, games, chess]).size, 3, `The lobby, games and chess should have three different epochs, got ${lobby}, ${games}, ${chess}.`);
    chat.say(1, '#dR games', T);
    const again = epochOf(joinedOf(chat.say(1, '#cR games', T), 1), 'games created again');
    assert.ok(again > Math.max(lobby, games, chess), `A room created later should get a larger epoch: games again got ${again}.`);
  });

  it('bob, resuming the old games after its entry 41, gets every entry of the new games', () => {
    const { chat, oldEpoch, newEpoch, last } = story();
    const joined = joinedOf(chat.connect(9, 'bob', T, resume('games', last, oldEpoch)), 9);
    assert.equal(joined.room, 'games');
    assert.deepEqual(
      texts(joined.entries).filter((text) => ['one', 'two', 'three'].includes(text)),
      ['one', 'two', 'three'],
      `Bob resumed with after=${last} and the old epoch (${oldEpoch}); the games of epoch ${newEpoch} is another room, so after means nothing in it. He should get its whole history, but got: ${JSON.stringify(texts(joined.entries))}`,
    );
    assert.equal(joined.epoch, newEpoch, 'The joined frame should carry the new games\' epoch, so that bob resumes with it next time.');
  });

  it('with the room\'s current epoch, a resume gets only what came after; without one, everything', () => {
    const { chat, newEpoch } = story();
    chat.say(1, 'four', T);
    const same = joinedOf(chat.connect(9, 'bob', T, resume('games', 4, newEpoch)), 9);
    assert.equal(same.epoch, newEpoch, 'joined.epoch should be the room\'s epoch.');
    assert.deepEqual(texts(same.entries), ['four', 'bob joined'], 'With the epoch of the room as it is now, after=4 means "the entries after seq 4".');
    chat.disconnect(9, T);
    const none = joinedOf(chat.connect(10, 'bob', T, resume('games', 6)), 10);
    assert.deepEqual(texts(none.entries).slice(0, 2), ['ada joined', 'one'], 'A resume without an epoch cannot say which games it saw: it should get the whole kept history.');
  });

  it('the browser remembers its room\'s epoch and resumes with it', () => {
    const view = new RoomView();
    const entry = (seq: number): Entry => ({ room: 'games', seq, time: T, kind: 'message', from: 'ada', text: `m${seq}` });
    const frame = { type: 'joined' as const, room: 'games', entries: [entry(1), entry(2), entry(3)], missed: 0, last: 3, epoch: 7 };
    view.joined(frame);
    view.accept(entry(4));
    const query = new URLSearchParams(view.resumeQuery().replace(/^\?/, ''));
    assert.deepEqual(
      Object.fromEntries(query),
      { room: 'games', after: '4', epoch: '7' },
      `RoomView.resumeQuery() should say the room, the last seq and the epoch of its joined frame; it says "${view.resumeQuery()}".`,
    );
  });

  it('over the wire: /ws?room=…&after=…&epoch=… resumes, and a malformed epoch gets 400', async (t) => {
    const dir = await tempDir(t, 'lab04-exercise-6');
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0 }, { rate: { perSecond: 1e6, burst: 1e6 } });
    t.after(() => server.close());
    const url = server.urls[0]!;
    const connect = async (cookie: string, query = '') => {
      const client = await TestClient.connect(url, cookie, query);
      t.after(() => client.close());
      return client;
    };
    const ada = await connect(await signUp(url, 'ada'));
    const bobCookie = await signUp(url, 'bob');
    const bob = await connect(bobCookie);
    ada.send({ type: 'send', text: '#cR games' });
    await ada.next('joined', ({ room }) => room === 'games');
    bob.send({ type: 'send', text: '#gR games' });
    const seen: Joined = await bob.next('joined', ({ room }) => room === 'games');
    const oldEpoch = epochOf(seen, 'games');
    await bob.close();
    for (const text of ['#dR games', '#cR games', 'fresh']) ada.send({ type: 'send', text });
    await ada.messages(1);
    const back = await connect(bobCookie, `room=games&after=${seen.last + 10}&epoch=${oldEpoch}`);
    const joined = await back.next('joined');
    assert.ok(texts(joined.entries).includes('fresh'), `Bob reconnected with epoch=${oldEpoch}, the old games': he should get the new games' whole history, "fresh" included; got ${JSON.stringify(texts(joined.entries))}.`);
    await assert.rejects(TestClient.connect(url, bobCookie, 'room=games&after=3&epoch=soon'), /400/, 'A malformed epoch (epoch=soon) should be refused at the upgrade with 400, like a malformed after.');
  });
});
