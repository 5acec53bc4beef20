/**
 * The machine the benchmark runs on, and how busy it was: a benchmark on a shared machine is
 * only worth what its noise allows, so every run says how much CPU other programs took.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CORES } from './children.ts';
import { HAS_PROC, machineSeconds } from './proc.ts';

/** Open files a process needs for C=5000 connections (a socket each on both sides, and slack). */
export const FILES_NEEDED = 12_000;

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  /** `taskset` pinning: the server's core and the load generator's. */
  pinning: { server: number; generator: number } | null;
  /** `ulimit -n`: open files per process. */
  openFiles: number;
  /** The 1-minute load average when the run started. */
  loadBefore: number;
  /** Cores' worth of CPU the machine's programs used over half a second before the run, while the benchmark did nothing. */
  busyBefore: number;
}

function openFileLimit(): number {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const value = result.stdout?.trim();
  return value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value) || 1024;
}

/** Cores' worth of CPU the machine's programs use over `ms`, measured while we sleep. */
export async function busyCores(ms: number): Promise<number> {
  if (!HAS_PROC) return Number.NaN;
  const before = machineSeconds().processes;
  await sleep(ms);
  return (machineSeconds().processes - before) / (ms / 1000);
}

export async function describeMachine(): Promise<Machine> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    pinning: CORES ?? null,
    openFiles: openFileLimit(),
    loadBefore: loadavg()[0]!,
    busyBefore: await busyCores(500),
  };
}
