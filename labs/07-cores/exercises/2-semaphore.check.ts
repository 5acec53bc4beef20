import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const FILE = new URL('../threads/semaphore.ts', import.meta.url);

interface SemaphoreLike {
  acquire(): void;
  release(): void;
}

async function loadSemaphore(): Promise<new (cells: Int32Array, index: number) => SemaphoreLike> {
  assert.ok(existsSync(FILE), 'There is no threads/semaphore.ts yet: write it there (the statement says what it exports).');
  const module = (await import(FILE.href)) as { Semaphore?: new (cells: Int32Array, index: number) => SemaphoreLike };
  assert.equal(typeof module.Semaphore, 'function', 'threads/semaphore.ts should export a class named Semaphore.');
  return module.Semaphore!;
}

/** Cells of the shared Int32Array: the permits, the start line, threads inside now, the most ever inside, passes. */
const [PERMITS, START, INSIDE, MOST, PASSES] = [0, 1, 2, 3, 4];

/**
 * One thread of the crowd: registers tsx (threads do not inherit it), imports your semaphore,
 * waits at the start line, then `times` times: acquire, count itself in, stay a moment, count
 * itself out, release.
 */
const THREAD = `
import { parentPort, workerData } from 'node:worker_threads';
import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
const { Semaphore } = await import(${JSON.stringify(FILE.href)});
const cells = new Int32Array(workerData.buffer);
const semaphore = new Semaphore(cells, ${PERMITS});
parentPort.postMessage('ready');
Atomics.wait(cells, ${START}, 0);
for (let i = 0; i < workerData.times; i++) {
  semaphore.acquire();
  const inside = Atomics.add(cells, ${INSIDE}, 1) + 1;
  for (let most = Atomics.load(cells, ${MOST}); inside > most; most = Atomics.load(cells, ${MOST})) {
    if (Atomics.compareExchange(cells, ${MOST}, most, inside) === most) break;
  }
  for (let spin = 0; spin < 300; spin++) Atomics.load(cells, ${INSIDE});
  Atomics.sub(cells, ${INSIDE}, 1);
  Atomics.add(cells, ${PASSES}, 1);
  semaphore.release();
}
parentPort.postMessage('done');
`;

/** `threads` threads share a semaphore of `permits` permits, each passing through it `times` times. */
async function crowd(permits: number, threads: number, times: number) {
  const buffer = new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(buffer);
  Atomics.store(cells, PERMITS, permits);
  const workers = Array.from({ length: threads }, () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(THREAD)}`), { workerData: { buffer, times } }));
  try {
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    const done = Promise.all(workers.map((worker) => once(worker, 'message')));
    Atomics.store(cells, START, 1);
    Atomics.notify(cells, START);
    await done;
    return { passes: cells[PASSES]!, most: cells[MOST]!, permitsLeft: cells[PERMITS]! };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

describe('07 cores exercise 2: A counting semaphore', () => {
  it('exports a Semaphore whose acquire() takes a permit and release() gives it back', async () => {
    const Semaphore = await loadSemaphore();
    const cells = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    cells[2] = 2;
    const semaphore = new Semaphore(cells, 2);
    semaphore.acquire();
    assert.equal(cells[2], 1, 'acquire() should take one permit from cells[index]: 2 permits, one acquire, 1 left.');
    semaphore.acquire();
    assert.equal(cells[2], 0, 'A second acquire() should take the last permit.');
    semaphore.release();
    assert.equal(cells[2], 1, 'release() should give one permit back.');
    assert.deepEqual([cells[0], cells[1], cells[3]], [0, 0, 0], 'The semaphore should use only cells[index].');
  });

  for (const permits of [1, 3]) {
    it(`lets at most ${permits} of 6 threads in at once, and that many do get in together (${permits} permit${permits > 1 ? 's' : ''})`, { timeout: 120_000 }, async (t) => {
      await loadSemaphore();
      const { passes, most, permitsLeft } = await crowd(permits, 6, 3000);
      t.diagnostic(`${passes} passes, at most ${most} threads inside at once, ${permitsLeft} permits left`);
      assert.equal(passes, 6 * 3000, 'Every thread should pass 3000 times: did one stay asleep?');
      assert.ok(most <= permits, `${most} threads were inside at once with ${permits} permit(s): acquire() let too many in.`);
      assert.equal(most, permits, `Never more than ${most} thread(s) inside with ${permits} permits: a semaphore lets that many in at once, not fewer.`);
      assert.equal(permitsLeft, permits, 'Once every thread has released, all the permits should be back.');
    });
  }

  it('sleeps with Atomics.wait while no permit is free, and wakes a sleeper with Atomics.notify', async () => {
    await loadSemaphore();
    const source = readFileSync(fileURLToPath(FILE), 'utf8');
    assert.match(source, /Atomics\.wait\(/, 'acquire() should sleep in Atomics.wait while there is no permit, not spin in a loop.');
    assert.match(source, /Atomics\.notify\(/, 'release() should wake a waiting thread with Atomics.notify.');
  });
});
