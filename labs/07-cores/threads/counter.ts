/**
 * The shared-memory race: K worker threads add 1 to a counter in one SharedArrayBuffer, M times
 * each, all leaving together from a start line. How they add decides what the counter ends at.
 */
import { once } from 'node:events';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** How each thread adds. */
export type Way =
  /** `c = c + 1` (what `c++` does): a read, an add and a write, not atomic. */
  | 'plain'
  /** `Atomics.add`: one indivisible step. */
  | 'atomic'
  /** Two counters that must stay equal, each added with plain steps, and no lock. */
  | 'pairs'
  /** The same two counters, the steps inside the lock of mutex.ts. */
  | 'locked';

export const WAYS: Way[] = ['plain', 'atomic', 'pairs', 'locked'];

/** Where each thing lives in the shared Int32Array. */
export const CELL = { start: 0, counter: 1, lock: 2, a: 3, b: 4, broken: 5 } as const;

/** What a thread is given (counter-worker.ts). */
export interface CounterJob {
  buffer: SharedArrayBuffer;
  way: Way;
  times: number;
}

export interface CounterResult {
  way: Way;
  /** K × M, what a correct count ends at. */
  expected: number;
  /** The counter (for `pairs` and `locked`, the first of the two). */
  counter: number;
  /** The second counter, for `pairs` and `locked`; equal to `counter` if the invariant held. */
  second?: number;
  /** How many times a thread found the two counters unequal inside its section (`pairs`, `locked`). */
  broken?: number;
  /** From the start line to the last thread's end. */
  ms: number;
}

/** Runs one race: `workers` threads, each adding 1 `times` times, the way `way` says. */
export async function race(way: Way, { workers = 4, times = 1_000_000 } = {}): Promise<CounterResult> {
  const buffer = new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(buffer);
  const job: CounterJob = { buffer, way, times };
  const threads = Array.from({ length: workers }, () => typeScriptWorker(new URL('./counter-worker.ts', import.meta.url), { workerData: job }));
  try {
    await Promise.all(threads.map((thread) => once(thread, 'message'))); // each one waits at the start line
    const finished = Promise.all(threads.map((thread) => once(thread, 'message')));
    const started = performance.now();
    Atomics.store(cells, CELL.start, 1);
    Atomics.notify(cells, CELL.start); // wakes them all at once
    await finished;
    const ms = performance.now() - started;
    const expected = workers * times;
    if (way === 'plain' || way === 'atomic') return { way, expected, counter: cells[CELL.counter]!, ms };
    return { way, expected, counter: cells[CELL.a]!, second: cells[CELL.b]!, broken: cells[CELL.broken]!, ms };
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

/**
 * A worker thread running a TypeScript file. tsx teaches the main thread TypeScript, not the
 * threads it starts (on Node 20), so each thread first registers tsx, then imports the file.
 */
export function typeScriptWorker(file: URL, options: WorkerOptions = {}): Worker {
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(file.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}
