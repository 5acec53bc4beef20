/**
 * The three scenarios of the benchmark, as the load generator runs them against one server:
 * (a) raise the rate until the server saturates, (b) hold a steady rate with many clients,
 * (c) open many connections and leave them idle.
 */
import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssBytes } from '../lib/proc.ts';
import { slope } from '../lib/slope.ts';
import { Crowd, type Target } from './crowd.ts';
import { CpuMeter } from './meter.ts';
import { Traffic, type StepResult } from './traffic.ts';

export type Log = (line: string) => void;

export interface SaturationJob {
  clients: number;
  senders: number;
  /** The first rate tried, in messages a second; doubled until a step fails, then bisected. */
  startRate: number;
  seconds: number;
  drainMs: number;
  maxSteps: number;
  /** A low rate measured first, to see what the server adds to latency when it is not busy. */
  lowRate: number;
}

export interface SaturationResult {
  low: StepResult;
  steps: StepResult[];
  /** The fastest step that passed (≥ 99% delivered on time, p99 ≤ 250 ms), if any. */
  saturation?: StepResult;
  /** The slowest step that failed, if any. */
  firstFailure?: StepResult;
  lost: number;
  duplicated: number;
  unexpectedCloses: Record<number, number>;
}

/** Bisecting stops once the failing rate is within this factor of the passing one. */
const CLOSE_ENOUGH = 1.15;

/**
 * A step during which other programs on the machine, or the hypervisor (steal: the VM's CPUs
 * given to another VM), took more than this many cores is run again, at most {@link RETRIES}
 * times: on a shared machine, someone else's burst is not the server's cost.
 */
const NOISY_CORES = 0.25;
const RETRIES = 2;

/** A step, run again if the machine was noisy during it; `retries` says how many times. */
async function quietStep(traffic: Traffic, rate: number, seconds: number, drainMs: number, log: Log): Promise<StepResult> {
  for (let retries = 0; ; retries++) {
    const result = await traffic.step(rate, seconds, drainMs);
    const noise = result.otherCores + result.stealCores;
    if (noise <= NOISY_CORES || retries === RETRIES) return { ...result, retries };
    log(`other programs and the hypervisor took ${noise.toFixed(2)} cores during ${rate} msg/s: once more`);
    await traffic.crowd.settle(300, 10_000);
  }
}

/** (a) Saturation: a low-load step, then rates doubled until one fails, then bisected. */
export async function saturation(crowd: Crowd, job: SaturationJob, log: Log): Promise<SaturationResult> {
  const traffic = new Traffic(crowd, job.senders);
  const low = await quietStep(traffic, job.lowRate, job.seconds, job.drainMs, log);
  log(describe('low load', low));
  const steps: StepResult[] = [];
  let best: StepResult | undefined;
  let worst: StepResult | undefined;
  let rate = job.startRate;
  for (let i = 0; i < job.maxSteps; i++) {
    await crowd.settle(300, 10_000); // a failed step's backlog must not spill into the next one
    const result = await quietStep(traffic, rate, job.seconds, job.drainMs, log);
    steps.push(result);
    log(describe(`${rate} msg/s`, result));
    if (result.pass && (!best || rate > best.rate)) best = result;
    if (!result.pass && (!worst || rate < worst.rate)) worst = result;
    if (!best) break; // even the first rate failed
    if (!worst) rate *= 2;
    else if (worst.rate / best.rate <= CLOSE_ENOUGH) break;
    else rate = Math.round(Math.sqrt(best.rate * worst.rate)); // halfway, on a log scale
  }
  await crowd.settle(500, 10_000);
  const lost = traffic.lost().reduce((sum, n) => sum + n, 0);
  const duplicated = [low, ...steps].reduce((sum, step) => sum + step.duplicated, 0);
  return { low, steps, saturation: best, firstFailure: worst, lost, duplicated, unexpectedCloses: Object.fromEntries(crowd.unexpectedCloses) };
}

export interface SteadyJob {
  clients: number;
  senders: number;
  rate: number;
  seconds: number;
  drainMs: number;
}

export interface SteadyResult {
  step: StepResult;
  lost: number;
  unexpectedCloses: Record<number, number>;
  /** With several rounds (see bench/run.ts): each round's p99 (ms) and server CPU per delivery (µs). */
  rounds?: { p99: number; cpuPerDelivery: number }[];
}

/** (b) A steady rate for some seconds; then everything must have arrived, once. */
export async function steady(crowd: Crowd, job: SteadyJob, log: Log): Promise<SteadyResult> {
  await crowd.settle(500, 30_000); // the notices of a thousand arrivals must be over first
  const traffic = new Traffic(crowd, job.senders);
  const step = await quietStep(traffic, job.rate, job.seconds, job.drainMs, log);
  log(describe(`${job.rate} msg/s`, step));
  await crowd.settle(500, 10_000);
  return { step, lost: traffic.lost().reduce((sum, n) => sum + n, 0), unexpectedCloses: Object.fromEntries(crowd.unexpectedCloses) };
}

export interface IdleJob {
  connections: number;
  /** RSS is read at this many connection counts, evenly spaced up to `connections`. */
  points: number;
}

export interface IdleResult {
  connections: number;
  connectSeconds: number;
  /** Server CPU seconds spent taking the connections in (a lab welcomes each arrival and tells the room). */
  connectServerSeconds: number;
  /**
   * RSS with no connection, and RSS and JS heap (live objects: V8's `heapUsed`) at `points`
   * counts evenly spaced up to all of them, each after a full GC.
   */
  rssBefore: number;
  rssPoints: { connections: number; rss: number; heap: number }[];
  rssAfter: number;
  /**
   * What one more connection costs: the slope of RSS against the number of connections, through
   * those points. A slope rather than (RSS after − RSS before) / C, so that what a server
   * allocates once (a lab's room history fills up with the first arrivals; its log-ins came
   * before) is not spread over the connections. The Theil–Sen slope (the median of the slopes
   * between every two points), not least squares: RSS moves in steps (V8 or the C allocator
   * taking a few MiB at once, then filling them), and one step between two readings moved a
   * least-squares slope by up to 1 KiB per connection, a median hardly at all.
   */
  rssPerConnection: number;
  /**
   * The same slope for the JS heap's live objects: what each connection keeps alive, without the
   * pages V8 and the C allocator hold on to after the traffic of the arrivals.
   */
  heapPerConnection: number;
  /** RSS per connection in every round, when there were several (see `median`): this one is their median. */
  roundsRssPerConnection?: number[];
  generatorCores: number;
  otherCores: number;
  stealCores: number;
  unexpectedCloses: Record<number, number>;
  /** False if frames were still arriving 2 minutes after the last connection of a quarter opened. */
  settled: boolean;
}

/** How long after asking for a GC the server's memory is read. */
const GC_WAIT_MS = 600;

/** (c) Idle: `connections` clients connect and do nothing; the server's memory per connection. */
export async function idle(
  target: Target,
  { connections, points }: IdleJob,
  cookies: string[] | undefined,
  deadline: number,
  log: Log,
): Promise<{ result: IdleResult; crowd: Crowd }> {
  const { rss: rssBefore } = await memoryAfterGc(target);
  const crowd = await Crowd.open(target, 0, { deadline });
  const rssPoints: IdleResult['rssPoints'] = [];
  let [connectSeconds, connectServerSeconds, generatorCores, otherCores, stealCores] = [0, 0, 0, 0, 0];
  let settled = true;
  for (let point = 1; point <= points; point++) {
    const count = Math.round((connections * point) / points);
    const meter = new CpuMeter(target.pid);
    await crowd.grow(count, { cookies, concurrency: 100, deadline });
    settled &&= await crowd.settle(1000, 120_000);
    const cpu = meter.read(); // the GC and its wait are left out of the connecting time
    connectSeconds += cpu.wallSeconds;
    connectServerSeconds += cpu.serverSeconds;
    [generatorCores, otherCores, stealCores] = [Math.max(generatorCores, cpu.generatorCores), Math.max(otherCores, cpu.otherCores), Math.max(stealCores, cpu.stealCores)];
    rssPoints.push({ connections: count, ...(await memoryAfterGc(target)) });
  }
  const result: IdleResult = {
    connections,
    connectSeconds,
    connectServerSeconds,
    rssBefore,
    rssPoints,
    rssAfter: rssPoints.at(-1)!.rss,
    rssPerConnection: slope(rssPoints.map((p) => [p.connections, p.rss])),
    heapPerConnection: slope(rssPoints.map((p) => [p.connections, p.heap])),
    generatorCores,
    otherCores,
    stealCores,
    unexpectedCloses: Object.fromEntries(crowd.unexpectedCloses),
    settled,
  };
  log(`${connections} idle connections in ${connectSeconds.toFixed(1)} s: ${(result.rssPerConnection / 1024).toFixed(1)} KiB each`);
  return { result, crowd };
}

/**
 * Asks the server for a full GC (SIGUSR2, see lib/server-side.ts), waits, and reads its RSS from
 * `/proc` and its JS heap from what it wrote (NaN if it wrote nothing).
 */
async function memoryAfterGc(target: Target): Promise<{ rss: number; heap: number }> {
  await rm(target.memoryFile, { force: true });
  process.kill(target.pid, 'SIGUSR2');
  await sleep(GC_WAIT_MS);
  const written = await readFile(target.memoryFile, 'utf8').catch(() => undefined);
  return { rss: rssBytes(target.pid), heap: written ? (JSON.parse(written) as { heapUsed: number }).heapUsed : Number.NaN };
}

function describe(label: string, step: StepResult): string {
  const { latency } = step;
  const verdict = step.pass ? 'ok' : 'FAIL';
  const bound = step.generatorBound ? ' (load generator bound)' : '';
  return (
    `${label}: ${Math.round(step.deliveredPerSecond)} deliveries/s (${(step.deliveredRatio * 100).toFixed(1)}%), ` +
    `p50 ${latency.p50.toFixed(2)} p99 ${latency.p99.toFixed(2)} ms, ${step.serverCpuPerDeliveryMicros.toFixed(2)} µs CPU/delivery ${verdict}${bound}`
  );
}
