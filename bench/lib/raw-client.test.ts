import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import * as ws from 'ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { readMessage, relayFrame } from '../load/crowd.ts';
import { RawClient, readFrames } from '../load/raw-client.ts';

/** A server's text frame, built by ws itself. */
function wsFrame(text: string): Buffer {
  const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };
  return Buffer.concat(Sender.frame(Buffer.from(text), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
}

/** Starts a ws server on a free port; resolves once it listens. */
async function server(t: { after: (fn: () => unknown) => void }): Promise<{ wss: WebSocketServer; port: number }> {
  const wss = new ws.WebSocketServer({ host: '127.0.0.1', port: 0 });
  t.after(() => new Promise((resolve) => wss.close(resolve)));
  await once(wss, 'listening');
  return { wss, port: (wss.address() as { port: number }).port };
}

describe('bench: the load generator reads frames in place', () => {
  it('reads the frames of a chunk at every length boundary, and stops at an incomplete one', () => {
    const texts = [125, 126, 65535, 65536].map((length) => 'x'.repeat(length));
    const frames = texts.map((text) => wsFrame(text));
    const whole = Buffer.concat(frames);
    for (const cut of [0, 1, 3, frames[0]!.length + 1, whole.length - 5]) {
      const seen: string[] = [];
      const at = readFrames(whole.subarray(0, cut), (opcode, start, end) => seen.push(`${opcode}:${end - start}`));
      const complete = frames.reduce((n, frame, i) => (frames.slice(0, i + 1).reduce((sum, f) => sum + f.length, 0) <= cut ? i + 1 : n), 0);
      assert.deepEqual(seen, texts.slice(0, complete).map((text) => `1:${text.length}`), `cut at ${cut}`);
      assert.equal(at, frames.slice(0, complete).reduce((sum, frame) => sum + frame.length, 0));
    }
  });

  it('reads a benchmark message from an entry or as the relay sent it, and only from inside its frame', () => {
    const out = new Float64Array(4);
    const entry = Buffer.from(`{"type":"entry","entry":{"from":"bench3","text":"~2 3 17 2093311"}}`);
    assert.equal(readMessage(entry, 0, entry.length, out), true);
    assert.deepEqual([...out], [2, 3, 17, 2093311]);
    const relayed = Buffer.from(relayFrame(1, 4, 5, 6));
    assert.equal(readMessage(relayed, 0, relayed.length, out), true);
    assert.deepEqual([...out], [1, 4, 5, 6]);
    const two = Buffer.concat([Buffer.from('{"type":"rooms"}'), relayed]);
    assert.equal(readMessage(two, 0, 16, out), false, 'the next frame\'s message is not this one\'s');
  });

  it('opens a connection, sends masked frames, answers pings and reports the close code', async (t) => {
    const { wss, port } = await server(t);
    const connected = once(wss, 'connection') as Promise<[WebSocket, { headers: Record<string, string> }]>;
    const texts: string[] = [];
    const closes: number[] = [];
    const client = await RawClient.connect(port, '/', { Cookie: 'a=b' }, (data, start, end) => texts.push(data.toString('utf8', start, end)), (code) => closes.push(code));
    const [socket, request] = await connected;
    assert.equal(request.headers.cookie, 'a=b');
    const received = once(socket, 'message');
    client.send('hello');
    assert.equal(String((await received)[0]), 'hello');
    const pong = once(socket, 'pong');
    socket.ping('are you there');
    assert.equal(String((await pong)[0]), 'are you there');
    socket.send('x'.repeat(70_000));
    socket.close(4001, 'bye');
    await once(socket, 'close');
    assert.deepEqual(texts.map((text) => text.length), [70_000]);
    assert.deepEqual(closes, [4001]);
  });

  it('rejects a refused handshake', async (t) => {
    const { port } = await server(t);
    await assert.rejects(RawClient.connect(port, '/', { 'Sec-WebSocket-Version': '8' }, () => {}, () => {}), /handshake refused: HTTP\/1.1 400/);
  });
});
