import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chat, logLine } from '../server/core/chat.ts';

const T = new Date(2026, 10, 22, 14, 3, 7).getTime();
const ids = (...names: string[]) => () => names.shift() ?? assert.fail('asked for one id too many');

describe('03 realtime: chat core', () => {
  it('starts a session with the first message: entry 1 names it, entry 2 is the message', () => {
    const chat = new Chat();
    assert.equal(chat.session, null);
    const entries = chat.say('user', 'hello', T, ids('S1'));
    assert.deepEqual(entries, [
      { session: 'S1', seq: 1, time: T, kind: 'start', from: null, text: 'session S1 started' },
      { session: 'S1', seq: 2, time: T, kind: 'message', from: 'user', text: 'hello' },
    ]);
    assert.equal(chat.session, 'S1');
  });

  it('numbers every entry of a session 1, 2, 3… in the order it was received', () => {
    const chat = new Chat();
    const newId = ids('S1');
    const seqs = Array.from({ length: 50 }, (_, i) => chat.say(i % 2 ? 'user' : 'agent', `m${i}`, T + i, newId).at(-1)!.seq);
    assert.deepEqual(seqs, Array.from({ length: 50 }, (_, i) => i + 2));
  });

  it('ends a session with a last entry; the next message starts a new session at 1', () => {
    const chat = new Chat();
    const newId = ids('S1', 'S2');
    chat.say('user', 'hi', T, newId);
    assert.deepEqual(chat.end('agent ended the chat', T + 5), { session: 'S1', seq: 3, time: T + 5, kind: 'end', from: null, text: 'agent ended the chat' });
    assert.equal(chat.session, null);
    assert.equal(chat.end('again', T), undefined, 'nothing to end');
    assert.deepEqual(chat.say('agent', 'new topic', T + 9, newId).map((e) => [e.session, e.seq, e.kind]), [['S2', 1, 'start'], ['S2', 2, 'message']]);
  });

  it('catches a new window up with the whole active session', () => {
    const chat = new Chat();
    const newId = ids('S1');
    chat.say('user', 'a', T, newId);
    chat.say('agent', 'b', T, newId);
    assert.deepEqual(chat.catchUp(), { session: 'S1', entries: chat.catchUp().entries, missed: 0 });
    assert.deepEqual(chat.catchUp().entries.map((e) => e.seq), [1, 2, 3]);
    assert.deepEqual(new Chat().catchUp(), { session: null, entries: [], missed: 0 });
  });

  it('catches a reconnecting window up from the last entry it saw, with no gap and no duplicate', () => {
    const chat = new Chat();
    const newId = ids('S1');
    for (const text of ['a', 'b', 'c', 'd']) chat.say('user', text, T, newId);
    assert.deepEqual(chat.catchUp('S1', 3).entries.map((e) => e.text), ['c', 'd']);
    assert.deepEqual(chat.catchUp('S1', 5).entries, []);
    assert.deepEqual(chat.catchUp('S1', 99).entries, [], 'a client ahead of the server gets nothing invented');
  });

  it('shows a window that was away how its session ended, then the new one', () => {
    const chat = new Chat();
    const newId = ids('S1', 'S2');
    chat.say('user', 'a', T, newId);
    chat.end('user ended the chat', T);
    chat.say('agent', 'b', T, newId);
    const { session, entries } = chat.catchUp('S1', 2);
    assert.equal(session, 'S2');
    assert.deepEqual(entries.map((e) => `${e.session}#${e.seq} ${e.kind}`), ['S1#3 end', 'S2#1 start', 'S2#2 message']);
  });

  it('keeps a bounded history and counts what is too old to replay', () => {
    const chat = new Chat(5);
    const newId = ids('S1');
    for (let i = 1; i <= 9; i++) chat.say('user', `m${i}`, T, newId);
    const fresh = chat.catchUp();
    assert.deepEqual(fresh.entries.map((e) => e.seq), [6, 7, 8, 9, 10]);
    assert.equal(fresh.missed, 5);
    const resumed = chat.catchUp('S1', 3);
    assert.deepEqual(resumed.entries.map((e) => e.seq), [6, 7, 8, 9, 10]);
    assert.equal(resumed.missed, 2);
  });

  it('writes each entry as one log line', () => {
    const [start, message] = new Chat().say('agent', 'two\nlines', T, ids('S1'));
    assert.equal(logLine(start!), '2026-11-22 14:03:07 * session S1 started');
    assert.equal(logLine(message!), '2026-11-22 14:03:07 <agent> two\\nlines');
  });
});
