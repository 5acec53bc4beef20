/**
 * Scenarios (a), (b) and (c), each run against the bare relay and then against lab 04's real
 * server: a fresh server process for every run, and a fresh load generator process.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { startGenerator, startServer, type ServerProcess } from './lib/children.ts';
import type { JobSpec } from './load/generator.ts';
import type { IdleResult, SaturationResult, SteadyResult } from './load/scenarios.ts';

export type Kind = 'bare' | 'lab04';
export const KINDS: Kind[] = ['bare', 'lab04'];

/** One scenario's result for each server. */
export type Pair<T> = Record<Kind, T>;

/** Per-scenario generator time limits, in ms: every run ends by itself. */
const TIMEOUT_MS = { saturation: 150_000, steady: 120_000, idle: 240_000 };

/**
 * Runs one scenario against both servers. Lab 04 gets a new log folder each time and the run's
 * one data folder, where {@link seedAccounts} put the accounts beforehand.
 */
export async function bothServers<T>(label: string, spec: JobSpec, tempRoot: string): Promise<Pair<T>> {
  const results = {} as Pair<T>;
  for (const kind of KINDS) {
    const memoryFile = join(tempRoot, `memory-${label.replace(/\W/g, '')}-${kind}.json`);
    const server = await start(kind, tempRoot, memoryFile);
    const timeoutMs = TIMEOUT_MS[spec.scenario];
    const target = { kind, port: server.port, pid: server.pid, memoryFile };
    const generator = startGenerator({ ...spec, label: `${label} ${kind}`, target, timeoutMs }, timeoutMs);
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
  if (kind === 'bare') return startServer('bare-server.ts', { BENCH_MEMORY_FILE: memoryFile });
  const logDir = await mkdtemp(join(tempRoot, 'logs-'));
  return startServer('lab04-server.ts', { BENCH_LOG_DIR: logDir, BENCH_DATA_DIR: join(tempRoot, 'data'), BENCH_MEMORY_FILE: memoryFile });
}

export type { IdleResult, SaturationResult, SteadyResult };
