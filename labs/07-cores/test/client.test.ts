import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconnectDelay } from '../client/src/lib/backoff.ts';
import { estimateOffset } from '../client/src/lib/clock.ts';
import { peopleLine, roomsLine, signedDuration } from '../client/src/lib/format.ts';
import { inviteUrl } from '../client/src/lib/invite.ts';
import { collapseComings } from '../client/src/lib/notices.ts';
import { PrivateSequencer, REORDER_WINDOW, parsePrivateMessage } from '../client/src/lib/private-seq.ts';
import { RoomView, SHOWN_LIMIT } from '../client/src/lib/room-view.ts';
import { ROOM_NAME, ROOM_NAME_PATTERN } from '../shared/commands.ts';
import { BYE, LOGGED_OUT, MAX_MESSAGE_LENGTH, REPLACED, RESYNC, type Entry } from '../shared/protocol.ts';

const entry = (room: string, seq: number, text = `${room}#${seq}`): Entry => ({ room, seq, time: 0, kind: 'message', from: 'ada', text });
const notice = (seq: number, text: string): Entry => ({ room: 'lobby', seq, time: seq * 1000, kind: 'notice', from: null, text });
const joined = (room: string, entries: Entry[], last: number, missed = 0) => ({ type: 'joined' as const, room, entries, missed, last });

describe('07 cores: browser modules', () => {
  it('invites others to the address the page was opened at, never to localhost', () => {
    const at = (url: string) => inviteUrl(new URL(url));
    assert.equal(at('http://192.168.1.20:3000/chat'), 'http://192.168.1.20:3000/');
    assert.equal(at('http://lab-pc.local:3000/'), 'http://lab-pc.local:3000/');
    for (const own of ['http://localhost:3000/', 'http://127.0.0.1:3000/', 'http://[::1]:3000/']) assert.equal(at(own), undefined, own);
  });

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

  it("shows the sender's own messages as held while the gate is closed, then once each, numbered, when it opens", () => {
    const view = new RoomView();
    view.joined(joined('lobby', [], 0)); // the gate is closed: nothing numbered yet
    view.hold({ from: 'ada', text: 'one' });
    view.hold({ from: 'ada', text: 'two' });
    assert.deepEqual(view.held.map((h) => h.text), ['one', 'two']);
    assert.equal(view.entries.length, 0);
    view.joined(joined('lobby', [], 0)); // a reconnect while still closed keeps them
    assert.equal(view.held.length, 2);
    view.joined(joined('lobby', [notice(1, 'ada joined'), entry('lobby', 2, 'one'), notice(3, 'bob joined'), entry('lobby', 4, 'two')], 4));
    assert.equal(view.held.length, 0, 'the numbered copies replace the held ones');
    assert.deepEqual(view.entries.map((e) => e.text), ['ada joined', 'one', 'bob joined', 'two'], 'each once, in the one order');
    view.hold({ from: 'ada', text: 'three' });
    view.joined(joined('games', [], 0));
    assert.equal(view.held.length, 0, 'held messages of a room left behind are not shown in the next one');
  });

  it('collapses a run of join and leave notices into one line; a single notice and other entries stay as they are', () => {
    const reloads = ['ada joined', 'bob joined', 'cy joined', 'dee joined', 'eve joined', 'fay joined', 'gus left', 'gus joined', 'hal joined', 'hal left', 'ada left for study'];
    const entries = [notice(1, 'ivy joined'), entry('lobby', 2, 'hi'), ...reloads.map((text, i) => notice(3 + i, text)), entry('lobby', 14, 'still here?'), notice(15, 'Room x was deleted (ada deleted it); everyone here goes back to the lobby.')];
    const rows = collapseComings(entries);
    assert.deepEqual(
      rows.map((row) => (row.kind === 'entry' ? row.entry.text : row.text)),
      ['ivy joined', 'hi', 'bob, cy and 3 others joined · gus came back · ada and hal came and went', 'still here?', entries[14]!.text],
    );
    const run = rows[2]!;
    assert.ok(run.kind === 'comings');
    assert.deepEqual([run.key, run.time, run.count], [3, 13_000, 11], 'keyed by its first notice, timed by its last');
    assert.deepEqual(collapseComings([notice(1, 'ada joined'), notice(2, 'ada left')]).map((row) => row.kind === 'comings' && row.text), ['ada came and went']);
    assert.deepEqual(collapseComings([notice(1, 'ada joined'), notice(2, 'bob joined')]).map((row) => row.kind === 'comings' && row.text), ['ada and bob joined']);
    assert.deepEqual(collapseComings([notice(1, 'ada left'), notice(2, 'bob left'), notice(3, 'cy left')]).map((row) => row.kind === 'comings' && row.text), ['ada, bob and cy left']);
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
    assert.deepEqual(receiver.receive(three!, 2000), [], 'early: waits for 1 and 2');
    assert.deepEqual(receiver.receive(one!, 2000).map((m) => m.text), ['a']);
    assert.deepEqual(receiver.receive(one!, 2000), [], 'a duplicate is dropped');
    assert.deepEqual(receiver.receive(two!, 2000).map((m) => m.text), ['b', 'c']);
    assert.deepEqual(receiver.receive(three!, 2000), []);
  });

  it(`keeps at most ${REORDER_WINDOW} early private messages: one further ahead is dropped, not hoarded`, () => {
    const receiver = new PrivateSequencer();
    const text = 'x'.repeat(MAX_MESSAGE_LENGTH);
    for (let i = 0; i < 3000; i++) assert.deepEqual(receiver.receive({ seq: 1_000_000 + i, time: 0, text }, 0), []);
    for (let seq = 2; seq <= REORDER_WINDOW; seq++) receiver.receive({ seq, time: 0, text: `early ${seq}` }, 0);
    assert.deepEqual(receiver.receive({ seq: REORDER_WINDOW + 1, time: 0, text: 'too far ahead' }, 0), []);
    const released = receiver.receive({ seq: 1, time: 0, text: 'first' }, 0).map((m) => m.text);
    assert.equal(released.length, REORDER_WINDOW, 'the ones within the window wait, then come out in order');
    assert.deepEqual([released[0], released.at(-1)], ['first', `early ${REORDER_WINDOW}`]);
    assert.deepEqual(receiver.receive({ seq: REORDER_WINDOW + 1, time: 0, text: 'now in turn' }, 0).map((m) => m.text), ['now in turn']);
  });

  it("shows a private message's time as this tab received it, not as the sender claims", () => {
    const receiver = new PrivateSequencer();
    const forged = { seq: 1, time: Date.UTC(2099, 0, 1), text: 'from the future' };
    assert.deepEqual(receiver.receive(forged, 1_800_000_000_000), [{ seq: 1, time: 1_800_000_000_000, text: 'from the future' }]);
    assert.deepEqual(receiver.receive({ seq: 3, time: 0, text: 'early' }, 5), []);
    assert.deepEqual(receiver.receive({ seq: 2, time: 0, text: 'late' }, 9).map((m) => m.time), [9, 5], 'each keeps its own arrival time');
  });

  it('reads only well-formed private messages off the data channel', () => {
    assert.deepEqual(parsePrivateMessage('{"seq":1,"time":5,"text":"hi"}'), { seq: 1, time: 5, text: 'hi' });
    const longest = JSON.stringify({ seq: 1, time: 5, text: '\u0001'.repeat(MAX_MESSAGE_LENGTH) });
    assert.equal(parsePrivateMessage(longest)?.text.length, MAX_MESSAGE_LENGTH, 'the longest text, every character escaped');
    const tooLong = JSON.stringify({ seq: 1, time: 5, text: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) });
    const huge = JSON.stringify({ seq: 1, time: 5, text: 'x'.repeat(60 * 1024) });
    for (const bad of ['nope', '{"seq":0,"time":5,"text":"hi"}', '{"seq":1,"text":"hi"}', '{"seq":1.5,"time":1,"text":"x"}', '{"seq":1,"time":1,"text":"  "}', tooLong, huge, 42, new ArrayBuffer(2)]) {
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
    assert.equal(peopleLine({ type: 'users', users, page: 0, pages: 1, online: 1, total: 2 }), 'People: ada (in games), bob (offline).');
    assert.equal(peopleLine({ type: 'users', users, page: 1, pages: 3, online: 1, total: 120 }), 'People (1 online of 120, page 2 of 3): ada (in games), bob (offline).');
  });

  it("checks a room name in the form as the server does (the browser compiles a pattern with the 'v' flag)", () => {
    const form = new RegExp(`^(?:${ROOM_NAME_PATTERN})$`, 'v');
    const names = ['games', 'A-b_9', 'x'.repeat(32), '-', '', 'x'.repeat(33), 'two words', 'ñandú', 'a.b', 'sala-ñ', 'ação', 'ñ'.repeat(32), 'ñ'.repeat(33), 'sala\u200dx', 'x\u202e', '😀'];
    for (const name of names) assert.equal(form.test(name), ROOM_NAME.test(name), name);
    assert.ok(ROOM_NAME.test('A-b_9') && ROOM_NAME.test('sala-ñ') && ROOM_NAME.test('ação') && ROOM_NAME.test('ñ'.repeat(32)));
    assert.ok(!ROOM_NAME.test('a.b') && !ROOM_NAME.test('ñ'.repeat(33)) && !ROOM_NAME.test('sala\u200dx') && !ROOM_NAME.test('😀'));
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
