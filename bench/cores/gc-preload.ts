/**
 * Loaded first in each of lab07-server.ts's workers (`--import`): a full GC on SIGUSR2, as in
 * every benchmark server. The memory file is the primary's to write: a worker's RSS is read from /proc.
 */
import { collectGarbageOnSignal } from '../lib/server-side.ts';

delete process.env.BENCH_MEMORY_FILE;
collectGarbageOnSignal();
