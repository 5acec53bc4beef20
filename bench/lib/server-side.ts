/**
 * What every server the benchmark starts does for it: say where it listens, and collect its
 * garbage when asked, so that memory is measured after a full GC in every server alike (the
 * benchmark starts them with `node --expose-gc`).
 */
import { writeFileSync } from 'node:fs';

/** Prints `{"pid":…,"port":…}` on one line: the benchmark waits for it. */
export function announce(port: number): void {
  console.log(JSON.stringify({ pid: process.pid, port }));
}

/**
 * SIGUSR2 (SIGUSR1 belongs to Node's debugger) runs a full garbage collection, and a second one
 * a moment later (memory that the first one only finalised is freed by the second); then, if
 * BENCH_MEMORY_FILE is set, writes `process.memoryUsage()` there as JSON, for the JS heap's size,
 * which `/proc` cannot tell.
 */
export function collectGarbageOnSignal(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  const file = process.env.BENCH_MEMORY_FILE;
  process.on('SIGUSR2', () => {
    gc();
    setTimeout(() => {
      gc();
      if (file) writeFileSync(file, JSON.stringify(process.memoryUsage()));
    }, 200);
  });
}

/** Exits normally on SIGTERM (the benchmark's stop), so that `--cpu-prof` writes its profile. */
export function exitOnSigterm(): void {
  process.once('SIGTERM', () => process.exit(0));
}

/**
 * The labs' log-in limits, lifted: the benchmark logs its whole crowd in from 127.0.0.1, far past
 * the 60 log-ins per address in 15 minutes a lab allows from labs 04 on.
 */
export const LIFTED_LOG_IN_LIMITS = { perLogin: 1e9, perAddress: 1e9, windowMs: 15 * 60_000, maxKeys: 1e6 };
