import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconnectDelay } from '../client/src/lib/backoff.ts';
import { estimateOffset } from '../client/src/lib/clock.ts';
import { peopleLine, roomsLine, signedDuration } from '../client/src/lib/format.ts';
import { PrivateSequencer, parsePrivateMessage } from '../client/src/lib/private-seq.ts';
import { RoomView, SHOWN_LIMIT } from '../client/src/lib/room-view.ts';
import { ROOM_NAME, ROOM_NAME_PATTERN } from '../shared/commands.ts';
import { BYE, LOGGED_OUT, REPLACED, RESYNC, type Entry } from '../shared/protocol.ts';

const entry = (room: string, seq: number, text = `${room}#${seq}`): Entry => ({ room, seq, time: 0, kind: 'message', from: 'ada', text });
const joined = (room: string, entries: Entry[], last: number, missed = 0) => ({ type: 'joined' as const, room, entries, missed, last });

describe('06 tcp: browser modules', () => {
  it('shows a room from its joined frame, then live entries in order; drops duplicates and spots gaps', () => {
    const view = new RoomView();
    view.joined(joined('lobby', [entry('lobby', 1), entry('lobby', 2)], 2));
    assert.equal(view.accept(entry('lobby', 3)), 'show');
    assert.equal(view.accept(entry('lobby', 3)), 'duplicate');
    assert.equal(view.accept(entry('games', 4)), 'duplicate', 'an entry of another room is not shown here');
    assert.equal(view.accept(entry('lobby', 5)), 'gap');
    assert.deepEqual(view.entries.map((e) => e.seq), [1, 2, 3]);
    assert.equal(view.resumeQuery(), '?room=lobby&after=3');
  });

  it('makes a new array on every change, so Lit sees it', () => {
    const view = new RoomView();
    view.joined(joined('lobby', [], 0));
    const before = view.entries;
    view.accept(entry('lobby', 1));
    assert.notEqual(view.entries, before);
  });

  it('keeps what it showed of a room when a reconnect replays only the rest', () => {
    const view = new RoomView();
    view.joined(joined('lobby', [entry('lobby', 1), entry('lobby', 2)], 2));
    view.joined(joined('lobby', [entry('lobby', 3), entry('lobby', 4)], 4));
    assert.deepEqual(view.entries.map((e) => e.seq), [1, 2, 3, 4]);
    view.joined(joined('games', [entry('games', 7)], 7, 6));
    assert.deepEqual([view.room, view.entries.map((e) => e.seq), view.missed], ['games', [7], 6]);
  });

  it(`keeps at most ${SHOWN_LIMIT} entries on screen`, () => {
    const view = new RoomView();
    view.joined(joined('lobby', [], 0));
    for (let seq = 1; seq <= SHOWN_LIMIT + 10; seq++) view.accept(entry('lobby', seq));
    assert.equal(view.entries.length, SHOWN_LIMIT);
    assert.equal(view.entries[0]!.seq, 11);
  });

  it('numbers private messages per peer and puts received ones back in order, once each', () => {
    const sender = new PrivateSequencer();
    const [one, two, three] = ['a', 'b', 'c'].map((text) => sender.next(text, 1000));
    assert.deepEqual([one!.seq, two!.seq, three!.seq], [1, 2, 3]);
    const receiver = new PrivateSequencer();
    assert.deepEqual(receiver.receive(three!), [], 'early: waits for 1 and 2');
    assert.deepEqual(receiver.receive(one!).map((m) => m.text), ['a']);
    assert.deepEqual(receiver.receive(one!), [], 'a duplicate is dropped');
    assert.deepEqual(receiver.receive(two!).map((m) => m.text), ['b', 'c']);
    assert.deepEqual(receiver.receive(three!), []);
  });

  it('reads only well-formed private messages off the data channel', () => {
    assert.deepEqual(parsePrivateMessage('{"seq":1,"time":5,"text":"hi"}'), { seq: 1, time: 5, text: 'hi' });
    for (const bad of ['nope', '{"seq":0,"time":5,"text":"hi"}', '{"seq":1,"text":"hi"}', '{"seq":1.5,"time":1,"text":"x"}', 42, new ArrayBuffer(2)]) {
      assert.equal(parsePrivateMessage(bad), undefined, String(bad));
    }
  });

  it('estimates the clock offset from the probe with the shortest round trip', () => {
    const probes = [
      { sent: 1000, server: 61_030, received: 1100 },
      { sent: 2000, server: 62_010, received: 2020 },
      { sent: 3000, server: 63_200, received: 3400 },
    ];
    assert.deepEqual(estimateOffset(probes), { offset: 60_000, roundTrip: 20 });
    assert.throws(() => estimateOffset([]), /at least one probe/);
  });

  it('shows the offset with its sign', () => {
    assert.deepEqual([signedDuration(35.4), signedDuration(-1234), signedDuration(0)], ['+35 ms', '-1.2 s', '+0 ms']);
  });

  it('answers a typed #lR and #show users in one line each', () => {
    const rooms = [{ name: 'lobby', members: 2, creator: null }, { name: 'games', members: 1, creator: 'ada' }];
    assert.equal(roomsLine(rooms), 'Rooms: lobby (2), games (1).');
    const person = { firstName: 'A', lastName: 'B' };
    const users = [{ ...person, login: 'ada', online: true, room: 'games' }, { ...person, login: 'bob', online: false, room: null }];
    assert.equal(peopleLine(users), 'People: ada (in games), bob (offline).');
  });

  it("checks a room name in the form as the server does (the browser compiles a pattern with the 'v' flag)", () => {
    const form = new RegExp(`^(?:${ROOM_NAME_PATTERN})$`, 'v');
    for (const name of ['games', 'A-b_9', 'x'.repeat(32), '-', '', 'x'.repeat(33), 'two words', 'ñandú', 'a.b']) {
      assert.equal(form.test(name), ROOM_NAME.test(name), name);
    }
    assert.ok(ROOM_NAME.test('A-b_9') && !ROOM_NAME.test('a.b'));
  });

  it('gives every close status one meaning', () => {
    assert.deepEqual([BYE, REPLACED, LOGGED_OUT, RESYNC], [1000, 4000, 4001, 4002]);
  });

  it('backs off exponentially with jitter, from 0.5 s up to 10 s', () => {
    assert.equal(reconnectDelay(0, () => 0), 250);
    assert.equal(reconnectDelay(3, () => 0.5), 3000);
    assert.equal(reconnectDelay(20, () => 1), 10_000);
  });
});
