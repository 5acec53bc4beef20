import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeText, eventLine, formatTime, logFileName, messageLine, parseLine, parseLog } from '../server/core/log-format.ts';
import { MAX_MESSAGE_LENGTH, checkMessage } from '../server/core/message.ts';
import { RateLimit } from '../server/core/rate-limit.ts';

const at = new Date(2026, 10, 22, 14, 3, 7);

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

describe('03 realtime: log format', () => {
  it('writes local time as YYYY-MM-DD hh:mm:ss', () => {
    assert.equal(formatTime(at), '2026-11-22 14:03:07');
    assert.equal(formatTime(new Date(2027, 0, 2, 3, 4, 5)), '2027-01-02 03:04:05');
  });

  it('writes a message as time, <sender>, text', () => {
    assert.equal(messageLine(at, 'user', 'hello there'), '2026-11-22 14:03:07 <user> hello there');
  });

  it('writes an event as time, *, text', () => {
    assert.equal(eventLine(at, 'user ended the chat'), '2026-11-22 14:03:07 * user ended the chat');
  });

  it('keeps any text on one line and reads it back unchanged', () => {
    for (const text of hostile) {
      const line = messageLine(at, 'user', text);
      assert.doesNotMatch(line, /[\n\r\u2028\u2029\u0085]/, `one line for ${JSON.stringify(text)}`);
      assert.deepEqual(parseLine(line), { time: '2026-11-22 14:03:07', from: 'user', text });
    }
  });

  it('round-trips every code point below U+0100 and the invisible reordering marks', () => {
    const every = Array.from({ length: 0x100 }, (_, code) => String.fromCharCode(code)).join('') + '\u2028\u2029\u202a\u202e\u2066\u2069\u200e';
    assert.equal(parseLine(eventLine(at, every))?.text, every);
  });

  it('escapes control characters visibly', () => {
    assert.equal(escapeText('a\nb\\c\x07'), 'a\\nb\\\\c\\x07');
    assert.equal(escapeText('\u202e'), '\\u202e');
  });

  it('cannot be made to forge another line', () => {
    const log = [messageLine(at, 'user', hostile[4]!), eventLine(at, 'x')].join('\n') + '\n';
    const entries = parseLog(log);
    assert.equal(entries.length, 2);
    assert.equal(entries[0]!.from, 'user');
    assert.equal(entries[1]!.from, null);
  });

  it('names a session\'s log after the local time it started, with _2, _3… for the same second', () => {
    assert.equal(logFileName(at), 'chat_20261122-140307.log');
    assert.equal(logFileName(at, 2), 'chat_20261122-140307_2.log');
    assert.equal(logFileName(new Date(2027, 0, 2, 3, 4, 5), 3), 'chat_20270102-030405_3.log');
    assert.ok(logFileName(at) < logFileName(at, 2), 'ls lists them in the order they started');
  });

  it('rejects lines that are not log lines', () => {
    for (const line of ['', 'hello', '2026-11-22 14:03:07 user hi', '2026-11-22 14:03:07 <us er> hi', '14:03:07 <user> hi']) {
      assert.equal(parseLine(line), undefined, line);
    }
  });
});

describe('03 realtime: messages', () => {
  it('accepts text as typed', () => {
    assert.deepEqual(checkMessage('  hi  '), { ok: true, text: '  hi  ' });
    assert.deepEqual(checkMessage('x'.repeat(MAX_MESSAGE_LENGTH)), { ok: true, text: 'x'.repeat(MAX_MESSAGE_LENGTH) });
  });

  it('refuses empty, blank and missing messages with a notice', () => {
    for (const raw of ['', '   ', '\n\t', undefined, 42]) {
      const checked = checkMessage(raw);
      assert.equal(checked.ok, false);
      assert.match(!checked.ok ? checked.error : '', /empty/);
    }
  });

  it('refuses a message over the limit, saying the limit', () => {
    const checked = checkMessage('x'.repeat(MAX_MESSAGE_LENGTH + 1));
    assert.equal(checked.ok, false);
    assert.match(!checked.ok ? checked.error : '', /2001 characters.*limit is 2000/);
  });
});

describe('03 realtime: rate limit', () => {
  it('allows a burst, then the average rate, and refills with time', () => {
    const limit = new RateLimit(10, 3, 0);
    assert.deepEqual([limit.take(0), limit.take(0), limit.take(0), limit.take(0)], [true, true, true, false]);
    assert.equal(limit.take(50), false, 'half a token after 50 ms');
    assert.equal(limit.take(100), true, 'one token after 100 ms at 10/s');
    assert.deepEqual([limit.take(10_000), limit.take(10_000), limit.take(10_000), limit.take(10_000)], [true, true, true, false], 'never more than the burst');
  });
});
