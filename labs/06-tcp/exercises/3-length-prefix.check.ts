import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Framed } from '../server/tcp/framer.ts';
import { MAX_LINE_BYTES } from '../shared/text-protocol.ts';

interface LengthFramer {
  push(chunk: Buffer): Framed[];
}
interface Module {
  lengthPrefixed: (text: string) => Buffer;
  LengthFramer: new (maxBytes?: number) => LengthFramer;
}

/** The student's module; a path in a variable, so that this file type-checks before it exists. */
const PATH = '../server/tcp/length-framer.ts';

async function load(): Promise<Module> {
  let mod: Partial<Module>;
  try {
    mod = (await import(PATH)) as Partial<Module>;
  } catch (error) {
    assert.fail(`Create server/tcp/length-framer.ts (it could not be loaded: ${(error as Error).message.split('\n')[0]}).`);
  }
  assert.equal(typeof mod.lengthPrefixed, 'function', 'Export lengthPrefixed(text) from server/tcp/length-framer.ts.');
  assert.equal(typeof mod.LengthFramer, 'function', 'Export the class LengthFramer from server/tcp/length-framer.ts.');
  return mod as Module;
}

const message = (text: string): Framed => ({ kind: 'line', text }) as Framed;

/** Feeds `chunks` one read at a time to a fresh framer; returns everything they completed, without extra fields. */
function feed(mod: Module, chunks: Buffer[], maxBytes?: number): Framed[] {
  const framer = new mod.LengthFramer(maxBytes);
  return chunks.flatMap((chunk) => framer.push(chunk)).map((framed) => (framed.kind === 'line' ? message(framed.text) : { kind: framed.kind }) as Framed);
}

const TEXTS = ['hello', '', 'two\nlines\r\nand a \\ backslash', 'olá 🙂', 'x'.repeat(5000)];

describe('06 tcp exercise 3: Framing by length instead of by newline', () => {
  it('encodes a message as its UTF-8 length in 4 big-endian bytes, then its bytes', async () => {
    const { lengthPrefixed } = await load();
    assert.deepEqual([...lengthPrefixed('olá')], [0, 0, 0, 4, 0x6f, 0x6c, 0xc3, 0xa1], 'lengthPrefixed("olá"): 4 bytes of length (4: "á" is 2 bytes), then the UTF-8 bytes');
    assert.deepEqual([...lengthPrefixed('')], [0, 0, 0, 0], 'an empty message is its length alone');
    assert.equal(lengthPrefixed('x'.repeat(70_000)).readUInt32BE(0), 70_000, 'the length takes all 4 bytes, big-endian (most significant first)');
  });

  it('gives every message of one read, in order, exactly as sent: newlines and all', async () => {
    const mod = await load();
    const stream = Buffer.concat(TEXTS.map(mod.lengthPrefixed));
    assert.deepEqual(feed(mod, [stream]), TEXTS.map(message));
  });

  it('waits for the rest of a message, or of its length, split at any byte', async () => {
    const mod = await load();
    const stream = Buffer.concat(['olá 🙂', 'second'].map(mod.lengthPrefixed));
    for (let cut = 1; cut < stream.length; cut++) {
      assert.deepEqual(feed(mod, [stream.subarray(0, cut), stream.subarray(cut)]), [message('olá 🙂'), message('second')], `the stream cut after byte ${cut}`);
    }
    assert.deepEqual(feed(mod, [...stream].map((byte) => Buffer.of(byte))), [message('olá 🙂'), message('second')], 'one byte per read');
  });

  it('refuses a length over the limit as soon as the length has arrived, skips that many bytes, and reads the next message', async () => {
    const mod = await load();
    const framer = new mod.LengthFramer(10);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(11);
    assert.deepEqual(framer.push(header).map((framed) => framed.kind), ['too-long'], 'with maxBytes 10, a length of 11 is refused at once, before its bytes arrive');
    assert.deepEqual(framer.push(Buffer.from('\n'.repeat(6))), [], 'its bytes are skipped (6 of 11)…');
    const next = framer.push(Buffer.concat([Buffer.from('\n'.repeat(5)), mod.lengthPrefixed('after')]));
    assert.deepEqual(next.map((framed) => (framed.kind === 'line' ? framed.text : framed.kind)), ['after'], '…then the other 5, whatever they hold, and the next message is read');
    const defaults = feed(mod, [mod.lengthPrefixed('y'.repeat(MAX_LINE_BYTES + 1)), mod.lengthPrefixed('ok')]);
    assert.deepEqual(defaults, [{ kind: 'too-long' } as Framed, message('ok')], `without an argument, the limit is MAX_LINE_BYTES (${MAX_LINE_BYTES})`);
    assert.deepEqual(feed(mod, [mod.lengthPrefixed('y'.repeat(MAX_LINE_BYTES))]), [message('y'.repeat(MAX_LINE_BYTES))], 'a message of exactly the limit is taken');
  });

  it('refuses a message that is not UTF-8, and reads the next one', async () => {
    const mod = await load();
    const latin1 = Buffer.concat([Buffer.of(0, 0, 0, 3), Buffer.from('olá', 'latin1')]);
    assert.deepEqual(feed(mod, [Buffer.concat([latin1, mod.lengthPrefixed('fine')])]), [{ kind: 'not-utf8' } as Framed, message('fine')]);
  });
});
