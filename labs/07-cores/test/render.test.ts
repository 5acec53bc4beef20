import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockTime, closedLine, entryLine, renderFrame } from '../server/tcp/render.ts';
import { BYE, type Entry } from '../shared/protocol.ts';
import { CLOSED_LINE, ENTRY_LINE, JOINED_LINE, WELCOME_LINE } from '../shared/text-protocol.ts';

const T = new Date(2027, 0, 2, 12, 3, 7).getTime();
const message: Entry = { room: 'lobby', seq: 42, time: T, kind: 'message', from: 'ana', text: 'hello' };
const notice: Entry = { room: 'lobby', seq: 43, time: T, kind: 'notice', from: null, text: 'ben joined' };

describe('07 cores: text rendering', () => {
  it('writes an entry as [time] #room <sender> text, and a notice with *', () => {
    assert.equal(renderFrame({ type: 'entry', entry: message }), '[12:03:07] #lobby <ana> hello\n');
    assert.equal(renderFrame({ type: 'entry', entry: notice }), '[12:03:07] #lobby * ben joined\n');
    assert.equal(clockTime(new Date(2027, 0, 2, 9, 5, 0).getTime()), '09:05:00', 'in the server\'s local time');
  });

  it('starts entry lines with their number for a client that asked, and the shared pattern reads both', () => {
    assert.equal(entryLine(message, true), '42 [12:03:07] #lobby <ana> hello');
    assert.deepEqual(ENTRY_LINE.exec(entryLine(message, true))?.slice(1), ['42', '12:03:07', 'lobby', 'ana', 'hello']);
    assert.deepEqual(ENTRY_LINE.exec(entryLine(notice))?.slice(1), [undefined, '12:03:07', 'lobby', undefined, 'ben joined']);
  });

  it('keeps any text on one line that cannot steer a terminal: newlines and escape sequences arrive escaped', () => {
    const text = 'two\nlines \x1b[2J\x1b]0;owned\x07 \u202eevil C:\\temp';
    const lines = renderFrame({ type: 'entry', entry: { ...message, text } });
    assert.equal(lines, '[12:03:07] #lobby <ana> two\\nlines \\x1b[2J\\x1b]0;owned\\x07 \\u202eevil C:\\temp\n');
    assert.equal(lines.split('\n').length, 2, 'one line');
    assert.doesNotMatch(lines.slice(0, -1), /[\x00-\x1f\x7f]/, 'no control character left');
    const error = renderFrame({ type: 'error', code: 'no-such-room', message: 'There is no room called \x1b[31mx' });
    assert.equal(error, '!!! There is no room called \\x1b[31mx\n', 'server lines too: they quote what was typed');
  });

  it('shows a room: which one (and its last entry\'s number, numbered), what it no longer keeps, then its entries', () => {
    const joined = renderFrame({ type: 'joined', room: 'games', entries: [{ ...message, room: 'games' }], missed: 3, last: 42 });
    const [first, second, third] = joined.trimEnd().split('\n');
    assert.deepEqual(JOINED_LINE.exec(first!)?.slice(1), [undefined, 'games']);
    const numbered = renderFrame({ type: 'joined', room: 'games', entries: [], missed: 0, last: 42 }, true);
    assert.equal(numbered, '42 *** You are in #games.\n', 'numbered: the room\'s last entry');
    assert.deepEqual(JOINED_LINE.exec(numbered.trimEnd())?.slice(1), ['42', 'games']);
    assert.equal(second, '*** (3 earlier entries are no longer kept.)');
    assert.equal(third, '[12:03:07] #games <ana> hello');
  });

  it('welcomes with the commands a terminal can use, and the gate while it is closed', () => {
    const welcome = renderFrame({ type: 'welcome', you: 'ana', rooms: [], gate: { needed: 3, connected: 1, open: false } });
    assert.equal(WELCOME_LINE.exec(welcome)?.[1], 'ana');
    assert.equal(
      welcome,
      '*** Hello ana! Type a line to talk to your room, or a command: #cR <room>, #gR <room>, #eR, #lR, #dR <room>, #show users, #exit.\n' +
        '*** The gate is closed: nobody sees a message until 3 people are here (1 so far).\n',
    );
    assert.equal(renderFrame({ type: 'gate', gate: { needed: 3, connected: 3, open: true } }), '*** The gate is open: 3 people are here, and everyone sees every message from now on.\n');
  });

  it('lists rooms and people as small tables', () => {
    const rooms = renderFrame({ type: 'rooms', rooms: [{ name: 'lobby', members: 3, creator: null }, { name: 'games', members: 1, creator: 'ana' }] });
    assert.equal(rooms, '*** Rooms (2):\n***   lobby  3 people\n***   games  1 person  created by ana\n');
    const users = renderFrame({
      type: 'users',
      users: [
        { login: 'ana', firstName: 'Ana', lastName: 'Lima', online: true, room: 'games' },
        { login: 'benedict', firstName: 'Ben', lastName: 'O\nNeil', online: false, room: null },
      ],
      page: 0,
      pages: 1,
      online: 1,
      total: 2,
    });
    assert.equal(users, '*** People (2):\n***   ana       Ana Lima     in #games\n***   benedict  Ben O\\nNeil  offline\n');
    const many = renderFrame({ type: 'users', users: [{ login: 'ana', firstName: 'Ana', lastName: 'Lima', online: true, room: 'games' }], page: 0, pages: 400, online: 1, total: 20_000 });
    assert.equal(many.split('\n')[0], '*** People (1 of 20000, 1 online first; page 1 of 400):');
  });

  it('answers and refusals: *** and !!!, and private messages say why a terminal cannot have them', () => {
    assert.equal(renderFrame({ type: 'info', text: 'You are in the lobby already.' }), '*** You are in the lobby already.\n');
    const refusal = renderFrame({ type: 'error', code: 'private-is-p2p', message: 'send them from the chat page' });
    assert.match(refusal, /^!!! Private messages go straight from one browser to the other \(peer-to-peer\), never through the server, so a terminal can neither send nor receive them/);
  });

  it('has nothing to show for clock probes and signaling', () => {
    assert.equal(renderFrame({ type: 'time', id: 1, server: T }), '');
    assert.equal(renderFrame({ type: 'signal', from: 'ana', data: { kind: 'offer', sdp: 'v=0' } }), '');
  });

  it('says why it closes in a last line that a program can read', () => {
    const line = closedLine(BYE, 'bye');
    assert.equal(line, '*** closed: bye (1000)\n');
    assert.deepEqual(CLOSED_LINE.exec(line.trimEnd())?.slice(1), ['bye', '1000']);
  });
});
