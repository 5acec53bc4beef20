import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chat, PAIR_SIGNAL_RATE, QUIET_ABOVE, SIGNAL_RATE, USERS_RATE, type ConnId, type Effects } from '../server/core/chat.ts';
import { MAX_ROOMS, MAX_ROOMS_PER_PERSON, REPLACED, USERS_PAGE, type ServerFrame } from '../shared/protocol.ts';

const people = ['alice', 'bob', 'carol', 'dave'].map((login) => ({ login, firstName: login.toUpperCase(), lastName: 'Test' }));
const T = 1_800_000_000_000;

/** Frames a step sends to one connection, in order. */
const to = (fx: Effects, conn: ConnId): ServerFrame[] => fx.send.filter((send) => send.to.includes(conn)).map((send) => send.frame);
const ofType = <T extends ServerFrame['type']>(frames: ServerFrame[], type: T) =>
  frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
const texts = (fx: Effects, conn: ConnId) => ofType(to(fx, conn), 'entry').map(({ entry }) => entry.text);
const error = (fx: Effects) => ofType(fx.send.map((send) => send.frame), 'error')[0];

/** A chat with alice (1), bob (2) and carol (3) connected, in the lobby. */
function lobby(gate = 0) {
  const chat = new Chat({ gate, directory: () => people });
  for (const [conn, login] of [[1, 'alice'], [2, 'bob'], [3, 'carol']] as const) chat.connect(conn, login, T);
  return chat;
}

describe('07 cores: chat core', () => {
  it('lands a newcomer in the lobby: welcome, then the lobby with the notice of their arrival', () => {
    const chat = new Chat({ directory: () => people });
    const fx = chat.connect(1, 'alice', T);
    const [welcome, joined] = to(fx, 1);
    assert.deepEqual(welcome, { type: 'welcome', you: 'alice', rooms: [{ name: 'lobby', members: 1, creator: null }], gate: null });
    assert.deepEqual(joined?.type === 'joined' && joined.entries.map((e) => e.text), ['alice joined']);
    assert.equal(fx.roomsChanged, true);
    assert.deepEqual(fx.log.map((e) => `${e.room}#${e.seq} ${e.text}`), ['lobby#1 alice joined']);
  });

  it(`announces comings and goings in rooms of up to ${QUIET_ABOVE} people, not in bigger ones`, () => {
    const chat = new Chat({ directory: () => [] });
    const notices = (fx: Effects) => fx.log.map((entry) => entry.text);
    for (let conn = 1; conn <= QUIET_ABOVE; conn++) chat.connect(conn, `p${conn}`, T);
    assert.deepEqual(notices(chat.connect(QUIET_ABOVE + 1, 'last-announced', T)), ['last-announced joined'], `${QUIET_ABOVE} were there`);
    const quiet = chat.connect(QUIET_ABOVE + 2, 'crowd', T);
    assert.deepEqual(notices(quiet), [], `${QUIET_ABOVE + 1} were there`);
    assert.ok(ofType(to(quiet, QUIET_ABOVE + 2), 'joined').length === 1, 'the newcomer still gets the room');
    assert.equal(chat.say(1, 'hello crowd', T).send[0]!.to.length, QUIET_ABOVE + 2, 'messages still reach everyone');
    assert.deepEqual(notices(chat.disconnect(QUIET_ABOVE + 2, T)), [], `${QUIET_ABOVE + 1} stay`);
    assert.deepEqual(notices(chat.disconnect(QUIET_ABOVE + 1, T)), ['last-announced left'], `${QUIET_ABOVE} stay`);
  });

  it('gives newcomers one shared joined frame until the room gets a new entry', () => {
    const chat = new Chat({ directory: () => [] });
    for (let conn = 1; conn <= QUIET_ABOVE + 1; conn++) chat.connect(conn, `p${conn}`, T);
    const joinedOf = (fx: Effects, conn: ConnId) => ofType(to(fx, conn), 'joined')[0]!;
    const first = joinedOf(chat.connect(200, 'quiet1', T), 200);
    const second = joinedOf(chat.connect(201, 'quiet2', T), 201);
    assert.equal(second, first, 'the same object, so it is encoded once');
    chat.say(1, 'news', T);
    const third = joinedOf(chat.connect(202, 'quiet3', T), 202);
    assert.notEqual(third, first);
    assert.deepEqual(third.entries.slice(-1).map((e) => e.text), ['news']);
    assert.deepEqual(first.entries.slice(-1).map((e) => e.text), [`p${QUIET_ABOVE + 1} joined`], 'a frame already sent never changes');
    const resumed = joinedOf(chat.connect(203, 'quiet4', T, { room: 'lobby', after: third.last - 1 }), 203);
    assert.deepEqual(resumed.entries.map((e) => e.text), ['news'], 'a resume gets a frame of its own');
  });

  it('sends a message to everyone in the sender\'s room, sender included, with the sender\'s name', () => {
    const chat = lobby();
    const fx = chat.say(2, 'hi all', T);
    for (const conn of [1, 2, 3]) assert.deepEqual(texts(fx, conn), ['hi all']);
    const { entry } = ofType(to(fx, 1), 'entry')[0]!;
    assert.deepEqual([entry.from, entry.kind, entry.seq], ['bob', 'message', 4]);
  });

  it('#cR creates a room and moves its creator in; messages stay in their room', () => {
    const chat = lobby();
    const fx = chat.say(1, '#cR Games', T);
    assert.deepEqual(texts(fx, 2), ['alice left for Games']);
    const joined = ofType(to(fx, 1), 'joined')[0]!;
    assert.deepEqual([joined.room, joined.entries.map((e) => e.text)], ['Games', ['alice joined']]);
    assert.deepEqual(chat.rooms(), [
      { name: 'lobby', members: 2, creator: null },
      { name: 'Games', members: 1, creator: 'alice' },
    ]);
    const said = chat.say(1, 'only in Games', T);
    assert.deepEqual(texts(said, 1), ['only in Games']);
    assert.deepEqual(texts(said, 2), []);
  });

  it('#gR enters a room, #eR goes back to the lobby, and #eR in the lobby changes nothing', () => {
    const chat = lobby();
    chat.say(1, '#cR games', T);
    const go = chat.say(2, '#GR GAMES', T);
    assert.deepEqual(texts(go, 1), ['bob joined']);
    assert.deepEqual(texts(go, 3), ['bob left for games']);
    const leave = chat.say(2, '#eR', T);
    assert.deepEqual(ofType(to(leave, 2), 'joined')[0]!.room, 'lobby');
    const again = chat.say(2, '#eR', T);
    assert.deepEqual(again, { send: [{ to: [2], frame: { type: 'info', text: 'You are in the lobby already: #eR only leaves other rooms.' } }], log: [], close: [], roomsChanged: false });
  });

  it('takes room names in any alphabet, normalised (NFKC), and finds rooms and people in any case and form', () => {
    const chat = lobby();
    const made = chat.say(1, '#cR sala-n\u0303', T);
    assert.equal(ofType(to(made, 1), 'joined')[0]!.room, 'sala-ñ', 'an accent typed as a combining mark is stored composed');
    const go = chat.say(2, '#gR SALA-Ñ', T);
    assert.equal(ofType(to(go, 2), 'joined')[0]!.room, 'sala-ñ');
    assert.deepEqual(texts(chat.say(2, 'olá', T), 1), ['olá']);
    chat.say(3, '#cR ação', T);
    assert.deepEqual(chat.rooms().map((room) => room.name).sort(), ['ação', 'lobby', 'sala-ñ']);
    assert.equal(error(chat.say(3, '#cR SALA-N\u0303', T))!.code, 'room-exists');
    for (const name of ['sala\u200dx', 'x\u202e', '😀', 'ñ'.repeat(33)]) {
      assert.deepEqual(error(chat.say(3, `#cR ${name}`, T)), { type: 'error', code: 'bad-room-name', message: 'Room names are 1 to 32 letters (any alphabet), digits, _ or -, with no spaces.' }, name);
    }
    assert.equal(chat.say(1, '#dR Sala-Ñ', T).roomsChanged, true);
    assert.deepEqual(chat.rooms().map((room) => room.name).sort(), ['ação', 'lobby']);
    chat.connect(4, 'josé', T);
    const data = { kind: 'offer', sdp: 'v=0' } as const;
    assert.deepEqual(chat.signal(1, 'JOSE\u0301', data, T).send, [{ to: [4], frame: { type: 'signal', from: 'alice', data } }]);
  });

  it('#lR lists every room with its number of participants', () => {
    const chat = lobby();
    chat.say(1, '#cR b-room', T);
    chat.say(2, '#cR a_room', T);
    assert.deepEqual(to(chat.say(3, '#lR', T), 3), [
      {
        type: 'rooms',
        rooms: [
          { name: 'lobby', members: 1, creator: null },
          { name: 'a_room', members: 1, creator: 'bob' },
          { name: 'b-room', members: 1, creator: 'alice' },
        ],
      },
    ]);
  });

  it(`caps rooms at ${MAX_ROOMS_PER_PERSON} per creator and ${MAX_ROOMS} in all, with a clear error; deleting one makes room`, () => {
    const chat = lobby();
    for (let i = 1; i <= MAX_ROOMS_PER_PERSON; i++) assert.equal(error(chat.say(1, `#cR a${i}`, T)), undefined, `room ${i}`);
    const refused = chat.say(1, '#cR one-more', T);
    assert.deepEqual(error(refused), {
      type: 'error',
      code: 'too-many-rooms',
      message: `You already have ${MAX_ROOMS_PER_PERSON} rooms, the most one person may create: delete one first (#dR).`,
    });
    assert.deepEqual([refused.log, refused.roomsChanged], [[], false]);
    chat.say(1, '#dR a1', T);
    assert.equal(error(chat.say(1, '#cR one-more', T)), undefined, 'after a delete');
    let conn = 100;
    while (chat.rooms().length - 1 < MAX_ROOMS) {
      chat.connect(++conn, `user${conn}`, T);
      for (let i = 0; i < MAX_ROOMS_PER_PERSON && chat.rooms().length - 1 < MAX_ROOMS; i++) chat.say(conn, `#cR r${conn}-${i}`, T);
    }
    assert.equal(error(chat.say(2, '#cR full', T))!.code, 'rooms-full');
    assert.match(error(chat.say(2, '#cR full', T))!.message, new RegExp(`already has ${MAX_ROOMS} rooms`));
    assert.equal(chat.rooms().length, MAX_ROOMS + 1, 'and the lobby');
    chat.disconnect(conn, T);
    assert.equal(error(chat.say(2, '#cR full', T)), undefined, 'the rooms of someone who left are gone');
  });

  it('#dR deletes a room, only by its creator, and sends its members back to the lobby', () => {
    const chat = lobby();
    chat.say(1, '#cR games', T);
    chat.say(2, '#gR games', T);
    const refused = chat.say(2, '#dR games', T);
    assert.deepEqual(error(refused), { type: 'error', code: 'not-creator', message: 'You cannot delete games: only its creator, alice, can.' });
    assert.deepEqual([refused.log, refused.roomsChanged], [[], false]);
    const fx = chat.say(1, '#dR Games', T);
    assert.match(texts(fx, 2)[0]!, /Room games was deleted \(alice deleted it\)/);
    for (const conn of [1, 2]) {
      assert.equal(ofType(to(fx, conn), 'joined')[0]!.room, 'lobby');
      assert.deepEqual(to(fx, conn).at(-1), { type: 'info', text: 'Room games was deleted (alice deleted it): you are back in the lobby.' }, 'told why, after the move');
    }
    assert.deepEqual(to(fx, 3).filter((frame) => frame.type === 'info'), [], 'the lobby is not told');
    assert.deepEqual(chat.rooms(), [{ name: 'lobby', members: 3, creator: null }]);
    assert.equal(error(chat.say(1, '#dR lobby', T))!.code, 'not-creator');
  });

  it('deletes the rooms of a creator who disconnects; their members go to the lobby with a notice', () => {
    const chat = lobby();
    chat.say(1, '#cR games', T);
    chat.say(2, '#gR games', T);
    const fx = chat.disconnect(1, T);
    assert.match(texts(fx, 2)[1]!, /Room games was deleted \(alice, who created it, left\)/);
    assert.equal(ofType(to(fx, 2), 'joined')[0]!.room, 'lobby');
    assert.deepEqual(chat.rooms(), [{ name: 'lobby', members: 2, creator: null }]);
  });

  it('answers every mistake with one error to the sender only, and changes nothing', () => {
    const chat = lobby();
    chat.say(1, '#cR games', T);
    const mistakes: [string, string][] = [
      ['#cR games', 'room-exists'],
      ['#cR GAMES', 'room-exists'],
      ['#cR lobby', 'room-exists'],
      ['#cR bad/name', 'bad-room-name'],
      [`#cR ${'x'.repeat(33)}`, 'bad-room-name'],
      ['#gR nowhere', 'no-such-room'],
      ['#gR lobby', 'already-there'],
      ['#dR nowhere', 'no-such-room'],
      ['#cR', 'bad-argument'],
      ['#fly away', 'unknown-command'],
      ['#\\private alice psst', 'private-is-p2p'],
    ];
    const before = chat.rooms();
    for (const [line, code] of mistakes) {
      const fx = chat.say(2, line, T);
      assert.equal(fx.send.length, 1, line);
      assert.deepEqual(fx.send[0]!.to, [2], line);
      assert.equal(error(fx)!.code, code, line);
      assert.deepEqual([fx.log, fx.close, fx.roomsChanged], [[], [], false], line);
    }
    assert.deepEqual(chat.rooms(), before);
  });

  it('never logs or relays the text of a private message', () => {
    const chat = lobby();
    const fx = chat.say(1, '#\\private bob the secret', T);
    assert.doesNotMatch(JSON.stringify(fx), /the secret/);
  });

  it('#show users lists every registered user, online or not, with their room', () => {
    const chat = lobby();
    chat.say(3, '#cR quiet', T);
    assert.deepEqual(to(chat.say(1, '#show users', T), 1), [
      {
        type: 'users',
        users: [
          { login: 'alice', firstName: 'ALICE', lastName: 'Test', online: true, room: 'lobby' },
          { login: 'bob', firstName: 'BOB', lastName: 'Test', online: true, room: 'lobby' },
          { login: 'carol', firstName: 'CAROL', lastName: 'Test', online: true, room: 'quiet' },
          { login: 'dave', firstName: 'DAVE', lastName: 'Test', online: false, room: null },
        ],
        page: 0,
        pages: 1,
        online: 3,
        total: 4,
      },
    ]);
  });

  it(`#show users answers a page of ${USERS_PAGE}, the online people first, with the counts; other pages on request`, () => {
    const many = Array.from({ length: 2 * USERS_PAGE + 20 }, (_, i) => ({ login: `p${String(i).padStart(3, '0')}`, firstName: 'P', lastName: String(i) }));
    const chat = new Chat({ directory: () => many });
    for (const [conn, login] of [[1, 'p000'], [2, 'p077'], [3, 'p119']] as const) chat.connect(conn, login, T);
    const ask = (page?: number) => ofType(to(chat.command(1, { name: 'users', page }, T), 1), 'users')[0]!;
    const first = ask();
    assert.equal(first.users.length, USERS_PAGE);
    assert.deepEqual(first.users.slice(0, 4).map((user) => [user.login, user.online]), [['p000', true], ['p077', true], ['p119', true], ['p001', false]]);
    assert.deepEqual([first.page, first.pages, first.online, first.total], [0, 3, 3, 2 * USERS_PAGE + 20]);
    const last = ask(2);
    assert.deepEqual([last.page, last.users.length, last.users.at(-1)!.login], [2, 20, 'p118']);
    assert.equal(ask(99).page, 2, 'past the end: the last page');
    const seen = [first, ask(1), last].flatMap((answer) => answer.users.map((user) => user.login));
    assert.equal(new Set(seen).size, many.length, 'every person on exactly one page');
  });

  it(`answers at most ${USERS_RATE.burst} lists of people at once and ${USERS_RATE.perSecond} a second per person`, () => {
    const chat = lobby();
    const asks = (conn: ConnId, time: number, count: number) =>
      Array.from({ length: count }, () => chat.say(conn, '#show users', time)).filter((fx) => !error(fx)).length;
    assert.equal(asks(1, T, 20), USERS_RATE.burst);
    const refused = error(chat.say(1, '#show users', T))!;
    assert.equal(refused.code, 'rate-limited');
    assert.match(refused.message, /at most 1 list of people a second/);
    assert.equal(asks(1, T + 1000, 20), USERS_RATE.perSecond, 'a second later');
    assert.equal(asks(2, T, 1), 1, 'others have their own');
  });

  it('#exit closes the connection; leaving tells the room', () => {
    const chat = lobby();
    assert.deepEqual(chat.say(1, '#EXIT', T).close, [{ conn: 1, code: 1000, reason: 'bye' }]);
    assert.deepEqual(texts(chat.disconnect(1, T), 2), ['alice left']);
  });

  it('numbers each room\'s entries on their own: no gap, no duplicate', () => {
    const chat = lobby();
    chat.say(1, '#cR games', T);
    const seen: Record<string, number[]> = { lobby: [], games: [] };
    for (let i = 0; i < 20; i++) {
      for (const entry of [...chat.say(2, `l${i}`, T).log, ...chat.say(1, `g${i}`, T).log]) seen[entry.room]!.push(entry.seq);
    }
    assert.deepEqual(seen.games, Array.from({ length: 20 }, (_, i) => i + 2));
    assert.deepEqual(seen.lobby, Array.from({ length: 20 }, (_, i) => i + 5));
  });

  it('catches a reconnecting person up in the room they were in, from the last entry they saw', () => {
    const chat = lobby();
    chat.say(1, '#cR games', T);
    chat.say(2, '#gR games', T);
    chat.say(1, 'one', T);
    const lastSeen = 3;
    chat.disconnect(2, T);
    chat.say(1, 'two', T);
    chat.say(1, 'three', T);
    const fx = chat.connect(9, 'bob', T, { room: 'games', after: lastSeen });
    const joined = ofType(to(fx, 9), 'joined')[0]!;
    assert.equal(joined.room, 'games');
    assert.deepEqual(joined.entries.map((e) => e.text), ['bob left', 'two', 'three', 'bob joined']);
    assert.deepEqual([joined.missed, joined.last], [0, 7]);
    const gone = chat.connect(10, 'dave', T, { room: 'vanished', after: 5 });
    assert.equal(ofType(to(gone, 10), 'joined')[0]!.room, 'lobby');
  });

  it('keeps a bounded history per room and counts what is too old to replay', () => {
    const chat = new Chat({ directory: () => people, historyLimit: 3 });
    chat.connect(1, 'alice', T);
    for (let i = 0; i < 6; i++) chat.say(1, `m${i}`, T);
    const joined = ofType(to(chat.connect(2, 'bob', T), 2), 'joined')[0]!;
    assert.deepEqual(joined.entries.map((e) => e.seq), [6, 7, 8]);
    assert.deepEqual([joined.missed, joined.last], [5, 8]);
  });

  it('a second tab replaces the first: the old connection closes, the person keeps their room', () => {
    const chat = lobby();
    chat.say(1, '#cR games', T);
    const fx = chat.connect(7, 'ALICE', T);
    assert.deepEqual(fx.close, [{ conn: 1, code: REPLACED, reason: 'replaced: you opened the chat in another tab' }]);
    assert.equal(ofType(to(fx, 7), 'joined')[0]!.room, 'games');
    assert.deepEqual(fx.log, [], 'nobody left or joined');
    assert.deepEqual(chat.disconnect(1, T), { send: [], log: [], close: [], roomsChanged: false }, 'the old socket closing changes nothing');
    assert.deepEqual(texts(chat.say(7, 'from the new tab', T), 7), ['from the new tab']);
  });

  it('relays signaling to an online person, stamped with the real sender', () => {
    const chat = lobby();
    const data = { kind: 'offer', sdp: 'v=0' } as const;
    assert.deepEqual(chat.signal(1, 'BOB', data, T).send, [{ to: [2], frame: { type: 'signal', from: 'alice', data } }]);
    assert.deepEqual(error(chat.signal(1, 'dave', data, T)), { type: 'error', code: 'user-offline', message: 'dave is not online.', to: 'dave' }, 'names whom, so the link to dave closes at once');
    assert.equal(error(chat.signal(1, 'alice', data, T))!.code, 'user-offline');
  });

  it(`relays at most ${SIGNAL_RATE.burst} signals at once and ${SIGNAL_RATE.perSecond} a second from one person, to whomever`, () => {
    const chat = lobby();
    const peers = Array.from({ length: 60 }, (_, i) => `peer${i}`);
    peers.forEach((login, i) => chat.connect(10 + i, login, T));
    const data = { kind: 'candidate', candidate: null } as const;
    const relayed = (from: ConnId, time: number, count: number) => peers.slice(0, count).filter((to) => !error(chat.signal(from, to, data, time))).length;
    assert.equal(relayed(1, T, 60), SIGNAL_RATE.burst, 'one signal to each of 60 people');
    const refused = error(chat.signal(1, 'bob', data, T))!;
    assert.equal(refused.code, 'rate-limited');
    assert.match(refused.message, new RegExp(`at most ${SIGNAL_RATE.perSecond} signals a second`));
    assert.equal(relayed(1, T + 1000, 60), SIGNAL_RATE.perSecond, 'a second later');
    assert.equal(relayed(2, T + 1000, 1), 1, 'others have their own');
  });

  it(`relays at most ${PAIR_SIGNAL_RATE.burst} signals at once and ${PAIR_SIGNAL_RATE.perSecond} a second to any one person`, () => {
    const chat = lobby();
    const data = { kind: 'candidate', candidate: null } as const;
    const relayed = (to: string, time: number, count: number) => Array.from({ length: count }, () => chat.signal(1, to, data, time)).filter((fx) => !error(fx)).length;
    assert.equal(relayed('bob', T, 100), PAIR_SIGNAL_RATE.burst);
    assert.match(error(chat.signal(1, 'bob', data, T))!.message, new RegExp(`at most ${PAIR_SIGNAL_RATE.perSecond} signals a second to bob`));
    assert.equal(relayed('carol', T, 1), 1, 'the rest of the sender\'s budget still reaches someone else');
    assert.equal(relayed('bob', T + 1000, 100), PAIR_SIGNAL_RATE.perSecond, 'a second later');
  });
});

describe('07 cores: the n-gate', () => {
  it('N=3: two users chat and nothing is delivered; the third connects; all three get everything in order', () => {
    const chat = new Chat({ gate: 3, directory: () => people });
    const first = chat.connect(1, 'alice', T);
    assert.deepEqual(ofType(to(first, 1), 'gate').at(-1)!.gate, { needed: 3, connected: 1, open: false });
    assert.deepEqual(ofType(to(first, 1), 'joined')[0]!.entries, [], 'held');
    const second = chat.connect(2, 'bob', T);
    assert.deepEqual(ofType(to(second, 1), 'gate')[0]!.gate, { needed: 3, connected: 2, open: false });
    const held = [chat.say(1, 'one', T), chat.say(2, 'two', T), chat.say(1, 'three', T)];
    for (const fx of held) {
      assert.deepEqual(ofType(fx.send.map((send) => send.frame), 'entry'), [], 'nobody sees a message');
      assert.equal(fx.log.length, 1, 'but it is numbered and logged');
    }
    const twice = chat.connect(5, 'bob', T);
    assert.equal(ofType(to(twice, 5), 'joined')[0]!.entries.length, 0, 'a second tab of bob does not count twice');
    const third = chat.connect(3, 'carol', T);
    for (const conn of [1, 3, 5]) {
      assert.deepEqual(ofType(to(third, conn), 'gate')[0]!.gate, { needed: 3, connected: 3, open: true });
      const joined = ofType(to(third, conn), 'joined');
      assert.equal(joined.length, 1, `one joined frame for ${conn}`);
      assert.deepEqual(joined[0]!.entries.map((e) => e.text), ['alice joined', 'bob joined', 'one', 'two', 'three', 'carol joined']);
    }
    assert.deepEqual(texts(chat.say(3, 'live now', T), 1), ['live now']);
  });

  it('stays open when people leave', () => {
    const chat = lobby(2);
    chat.disconnect(1, T);
    chat.disconnect(2, T);
    assert.deepEqual(texts(chat.say(3, 'still open', T), 3), ['still open']);
  });
});
