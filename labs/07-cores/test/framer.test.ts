import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineFramer, type Framed } from '../server/tcp/framer.ts';
import { MAX_LINE_BYTES } from '../shared/text-protocol.ts';

/** Feeds `chunks` (strings are UTF-8) one read at a time; returns everything they completed. */
function frame(chunks: (string | Buffer)[], framer = new LineFramer()): Framed[] {
  return chunks.flatMap((chunk) => framer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
}

const line = (text: string): Framed => ({ kind: 'line', text });

describe('07 cores: line framer', () => {
  it('waits for the end of a line split across reads', () => {
    const framer = new LineFramer();
    assert.deepEqual(framer.push(Buffer.from('hel')), []);
    assert.equal(framer.pending, 3);
    assert.deepEqual(framer.push(Buffer.from('lo wor')), []);
    assert.deepEqual(framer.push(Buffer.from('ld\n')), [line('hello world')]);
    assert.equal(framer.pending, 0);
  });

  it('gives every line of one read, in order, and keeps the unfinished one', () => {
    const framer = new LineFramer();
    assert.deepEqual(framer.push(Buffer.from('one\ntwo\nthree\nfo')), [line('one'), line('two'), line('three')]);
    assert.deepEqual(framer.push(Buffer.from('ur\n')), [line('four')]);
  });

  it('gives empty lines too: an empty line is what Enter alone sends', () => {
    assert.deepEqual(frame(['\n\na\n']), [line(''), line(''), line('a')]);
  });

  it('drops the \\r of \\r\\n, even when the \\n comes in the next read, and keeps a \\r inside a line', () => {
    assert.deepEqual(frame(['a\r\nb\r', '\nc\rd\n']), [line('a'), line('b'), line('c\rd')]);
  });

  it('decodes a character whose bytes are split between two reads', () => {
    const bytes = Buffer.from('olá 🙂\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(frame([bytes.subarray(0, cut), bytes.subarray(cut)]), [line('olá 🙂')], `cut after byte ${cut}`);
    }
    assert.deepEqual(frame([...bytes].map((byte) => Buffer.of(byte))), [line('olá 🙂')], 'one byte per read');
  });

  it(`takes a line of ${MAX_LINE_BYTES} bytes, refuses one byte more once, skips it to its end, and goes on`, () => {
    const framer = new LineFramer();
    assert.deepEqual(framer.push(Buffer.from(`${'é'.repeat(MAX_LINE_BYTES / 2)}\n`)), [line('é'.repeat(MAX_LINE_BYTES / 2))]);
    assert.deepEqual(framer.push(Buffer.from('x'.repeat(MAX_LINE_BYTES))), []);
    assert.deepEqual(framer.push(Buffer.from('x')), [{ kind: 'too-long' }], 'refused as soon as it passes the limit');
    assert.equal(framer.pending, 0, 'its bytes are not kept');
    assert.deepEqual(framer.push(Buffer.from('y'.repeat(100_000))), [], 'refused once, however long it goes on');
    assert.deepEqual(framer.push(Buffer.from('z\nnext\n')), [line('next')]);
  });

  it('refuses a long line that arrives in one read, then reads the lines after it', () => {
    assert.deepEqual(frame([`${'x'.repeat(MAX_LINE_BYTES + 1)}\nok\n`]), [{ kind: 'too-long' }, line('ok')]);
    assert.deepEqual(frame(['x'.repeat(10)], new LineFramer(4)), [{ kind: 'too-long' }], 'the limit can be set');
  });

  it('refuses a line that is not UTF-8 (Latin-1, a lone continuation byte, a cut character) and reads the next', () => {
    const latin1 = Buffer.from('olá\n', 'latin1');
    assert.deepEqual(frame([latin1, 'fine\n']), [{ kind: 'not-utf8' }, line('fine')]);
    assert.deepEqual(frame([Buffer.of(0x61, 0x80, 0x0a)]), [{ kind: 'not-utf8' }]);
    assert.deepEqual(frame([Buffer.of(0xf0, 0x9f, 0x0a)]), [{ kind: 'not-utf8' }], 'a \\n in the middle of a character');
    assert.deepEqual(frame([Buffer.of(0xff, 0xfb, 0x01, 0x0a)]), [{ kind: 'not-utf8' }], 'a telnet negotiation');
  });
});
