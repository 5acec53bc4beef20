/**
 * (f) Many cores: lab 06 (one process) against lab 07 with 1, 2… worker processes, under the same
 * load: deliveries a second at saturation and p99 at a steady rate; the primary's share of the
 * CPU, which is the part that does not grow with the workers (Amdahl's serial fraction s), and
 * the speed-up Amdahl predicts from it beside the one measured; memory per process at rest and
 * per idle connection.
 *
 * The servers are not pinned to a core here (the point is to use several); the load generator
 * is, as in the other parts. On a 2-core machine, the generator and the server share the cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { seedAccounts } from '../lib/accounts.ts';
import { CORES, REPO_ROOT, firstJsonLine } from '../lib/children.ts';
import { cpuSeconds, rssBytes } from '../lib/proc.ts';
import type { Scale } from '../lib/scale.ts';
import type { JobSpec } from '../load/generator.ts';
import type { SaturationResult, SteadyResult } from '../load/scenarios.ts';
import type { StepResult } from '../load/traffic.ts';

/** One server of the comparison: lab 06, or lab 07 with `workers` worker processes. */
export interface CoresServer {
  name: string;
  /** 0 for lab 06 (no primary: one process does everything). */
  workers: number;
}

export interface CoresRun {
  server: CoresServer;
  saturation: SaturationResult;
  steady: SteadyResult;
  /** CPU seconds of each process over the steady step: the primary's (lab 07), and each worker's. */
  steadyCpu: { primary: number; workers: number[]; seconds: number };
  /** RSS of each process, after a full GC: with no connection, and with `idle.connections` idle ones. */
  memory: { connections: number; before: ProcessMemory; after: ProcessMemory };
}

/** RSS in bytes: the main process (lab 06's only one, lab 07's primary) and each worker. */
export interface ProcessMemory {
  main: number;
  workers: number[];
}

export interface CoresResult {
  runs: CoresRun[];
  saturationClients: number;
  steadyClients: number;
  steadyRate: number;
}

/** (b)'s crowd at full scale, and idle connections for the memory figures. */
const STEADY_CLIENTS = { full: 1000, quick: 300 };
const IDLE_CONNECTIONS = { full: 2000, quick: 400 };
const TIMEOUT_MS = { saturation: 150_000, steady: 120_000, idle: 240_000 };
/** How long after asking for a GC memory is read (as in load/scenarios.ts). */
const GC_WAIT_MS = 600;

/** Runs (f): lab 06, then lab 07 with each number of `workers`; a fresh server for each scenario. */
export async function compareCores(scale: Scale, workers: number[], tempRoot: string, log: (line: string) => void): Promise<CoresResult> {
  const steadyClients = STEADY_CLIENTS[scale.name];
  const connections = IDLE_CONNECTIONS[scale.name];
  const dataDir = join(tempRoot, 'data-cores');
  await seedAccounts(dataDir, Math.max(steadyClients, scale.saturation.clients, connections));
  const servers: CoresServer[] = [{ name: 'lab 06', workers: 0 }, ...workers.map((n) => ({ name: `lab 07, ${n} worker${n === 1 ? '' : 's'}`, workers: n }))];
  const steadyJob = { scenario: 'steady' as const, ...scale.steady, clients: steadyClients };
  const runs: CoresRun[] = [];
  for (const server of servers) {
    log(`${server.name}: saturation, N=${scale.saturation.clients}`);
    const saturation = await withServer(server, tempRoot, dataDir, (running) => generate(running, { scenario: 'saturation', ...scale.saturation }, server.name).result) as SaturationResult;
    log(`${server.name}: steady, N=${steadyClients}, ${steadyJob.rate} msg/s`);
    const { steady, steadyCpu } = await withServer(server, tempRoot, dataDir, (running) => steadyWithCpu(running, steadyJob, server.name));
    log(`${server.name}: ${connections} idle connections`);
    const memory = await withServer(server, tempRoot, dataDir, (running) => idleMemory(running, connections, server.name));
    runs.push({ server, saturation, steady, steadyCpu, memory });
  }
  return { runs, saturationClients: scale.saturation.clients, steadyClients, steadyRate: steadyJob.rate };
}

interface Running {
  pid: number;
  port: number;
  /** The worker processes (none for lab 06). */
  workers: number[];
  memoryFile: string;
}

/** Starts the server (not pinned), runs `work` against it, and stops it. */
async function withServer<T>(server: CoresServer, tempRoot: string, dataDir: string, work: (running: Running) => Promise<T>): Promise<T> {
  const logDir = await mkdtemp(join(tempRoot, 'logs-cores-'));
  const memoryFile = join(logDir, 'memory.json');
  const env: Record<string, string> = { BENCH_LOG_DIR: logDir, BENCH_DATA_DIR: dataDir, BENCH_MEMORY_FILE: memoryFile };
  const file = server.workers === 0 ? join(REPO_ROOT, 'bench', 'lab06-server.ts') : join(REPO_ROOT, 'bench', 'cores', 'lab07-server.ts');
  if (server.workers === 0) env.BENCH_TRANSPORT = 'websocket';
  else env.BENCH_WORKERS = String(server.workers);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const { pid, port, workers = [] } = (await firstJsonLine(child, 60_000)) as { pid: number; port: number; workers?: number[] };
    return await work({ pid, port, workers, memoryFile });
  } finally {
    await stop(child);
  }
}

/** The load generator (load/generator.ts) on its core, its progress lines passed to `onLine` as well as printed. */
function generate(running: Running, spec: JobSpec, label: string, onLine?: (line: string) => void) {
  const timeoutMs = TIMEOUT_MS[spec.scenario];
  // Lab 07's WebSocket speaks lab 05's protocol, as lab 06's does: the generator treats both as lab 05.
  const target = { kind: 'lab05' as const, port: running.port, pid: running.pid, memoryFile: running.memoryFile };
  const job = { ...spec, label: `(f) ${label}`, target, timeoutMs };
  const file = fileURLToPath(new URL('../load/generator.ts', import.meta.url));
  const node = [process.execPath, '--import', 'tsx', file, JSON.stringify(job)];
  const [command, args] = CORES ? ['taskset', ['-c', String(CORES.generator), ...node]] : [node[0]!, node.slice(1)];
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    process.stderr.write(`${line}\n`);
    onLine?.(line);
  });
  const result = firstJsonLine(child, timeoutMs).then((line) => line.result);
  result.catch(() => child.kill('SIGKILL'));
  return { result, finish: () => stop(child, 2000, () => child.stdin!.end()) };
}

/**
 * (b)'s steady scenario, with the CPU of each of the server's processes read every 250 ms: the
 * step's figures are the last `seconds` before the generator reports it (it reports as soon as
 * the step's last delivery arrives).
 */
async function steadyWithCpu(running: Running, job: JobSpec & { scenario: 'steady' }, label: string) {
  const samples: { at: number; cpu: number[] }[] = [];
  const read = () => samples.push({ at: performance.now(), cpu: [running.pid, ...running.workers].map(cpuSeconds) });
  const timer = setInterval(read, 250);
  let end: { at: number; cpu: number[] } | undefined;
  const generator = generate(running, job, label, (line) => {
    if (/ msg\/s: \d+ deliveries\/s/.test(line)) {
      read();
      end = samples.at(-1);
    }
  });
  try {
    const steady = (await generator.result) as SteadyResult;
    if (!end) throw new Error('the generator did not report its step');
    const start = samples.findLast((sample) => sample.at <= end!.at - job.seconds * 1000) ?? samples[0]!;
    const used = end.cpu.map((seconds, i) => seconds - start.cpu[i]!);
    return { steady, steadyCpu: { primary: used[0]!, workers: used.slice(1), seconds: (end.at - start.at) / 1000 } };
  } finally {
    clearInterval(timer);
    await generator.finish();
  }
}

/** Every process's RSS after a full GC, with no connection, then with `connections` idle ones. */
async function idleMemory(running: Running, connections: number, label: string): Promise<CoresRun['memory']> {
  // A server announces itself, then handles SIGUSR2: on a busy machine, a signal sent the instant
  // the announcement arrives can beat the handler, and SIGUSR2's default is to end the process.
  await sleep(1000);
  const before = await memoryAfterGc(running);
  const generator = generate(running, { scenario: 'idle', connections, points: 1 }, label);
  try {
    await generator.result; // the generator keeps its connections open until it is let go
    return { connections, before, after: await memoryAfterGc(running) };
  } finally {
    await generator.finish();
  }
}

async function memoryAfterGc({ pid, workers }: Running): Promise<ProcessMemory> {
  for (const each of [pid, ...workers]) process.kill(each, 'SIGUSR2'); // lib/server-side.ts: a full GC
  await sleep(GC_WAIT_MS);
  const rss = (each: number) => {
    try {
      return rssBytes(each);
    } catch (error) {
      throw new Error(`process ${each} (${each === pid ? 'the main process' : 'a worker'}) is gone: ${(error as Error).message}`);
    }
  };
  return { main: rss(pid), workers: workers.map(rss) };
}

/** `graceMs` to leave by itself (after `letGo`), then SIGTERM, then SIGKILL 5 s later. */
async function stop(child: ChildProcess, graceMs = 0, letGo?: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  letGo?.();
  const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs + 5000);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
}

// ---------------------------------------------------------------------------------------------
// The figures

/** Amdahl's law: the speed-up of `n` processors when a share `s` of the work cannot be shared. */
export const amdahl = (s: number, n: number) => 1 / (s + (1 - s) / n);

/** The primary's share of the server's CPU over the steady step (lab 07 only). */
export function serialFraction(run: CoresRun): number {
  const { primary, workers } = run.steadyCpu;
  return primary / (primary + workers.reduce((sum, seconds) => sum + seconds, 0));
}

const best = (run: CoresRun): StepResult | undefined => run.saturation.saturation;
const MiB = 1024 * 1024;

/** (f) as a Markdown table, then s, Amdahl's predictions and the measured speed-ups. */
export function coresTable(result: CoresResult): string {
  const { runs } = result;
  const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '—' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const perConnection = (run: CoresRun, pick: (memory: ProcessMemory) => number) => (pick(run.memory.after) - pick(run.memory.before)) / 1024 / run.memory.connections;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const rows: [string, (run: CoresRun) => string][] = [
    [`N=${result.saturationClients}: deliveries/s at saturation`, (run) => `${fixed(best(run)?.deliveredPerSecond, 0)}${best(run)?.generatorBound ? ' (load generator bound)' : ''}`],
    [`N=${result.saturationClients}: server CPU per delivery at saturation (all processes), µs`, (run) => fixed(best(run)?.serverCpuPerDeliveryMicros, 2)],
    ...commonRateRows(runs, result.saturationClients, fixed),
    [`N=${result.saturationClients}: server CPU at saturation, cores`, (run) => fixed(best(run)?.serverCores, 2)],
    [`N=${result.saturationClients}: latency p99 at low load, ms`, (run) => fixed(run.saturation.low.latency.p99, 2)],
    [`N=${result.steadyClients}, ${result.steadyRate} msg/s: deliveries/s`, (run) => fixed(run.steady.step.deliveredPerSecond, 0)],
    [`N=${result.steadyClients}, ${result.steadyRate} msg/s: latency p50 / p99, ms`, (run) => `${fixed(run.steady.step.latency.p50, 2)} / ${fixed(run.steady.step.latency.p99, 2)}`],
    [`N=${result.steadyClients}: CPU, primary / each worker, cores`, (run) => (run.server.workers === 0 ? `${fixed(run.steadyCpu.primary / run.steadyCpu.seconds, 2)} (one process)` : `${fixed(run.steadyCpu.primary / run.steadyCpu.seconds, 2)} / ${run.steadyCpu.workers.map((w) => fixed(w / run.steadyCpu.seconds, 2)).join(', ')}`)],
    ['primary’s share of the CPU (s)', (run) => (run.server.workers === 0 ? '—' : fixed(serialFraction(run), 2))],
    ['RSS at rest: main process + workers, MiB', (run) => `${fixed(run.memory.before.main / MiB, 0)}${run.memory.before.workers.map((w) => ` + ${fixed(w / MiB, 0)}`).join('')}`],
    [`RSS per idle connection (${runs[0]?.memory.connections ?? 0} connections), all processes, KiB`, (run) => fixed(perConnection(run, (m) => m.main + sum(m.workers)), 1)],
    ['… of it in the primary (lab 07), KiB', (run) => (run.server.workers === 0 ? '—' : fixed(perConnection(run, (m) => m.main), 1))],
    ['lost / duplicated deliveries', (run) => `${run.saturation.lost + run.steady.lost} / ${run.saturation.duplicated + run.steady.step.duplicated}`],
  ];
  const lines = [`| (f) many cores | ${runs.map((run) => run.server.name).join(' | ')} |`, `| --- |${runs.map(() => ' ---: |').join('')}`];
  for (const [figure, cell] of rows) lines.push(`| ${figure} | ${runs.map(cell).join(' | ')} |`);
  lines.push('', ...amdahlLines(result));
  return lines.join('\n');
}

/**
 * Server CPU per delivery at the fastest rate every server was run at and delivered (≥ 99%): a
 * server at saturation batches more per turn, so CPU per delivery at saturation compares servers
 * that were run at different rates; at one rate it shows what the processes themselves add.
 */
function commonRateRows(runs: CoresRun[], clients: number, fixed: (value: number | undefined, digits: number) => string): [string, (run: CoresRun) => string][] {
  const delivered = (run: CoresRun) => new Map(run.saturation.steps.filter((step) => step.deliveredRatio >= 0.99).map((step) => [step.rate, step]));
  const steps = runs.map(delivered);
  const rates = [...(steps[0]?.keys() ?? [])].filter((rate) => steps.every((each) => each.has(rate)));
  if (!rates.length) return [];
  const rate = Math.max(...rates);
  return [[`N=${clients} at ${rate} msg/s (every server): server CPU per delivery, µs`, (run) => fixed(delivered(run).get(rate)!.serverCpuPerDeliveryMicros, 2)]];
}

/** s from lab 07 with one worker, Amdahl's predictions, and each measured speed-up over one worker. */
export function amdahlLines({ runs }: CoresResult): string[] {
  const one = runs.find((run) => run.server.workers === 1);
  if (!one) return ['No run with one worker: no serial fraction.'];
  const s = serialFraction(one);
  const base = best(one)?.deliveredPerSecond ?? Number.NaN;
  const measured = runs.filter((run) => run.server.workers > 1).map((run) => `${run.server.workers} workers ${((best(run)?.deliveredPerSecond ?? Number.NaN) / base).toFixed(2)}×`);
  return [
    `Serial fraction s = ${s.toFixed(2)}: the primary's share of lab 07's CPU with one worker, over the steady step.`,
    `Amdahl's speed-up 1 / (s + (1 − s) / N): ${[2, 4, 8].map((n) => `N=${n} ${amdahl(s, n).toFixed(2)}×`).join(', ')}; never more than 1 / s = ${(1 / s).toFixed(1)}×.`,
    measured.length ? `Measured (deliveries/s at saturation, over one worker): ${measured.join(', ')}.` : 'Measured: only one worker was run.',
  ];
}
