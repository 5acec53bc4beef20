import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Once the result is out, wait at most this long for the benchmark to let us go. */
const LINGER_MS = 60_000;

/**
 * A load generator's job, read from its first argument, with its deadline and a logger that
 * prefixes its label. The process leaves by itself if the run overstays its time.
 */
export function readJob<T extends { label: string; timeoutMs: number }>(): { job: T; deadline: number; log: (line: string) => void } {
  const job = JSON.parse(process.argv[2]!) as T;
  const log = (line: string) => process.stderr.write(`  ${job.label}: ${line}\n`);
  setTimeout(() => {
    log(`gave up after ${job.timeoutMs / 1000} s`);
    process.exit(2);
  }, job.timeoutMs + LINGER_MS).unref();
  return { job, deadline: performance.now() + job.timeoutMs, log };
}

/** Prints the result on one line, keeps the connections open until stdin closes (or a minute), then ends them and exits. */
export async function answerAndLinger(result: object, terminate: () => void): Promise<never> {
  process.stdout.write(`${JSON.stringify({ result })}\n`);
  process.stdin.resume();
  await Promise.race([once(process.stdin, 'end'), sleep(LINGER_MS)]);
  terminate();
  process.exit(0);
}

/** Resolves true once no frame has arrived for `quietMs` (`lastFrameAt()` tells when one did), or false after `maxMs`. */
export async function settle(lastFrameAt: () => number, quietMs: number, maxMs: number): Promise<boolean> {
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    if (performance.now() - Math.max(lastFrameAt(), start) >= quietMs) return true;
    await sleep(Math.min(50, quietMs));
  }
  return false;
}
