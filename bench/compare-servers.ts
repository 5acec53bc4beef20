/**
 * Scenarios (a), (b) and (c), each run against four servers in turn, under the same load: the
 * bare relay, the frame-once relay, lab 04 and lab 05. A fresh server process for every run,
 * and a fresh load generator process.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { startGenerator, startServer, type ServerProcess } from './lib/children.ts';
import { KIND_NAMES, isLab, type Kind } from './lib/kinds.ts';
import type { JobSpec } from './load/generator.ts';
import type { IdleResult, SaturationResult, SteadyResult } from './load/scenarios.ts';

/** The file under bench/ that runs each server. */
const SERVER_FILES: Record<Kind, string> = { bare: 'bare-server.ts', frameOnce: 'frame-once-server.ts', lab04: 'lab04-server.ts', lab05: 'lab05-server.ts' };

/** One scenario's result for each server (every one, unless `--servers` left some out). */
export type Results<T> = Record<Kind, T>;

/** Per-scenario generator time limits, in ms: every run ends by itself. */
const TIMEOUT_MS = { saturation: 150_000, steady: 120_000, idle: 240_000 };

/**
 * Runs one scenario against each server of `kinds`, one after the other (a server left out has
 * no result, and its figures print as "—"). A lab gets a new log folder each
 * time and the run's one data folder, where {@link seedAccounts} put the accounts beforehand.
 */
export async function allServers<T>(kinds: Kind[], label: string, spec: JobSpec, tempRoot: string): Promise<Results<T>> {
  const results = {} as Results<T>;
  for (const kind of kinds) {
    const memoryFile = join(tempRoot, `memory-${label.replace(/\W/g, '')}-${kind}.json`);
    const server = await start(kind, tempRoot, memoryFile);
    const timeoutMs = TIMEOUT_MS[spec.scenario];
    const target = { kind, port: server.port, pid: server.pid, memoryFile };
    const generator = startGenerator({ ...spec, label: `${label} ${KIND_NAMES[kind]}`, target, timeoutMs }, timeoutMs);
    try {
      results[kind] = (await generator.result) as T;
    } finally {
      await server.stop();
      await generator.finish();
    }
  }
  return results;
}

async function start(kind: Kind, tempRoot: string, memoryFile: string): Promise<ServerProcess> {
  if (!isLab(kind)) return startServer(SERVER_FILES[kind], { BENCH_MEMORY_FILE: memoryFile });
  const logDir = await mkdtemp(join(tempRoot, 'logs-'));
  return startServer(SERVER_FILES[kind], { BENCH_LOG_DIR: logDir, BENCH_DATA_DIR: join(tempRoot, 'data'), BENCH_MEMORY_FILE: memoryFile });
}

export type { IdleResult, Kind, SaturationResult, SteadyResult };
