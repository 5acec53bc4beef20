import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { encodeFrame } from '../server/realtime/frame.ts';
import { Flusher, Outbox } from '../server/realtime/outbox.ts';

/** Reads one unmasked WebSocket frame as RFC 6455 §5.2 lays it out, independently of ws. */
function decode(bytes: Buffer): { fin: boolean; opcode: number; masked: boolean; header: number; payload: string } {
  let length = bytes[1]! & 0x7f;
  let start = 2;
  if (length === 126) [length, start] = [bytes.readUInt16BE(2), 4];
  else if (length === 127) [length, start] = [Number(bytes.readBigUInt64BE(2)), 10];
  assert.equal(bytes.length, start + length, 'the header says how long the payload is');
  return { fin: (bytes[0]! & 0x80) !== 0, opcode: bytes[0]! & 0x0f, masked: (bytes[1]! & 0x80) !== 0, header: start, payload: bytes.subarray(start).toString('utf8') };
}

/** An `info` frame whose JSON is exactly `bytes` long. */
function infoOf(bytes: number) {
  const overhead = JSON.stringify({ type: 'info', text: '' }).length;
  return { type: 'info', text: 'x'.repeat(bytes - overhead) } as const;
}

/** A TCP socket stand-in that records each write the way the kernel would get it: one array per system call. */
class Wire extends Writable {
  constructor() {
    // Set here, as a test below fills it with 20,000 bytes: Node 22 raised the default from 16 to 64 KiB.
    super({ highWaterMark: 16 * 1024 });
  }
  calls: Buffer[][] = [];
  /** Called on each write, e.g. to make it take time on a test's clock. */
  onWrite = () => {};
  /** When set, writes are not finished until `release()`: a client that does not read. */
  stuck = false;
  #unfinished: (() => void)[] = [];
  release(): void {
    this.stuck = false;
    for (const done of this.#unfinished.splice(0)) done();
  }
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    this.#record([chunk], done);
  }
  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.#record(chunks.map(({ chunk }) => chunk), done);
  }
  #record(chunks: Buffer[], done: () => void): void {
    this.onWrite();
    this.calls.push(chunks);
    this.emit('wrote');
    if (this.stuck) this.#unfinished.push(done);
    else done();
  }
}

function outbox(socket: { readyState: number; bufferedAmount: number } = { readyState: WebSocket.OPEN, bufferedAmount: 0 }, flusher = new Flusher()) {
  const wire = new Wire();
  const box = new Outbox(wire as never, flusher, socket as WebSocket);
  return { wire, box, socket };
}

describe('07 cores: frames on the wire', () => {
  it('encodes a frame as one final, unmasked text frame, with a 2-, 4- or 10-byte header at each length boundary', () => {
    const boundaries: [payload: number, header: number][] = [[26, 2], [125, 2], [126, 4], [65535, 4], [65536, 10], [70_000, 10]];
    for (const [payload, header] of boundaries) {
      const frame = infoOf(payload);
      const bytes = encodeFrame(frame);
      assert.deepEqual(decode(bytes), { fin: true, opcode: 1, masked: false, header, payload: JSON.stringify(frame) }, `payload of ${payload} bytes`);
      assert.equal(bytes[1], payload <= 125 ? payload : payload <= 65535 ? 126 : 127, `the length byte for ${payload} bytes`);
    }
  });

  it('counts the length in bytes, not characters', () => {
    const frame = { type: 'info', text: 'é🙂'.repeat(50) } as const;
    const decoded = decode(encodeFrame(frame));
    assert.equal(decoded.payload, JSON.stringify(frame));
    assert.equal(decoded.header, 4, '100 characters, but 325 bytes: a 16-bit length');
  });

  it('encodes a frame object once: sent again, the same bytes', () => {
    const frame = { type: 'info', text: 'again' } as const;
    assert.equal(encodeFrame(frame), encodeFrame(frame));
    assert.notEqual(encodeFrame({ ...frame }), encodeFrame(frame), 'an equal object is another frame');
  });

  it('sends the frames of one turn together, in one system call and in order', async () => {
    const { wire, box } = outbox(undefined, new Flusher(() => 0));
    const frames = ['a', 'b', 'c'].map((text) => encodeFrame({ type: 'info', text }));
    for (const frame of frames) box.push(frame);
    assert.equal(box.backlog, frames.reduce((sum, frame) => sum + frame.length, 0));
    assert.equal(wire.calls.length, 0, 'nothing goes out before the end of the turn');
    await nextTurn();
    assert.deepEqual(wire.calls, [frames]);
    assert.equal(box.backlog, 0);
    box.push(frames[0]!);
    await nextTurn();
    assert.deepEqual(wire.calls, [frames, [frames[0]]], 'the next turn is a new write');
  });

  it('adds what the socket has not sent yet to the backlog', () => {
    const { box } = outbox({ readyState: WebSocket.OPEN, bufferedAmount: 1000 });
    const frame = encodeFrame({ type: 'info', text: 'hi' });
    box.push(frame);
    assert.equal(box.backlog, 1000 + frame.length);
  });

  it('writes nothing to a socket that is closing', async () => {
    const { wire, box, socket } = outbox();
    box.push(encodeFrame({ type: 'info', text: 'late' }));
    socket.readyState = WebSocket.CLOSING;
    assert.equal(box.open, false);
    await nextTurn();
    assert.deepEqual(wire.calls, []);
  });

  it('carries lines for a terminal too: with no WebSocket, the socket\'s own buffer counts, and nothing goes out once it has ended', async () => {
    const wire = new Wire();
    wire.stuck = true;
    const box = new Outbox(wire as never, new Flusher(() => 0));
    const line = Buffer.from('[12:03:07] #lobby <ana> hello\n');
    box.push(line);
    await nextTurn();
    assert.deepEqual(wire.calls, [[line]]);
    assert.equal(box.backlog, line.length, 'written, not yet taken by the kernel');
    wire.end();
    assert.equal(box.open, false);
    box.push(line);
    await nextTurn();
    assert.deepEqual(wire.calls, [[line]]);
  });

  it('after a long flush, lets the next frames wait half as long, so that more go out together', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] }); // the wait runs on the test's clock, not the machine's
    let clock = 0;
    const { wire, box } = outbox(undefined, new Flusher(() => clock));
    wire.onWrite = () => (clock += 10);
    const [a, b] = ['a', 'b'].map((text) => encodeFrame({ type: 'info', text }));
    box.push(a!);
    await nextTurn();
    assert.deepEqual(wire.calls, [[a]], 'a quiet server does not wait');
    box.push(b!);
    await nextTurn();
    assert.deepEqual(wire.calls, [[a]], 'that flush took 10 ms: the next one waits 5 ms');
    clock += 4;
    t.mock.timers.tick(4);
    assert.deepEqual(wire.calls, [[a]], 'after 4 ms, b still waits');
    clock += 1;
    t.mock.timers.tick(1);
    assert.deepEqual(wire.calls, [[a], [b]]);
  });

  it('keeps frames while the socket has not drained, then sends them together', async () => {
    const { wire, box } = outbox(undefined, new Flusher(() => 0));
    wire.stuck = true;
    const [big, a, b] = [encodeFrame({ type: 'info', text: 'x'.repeat(20_000) }), ...['a', 'b'].map((text) => encodeFrame({ type: 'info', text }))];
    box.push(big);
    await nextTurn();
    assert.equal(wire.writableNeedDrain, true, 'the socket is full');
    box.push(a!);
    box.push(b!);
    await nextTurn();
    assert.deepEqual(wire.calls, [[big]], 'nothing more is handed to a full socket');
    assert.equal(box.backlog, a!.length + b!.length, 'what waits here counts (the socket stand-in reports nothing)');
    const wrote = once(wire, 'wrote');
    wire.release();
    await wrote;
    assert.deepEqual(wire.calls, [[big], [a, b]]);
  });

  it('cuts a connection off with one error, dropping what waits', async () => {
    const { wire, box } = outbox();
    box.push(encodeFrame({ type: 'info', text: 'never sent' }));
    box.cutOff('it stopped reading');
    const [error] = (await once(wire, 'error')) as [Error];
    assert.equal(error.message, 'it stopped reading');
    assert.equal(box.open, false);
    await nextTurn();
    assert.deepEqual(wire.calls, []);
  });
});
