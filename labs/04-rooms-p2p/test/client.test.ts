import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateOffset } from '../client/clock.ts';
import { reconnectDelay } from '../client/connection.js';

describe('04 rooms-p2p: browser modules', () => {
  it('estimates the clock offset from the probe with the shortest round trip', () => {
    const probes = [
      { sent: 1000, server: 61_030, received: 1100 },
      { sent: 2000, server: 62_010, received: 2020 },
      { sent: 3000, server: 63_200, received: 3400 },
    ];
    assert.deepEqual(estimateOffset(probes), { offset: 60_000, roundTrip: 20 });
    assert.throws(() => estimateOffset([]), /at least one probe/);
  });

  it('backs off exponentially with jitter, from 0.5 s up to 10 s', () => {
    assert.equal(reconnectDelay(0, () => 0), 250);
    assert.equal(reconnectDelay(20, () => 1), 10_000);
  });
});
