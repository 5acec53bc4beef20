import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { race, type Way } from '../threads/counter.ts';

const THREADS = 4;

/** Runs a racy way until one run shows the race (at most `tries` runs), and returns that run. */
async function untilRaced(way: Way, raced: (result: Awaited<ReturnType<typeof race>>) => boolean, tries = 5) {
  let result = await race(way, { workers: THREADS, times: 1_000_000 });
  for (let run = 1; run < tries && !raced(result); run++) result = await race(way, { workers: THREADS, times: 1_000_000 });
  return result;
}

describe('07 cores: threads share memory', () => {
  it('loses updates when K threads do c = c + 1 at once (a read, an add and a write, what c++ does)', async (t) => {
    const result = await untilRaced('plain', (run) => run.counter < run.expected);
    t.diagnostic(`c = c + 1: ${result.counter} of ${result.expected}, ${result.expected - result.counter} updates lost`);
    assert.ok(result.counter < result.expected, `${THREADS} threads each adding 1,000,000 with c = c + 1 should lose some updates; the counter ended at ${result.counter}`);
  });

  it('loses nothing with Atomics.add: exactly K × M', async () => {
    const result = await race('atomic', { workers: THREADS, times: 250_000 });
    assert.equal(result.counter, THREADS * 250_000);
  });

  it('breaks the invariant of two counters updated in plain steps without a lock', async (t) => {
    const result = await untilRaced('pairs', (run) => run.broken! > 0);
    t.diagnostic(`pairs without a lock: a = ${result.counter}, b = ${result.second}, seen unequal ${result.broken} times`);
    assert.ok(result.broken! > 0, 'some thread should find a ≠ b between its two steps');
  });

  it('keeps the two counters equal and exact inside the lock of mutex.ts', async () => {
    const result = await race('locked', { workers: THREADS, times: 100_000 });
    assert.deepEqual(
      { a: result.counter, b: result.second, seenUnequal: result.broken },
      { a: THREADS * 100_000, b: THREADS * 100_000, seenUnequal: 0 },
    );
  });

  it('prints the four ways as a table, and explains them with --help', async () => {
    const main = fileURLToPath(new URL('../threads/main.ts', import.meta.url));
    const run = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8' });
    const { stdout } = await run('--threads', '2', '--times', '1000');
    assert.match(stdout, /2 threads × 1,000 additions each: the counter should end at 2,000\./);
    for (const way of ['plain', 'atomic', 'pairs', 'locked']) assert.match(stdout, new RegExp(`^${way} .* ms$`, 'm'));
    assert.match(stdout, /^locked .* 2,000 +0 +always +\d+ ms$/m);
    assert.match((await run('--help')).stdout, /compareExchange/);
    await assert.rejects(run('--threads', '0'), /--threads takes 1 to 64/);
  });
});
