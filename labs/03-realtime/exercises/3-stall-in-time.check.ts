import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { TestClient, connectSilently } from '../test/ws-client.ts';
import { startLab } from './support.ts';

/** ~12 KB a frame once JSON escapes each control character as \u0001: a thousand of them outgrow any socket buffer. */
const HEAVY = '\u0001'.repeat(2000);
const BURST = 1000;

async function startWithClock(t: TestContext) {
  const clock = { time: Date.UTC(2026, 10, 22, 13, 3, 7) };
  const options = {
    maxBufferedBytes: 1024 ** 3,
    stallBytes: 64 * 1024,
    stallMs: 10_000,
    now: () => new Date(clock.time),
    heartbeatMs: 3_600_000,
  };
  const lab = await startLab(t, { server: options });
  const drops: string[] = [];
  lab.server.hub.on('drop', (role) => drops.push(role));
  const dropped = () => drops.length;
  const user = await lab.join('role=user');
  let sent = 0;
  /** The user sends `count` messages and waits for them all to come back: by then the hub has written them to every window. */
  const say = async (count: number) => {
    for (let i = 0; i < count; i += 100) {
      for (let j = i; j < Math.min(count, i + 100); j++) user.send({ type: 'send', text: HEAVY });
      sent += Math.min(100, count - i);
      await user.entries(sent + 1);
    }
  };
  return { ...lab, clock, dropped, user, say, sent: () => sent };
}

describe('03 realtime exercise 3: a stall bound in time, not bytes', () => {
  it('a window more than stallBytes behind for longer than stallMs is dropped, once', async (t) => {
    const { url, clock, dropped, user, say } = await startWithClock(t);
    const frozen = connectSilently(url, 'role=agent');
    t.after(() => frozen.destroy());
    await user.next('presence', ({ online }) => online.agent === 1);

    await say(BURST);
    assert.ok(dropped() === 0, 'The frozen window was dropped before any time had passed on the server\'s clock: the new rule is about time (maxBufferedBytes is 1 GiB here).');
    clock.time += 11_000;
    await say(1);
    assert.ok(
      dropped() === 1,
      'A window that never reads has been over stallBytes (64 KiB) behind for 11 s of the server\'s clock, and was not dropped. Pass stallBytes and stallMs through ServerOptions, and in #write() remember since when each socket is behind, using options.now().',
    );
    await user.next('presence', ({ online }) => online.agent === 0);
    clock.time += 11_000;
    await say(1);
    assert.ok(dropped() === 1, 'The window was dropped more than once.');
  });

  it('a window that falls behind and then reads everything is kept: the clock starts over', async (t) => {
    const { url, clock, dropped, say, sent } = await startWithClock(t);
    const slow = await TestClient.connect(url, 'role=agent');
    t.after(() => slow.socket.terminate());
    await slow.next('welcome');
    slow.socket.pause();

    await say(BURST);
    clock.time += 5_000;
    await say(1);
    assert.ok(dropped() === 0, 'A window 5 s behind was dropped, though stallMs is 10 s.');

    slow.socket.resume();
    await slow.entries(sent() + 1);
    clock.time += 10_000;
    slow.socket.pause();
    await say(BURST);
    assert.ok(
      dropped() === 0,
      'A window caught up, fell behind again, and was dropped at once, as if it had been behind since the first time. Once bufferedAmount is back at or under stallBytes, forget since when it was behind.',
    );
    clock.time += 5_000;
    await say(1);
    assert.ok(dropped() === 0, 'A window that fell behind again 5 s ago was dropped, though stallMs is 10 s.');
  });
});
