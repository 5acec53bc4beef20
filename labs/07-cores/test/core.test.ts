import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '../shared/protocol.ts';
import { RateLimit } from '../server/core/rate-limit.ts';
import { logLine, escapeText, formatTime, logFileName, parseLine, parseLog, eventLine } from '../server/core/log-format.ts';

const at = new Date(2026, 10, 22, 14, 3, 7);
const message = (text: string, room = 'lobby'): Entry => ({ room, seq: 1, time: at.getTime(), kind: 'message', from: 'alice', text });
const notice = (text: string, room = 'lobby'): Entry => ({ room, seq: 2, time: at.getTime(), kind: 'notice', from: null, text });

const hostile = [
  'two\nlines',
  'carriage\rreturn and\r\nCRLF',
  'tab\there, bell\x07, NUL\x00, escape\x1b[31mred',
  'a backslash \\ and a fake escape \\n that must stay literal',
  'forged\n2026-11-22 14:03:08 <agent> I never said this',
  '<script>alert("x")</script> & <b>bold</b>',
  'unicode line\u2028separator, paragraph\u2029separator, NEL\u0085',
  'right-to-left \u202eoverride\u202c and isolate \u2067x\u2069 marks \u200f',
  'emoji 🙂 and accents éà 中文',
  '   leading and trailing spaces   ',
  '',
];

describe('07 cores: log format', () => {
  it('writes local time as YYYY-MM-DD hh:mm:ss', () => {
    assert.equal(formatTime(at), '2026-11-22 14:03:07');
    assert.equal(formatTime(new Date(2027, 0, 2, 3, 4, 5)), '2027-01-02 03:04:05');
  });

  it('writes a message as time, #room, <sender>, text', () => {
    assert.equal(logLine(message('hello there', 'games')), '2026-11-22 14:03:07 #games <alice> hello there');
  });

  it('writes a notice as time, #room, *, text, and a server event without a room', () => {
    assert.equal(logLine(notice('bob joined')), '2026-11-22 14:03:07 #lobby * bob joined');
    assert.equal(eventLine(at, 'server started'), '2026-11-22 14:03:07 * server started');
    assert.deepEqual(parseLine(eventLine(at, 'server started')), { time: '2026-11-22 14:03:07', room: null, from: null, text: 'server started' });
  });

  it('keeps any text on one line and reads it back unchanged', () => {
    for (const text of hostile) {
      const line = logLine(message(text));
      assert.doesNotMatch(line, /[\n\r\u2028\u2029\u0085]/, `one line for ${JSON.stringify(text)}`);
      assert.deepEqual(parseLine(line), { time: '2026-11-22 14:03:07', room: 'lobby', from: 'alice', text });
    }
  });

  it('round-trips every code point below U+0100 and the invisible reordering marks', () => {
    const every = Array.from({ length: 0x100 }, (_, code) => String.fromCharCode(code)).join('') + '\u2028\u2029\u202a\u202e\u2066\u2069\u200e';
    assert.equal(parseLine(logLine(notice(every)))?.text, every);
  });

  it('escapes control characters visibly', () => {
    assert.equal(escapeText('a\nb\\c\x07'), 'a\\nb\\\\c\\x07');
    assert.equal(escapeText('\u202e'), '\\u202e');
  });

  it('cannot be made to forge another line', () => {
    const log = [logLine(message(hostile[4]!)), logLine(notice('x'))].join('\n') + '\n';
    const entries = parseLog(log);
    assert.equal(entries.length, 2);
    assert.equal(entries[0]!.from, 'alice');
    assert.equal(entries[1]!.from, null);
  });

  it('names a run\'s log after the local time the server started, with _2, _3… for the same second', () => {
    assert.equal(logFileName(at), 'chat_20261122-140307.log');
    assert.equal(logFileName(at, 2), 'chat_20261122-140307_2.log');
    assert.equal(logFileName(new Date(2027, 0, 2, 3, 4, 5), 3), 'chat_20270102-030405_3.log');
    assert.ok(logFileName(at) < logFileName(at, 2), 'ls lists them in the order they started');
  });

  it('rejects lines that are not log lines', () => {
    for (const line of ['', 'hello', '2026-11-22 14:03:07 user hi', '2026-11-22 14:03:07 <us er> hi', '14:03:07 <user> hi', '2026-11-22 14:03:07 #a b <c> d']) {
      assert.equal(parseLine(line), undefined, line);
    }
  });
});

describe('07 cores: rate limit', () => {
  it('allows a burst, then the average rate, and refills with time', () => {
    const limit = new RateLimit(10, 3, 0);
    assert.deepEqual([limit.take(0), limit.take(0), limit.take(0), limit.take(0)], [true, true, true, false]);
    assert.equal(limit.take(50), false, 'half a token after 50 ms');
    assert.equal(limit.take(100), true, 'one token after 100 ms at 10/s');
    assert.deepEqual([limit.take(10_000), limit.take(10_000), limit.take(10_000), limit.take(10_000)], [true, true, true, false], 'never more than the burst');
  });
});
