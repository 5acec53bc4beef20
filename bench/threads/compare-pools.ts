/**
 * (e) Where Node already uses threads: scrypt, the password hash of every registration and log-in,
 * runs on libuv's thread pool, off the main thread. Registrations and hashes a second with
 * `UV_THREADPOOL_SIZE` 1, 2 and 4 (a child process each: libuv reads it once, when its pool
 * starts), then the same hashes on a small pool of worker_threads calling scryptSync.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, firstJsonLine } from '../lib/children.ts';
import type { Scale } from '../lib/scale.ts';
import type { Cost } from './hash-pool.ts';
import type { PoolJob, PoolRun } from './hash-child.ts';

/** libuv pool sizes tried (Node's default is 4). */
export const POOL_SIZES = [1, 2, 4];
/** worker_threads pool sizes tried. */
export const WORKER_THREADS = [2, 4];

export interface PoolRow {
  way: 'libuv' | 'workers';
  /** UV_THREADPOOL_SIZE, or worker_threads in the pool. */
  threads: number;
  run: PoolRun;
}

export interface PoolsResult {
  rows: PoolRow[];
  cores: number;
  cost: Cost;
  count: number;
  /** Each row is its fastest of this many rounds. */
  rounds: number;
}

/** Hashes measured per row, how many are under way at once (more than any pool has threads), and rounds. */
const COUNT = { full: 64, quick: 16 };
const IN_FLIGHT = 8;
const ROUNDS = { full: 3, quick: 1 };

/**
 * Runs (e): one child process per row and round, each in its own data folder. The rounds go
 * through every row in turn, and each row keeps its fastest round: another program's burst
 * slows one round of one row, not the row.
 */
export async function comparePools(scale: Scale, tempRoot: string, log: (line: string) => void): Promise<PoolsResult> {
  const count = COUNT[scale.name];
  const plan = [...POOL_SIZES.map((threads) => ({ way: 'libuv' as const, threads })), ...WORKER_THREADS.map((threads) => ({ way: 'workers' as const, threads }))];
  const rows: PoolRow[] = [];
  for (let round = 1; round <= ROUNDS[scale.name]; round++) {
    for (const [i, { way, threads }] of plan.entries()) {
      log(`round ${round}: ${way === 'libuv' ? `libuv's pool, UV_THREADPOOL_SIZE=${threads}: ${count} registrations, then ${count} hashes` : `${threads} worker_threads: ${count} hashes`}`);
      const dataDir = await mkdtemp(join(tempRoot, 'data-pool-'));
      const run = await runChild({ way, threads, count, inFlight: IN_FLIGHT, dataDir }, way === 'libuv' ? threads : 4);
      if (!rows[i] || run.hashesPerSecond > rows[i]!.run.hashesPerSecond) rows[i] = { way, threads, run };
    }
  }
  return { rows, cores: availableParallelism(), cost: rows[0]!.run.cost, count, rounds: ROUNDS[scale.name] };
}

async function runChild(job: PoolJob, poolSize: number): Promise<PoolRun> {
  const file = join(REPO_ROOT, 'bench', 'threads', 'hash-child.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(job)], {
    cwd: REPO_ROOT,
    env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { result } = (await firstJsonLine(child, 180_000)) as { result: PoolRun };
  return result;
}

/** (e) as a Markdown table, with what it means underneath. */
export function poolsTable({ rows, cores, cost, count, rounds }: PoolsResult): string {
  const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
  const lines = [
    `| (e) scrypt at the lab's cost (N=${cost.N}, r=${cost.r}, p=${cost.p}), ${count} each, best of ${rounds} | registrations/s | hashes/s | CPU used, cores | main thread busy |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const { way, threads, run } of rows) {
    const name = way === 'libuv' ? `libuv's pool, UV_THREADPOOL_SIZE=${threads}` : `${threads} worker_threads, scryptSync`;
    lines.push(`| ${name} | ${fixed(run.registrationsPerSecond, 1)} | ${fixed(run.hashesPerSecond, 1)} | ${fixed(run.cores, 2)} | ${fixed(run.mainThreadBusy * 100, 1)} % |`);
  }
  const best = (way: PoolRow['way']) => Math.max(...rows.filter((row) => row.way === way).map((row) => row.run.hashesPerSecond));
  lines.push(
    '',
    `This machine runs ${cores} threads at once: past ${cores} threads, hashes cannot go faster. ` +
      `Best hashes/s: libuv's pool ${fixed(best('libuv'), 1)}, worker_threads ${fixed(best('workers'), 1)} ` +
      `(${fixed(best('workers') / best('libuv'), 2)}×): crypto.scrypt already runs off the main thread.`,
  );
  return lines.join('\n');
}
