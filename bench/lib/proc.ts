/**
 * What the kernel says about a process and the machine, read from `/proc` (Linux only). The
 * benchmark measures servers from the outside, so nothing in a server has to count for it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** `/proc` is there: CPU and memory figures can be read. Elsewhere they are reported as missing. */
export const HAS_PROC = existsSync('/proc/self/stat');

/** Clock ticks per second, the unit of the CPU times in `/proc` (almost always 100). */
const TICKS = readTicks();

function readTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU time (user + system, every thread) a process has used, in seconds; NaN without `/proc`. */
export function cpuSeconds(pid: number): number {
  if (!HAS_PROC) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])]; // fields 14 and 15 of proc(5)
  return (utime + stime) / TICKS;
}

/**
 * CPU time of a process and of every process it started, still running, in seconds: a server
 * that forks workers (lab 07's cluster) is measured whole. NaN without `/proc`.
 */
export function treeCpuSeconds(pid: number): number {
  return descendants(pid).reduce((sum, child) => sum + cpuSeconds(child), cpuSeconds(pid));
}

/** The processes `pid` started, and theirs, still running (`/proc/<pid>/task/<tid>/children`). */
export function descendants(pid: number): number[] {
  if (!HAS_PROC) return [];
  const children = (task: string) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  try {
    const direct = readdirSync(`/proc/${pid}/task`).flatMap(children);
    return direct.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return []; // it exited meanwhile
  }
}

/** Resident memory of a process in bytes (VmRSS); NaN without `/proc`. */
export function rssBytes(pid: number): number {
  if (!HAS_PROC) return Number.NaN;
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * CPU time the whole machine has spent, in seconds, from the first line of `/proc/stat`:
 * `processes` (user, nice and system time: what programs ran), `interrupts` (irq and softirq:
 * much of it is loopback TCP carrying the benchmark's own traffic, which no process is charged
 * for) and `steal` (time the hypervisor gave this VM's CPUs to someone else).
 */
export function machineSeconds(): { processes: number; interrupts: number; steal: number } {
  if (!HAS_PROC) return { processes: Number.NaN, interrupts: Number.NaN, steal: Number.NaN };
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { processes: (user! + nice! + system!) / TICKS, interrupts: (irq! + softirq!) / TICKS, steal: steal! / TICKS };
}
