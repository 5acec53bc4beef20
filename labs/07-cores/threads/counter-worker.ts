/**
 * One of the K threads of the race (counter.ts starts them): waits on the start line, then adds 1
 * to the shared counter `times` times, the way its job says, and reports how long it took.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CELL, type CounterJob } from './counter.ts';
import { Mutex } from './mutex.ts';

const { buffer, way, times } = workerData as CounterJob;
const cells = new Int32Array(buffer);
const mutex = new Mutex(cells, CELL.lock);

parentPort!.postMessage('ready');
Atomics.wait(cells, CELL.start, 0); // the barrier: every thread leaves at once
const started = performance.now();
if (way === 'plain') plain();
else if (way === 'atomic') atomic();
else pairs(way === 'locked');
parentPort!.postMessage({ ms: performance.now() - started });

/** Read, add, write: another thread can write in between, and one of the two updates is lost. */
function plain(): void {
  for (let i = 0; i < times; i++) cells[CELL.counter] = cells[CELL.counter]! + 1;
}

/** One indivisible read-add-write: nothing is lost. */
function atomic(): void {
  for (let i = 0; i < times; i++) Atomics.add(cells, CELL.counter, 1);
}

/** A section of several plain steps on two counters that must stay equal; `locked` guards it. */
function pairs(locked: boolean): void {
  for (let i = 0; i < times; i++) {
    if (locked) mutex.lock();
    const a = cells[CELL.a]!;
    cells[CELL.a] = a + 1;
    const b = cells[CELL.b]!;
    if (a !== b) Atomics.add(cells, CELL.broken, 1); // someone else came between our two steps
    cells[CELL.b] = b + 1;
    if (locked) mutex.unlock();
  }
}
