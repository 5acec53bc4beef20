/**
 * `npm run bench`: what each design costs. Runs, side by side under the same load, four servers:
 * a bare WebSocket relay (bench/bare-server.ts), a relay that frames each message once
 * (bench/frame-once-server.ts), lab 04 and lab 05, their real servers; then lab 02 (polling)
 * against lab 03 (push). Prints every figure, lab 05's ratio to its baseline and each target.
 *
 *   npm run bench                  the full run, about 15 minutes; also redraws labs/03-realtime/docs/polling-vs-push.svg
 *   npm run bench -- --quick       smaller, under a minute
 *   npm run bench -- --json FILE   also writes every figure to FILE
 *   npm run bench -- --only a,c    only some parts: a, b, c (the three scenarios), labs, tcp, threads and cores
 *   npm run bench -- --only tcp    (d) lab 06 over its WebSocket against its plain TCP port (bench/tcp/)
 *   npm run bench -- --only threads   (e) scrypt on libuv's thread pool (1, 2, 4 threads) and on worker_threads (bench/threads/)
 *   npm run bench -- --only cores     (f) lab 06 against lab 07 with 1 and 2 worker processes (bench/cores/); redraws labs/07-cores/docs/cores.svg
 *   npm run bench -- --only cores --workers 1,2,4,8   (f) with more workers, on a machine with the cores for them
 *   npm run bench -- --servers frameOnce,lab05   only some servers: bare, frameOnce, lab04, lab05
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench   profiles the servers
 *
 * The servers and the load generator are child processes, pinned to different cores when
 * `taskset` exists. Everything they write goes to a temporary folder, deleted at the end.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { allServers, type IdleResult, type Results, type SaturationResult, type SteadyResult } from './compare-servers.ts';
import { compareLabs, type LabsResult } from './labs/compare-labs.ts';
import { compareTransports, transportsTable, type TransportsResult } from './tcp/compare-transports.ts';
import { comparePools, poolsTable, type PoolsResult } from './threads/compare-pools.ts';
import { compareCores, coresTable, type CoresResult } from './cores/compare-cores.ts';
import { seedAccounts } from './lib/accounts.ts';
import { REPO_ROOT } from './lib/children.ts';
import { KINDS, isLab } from './lib/kinds.ts';
import { FILES_NEEDED, busyCores, describeMachine } from './lib/machine.ts';
import { FULL, QUICK, type Scale } from './lib/scale.ts';
import type { StepResult } from './load/traffic.ts';
import { idleRows, labsTable, markdownTable, saturationRows, steadyRows, targetLines, type Row } from './report.ts';
import { coresSvg, pollingVsPushSvg } from './svg.ts';

/** The whole run stops by itself past this, whatever is going on. */
const RUN_LIMIT_MS = 25 * 60_000;
const PARTS = ['a', 'b', 'c', 'labs', 'tcp', 'threads', 'cores'] as const;
const CHART = join(REPO_ROOT, 'labs', '03-realtime', 'docs', 'polling-vs-push.svg');
const CORES_CHART = join(REPO_ROOT, 'labs', '07-cores', 'docs', 'cores.svg');

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    only: { type: 'string' },
    servers: { type: 'string' },
    workers: { type: 'string', default: '1,2' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`usage: npm run bench -- [--quick] [--json FILE] [--only ${PARTS.join(',')}] [--servers ${KINDS.join(',')}] [--workers 1,2]`);
  process.exit(0);
}
const only = new Set(flags.only ? flags.only.split(',') : PARTS);
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only takes ${PARTS.join(', ')}, not "${part}"`);
const servers = flags.servers ? flags.servers.split(',') : KINDS;
for (const kind of servers) if (!(KINDS as string[]).includes(kind)) throw new Error(`--servers takes ${KINDS.join(', ')}, not "${kind}"`);
const kinds = KINDS.filter((kind) => servers.includes(kind));
const workers = flags.workers.split(',').map(Number);
if (!workers.every((n) => Number.isInteger(n) && n >= 1 && n <= 64)) throw new Error(`--workers takes numbers of worker processes, e.g. 1,2,4, not "${flags.workers}"`);
setTimeout(() => {
  console.error(`The benchmark ran over ${RUN_LIMIT_MS / 60_000} minutes: stopping.`);
  process.exit(1);
}, RUN_LIMIT_MS).unref();

const started = performance.now();
const scale: Scale = structuredClone(flags.quick ? QUICK : FULL);
const machine = await describeMachine();
const notes: string[] = [];
if (machine.openFiles < FILES_NEEDED) {
  const connections = Math.max(100, Math.floor((machine.openFiles - 200) / 2));
  if (connections < scale.idle.connections) {
    notes.push(`ulimit -n is ${machine.openFiles} (< ${FILES_NEEDED}): (c) opens ${connections} connections instead of ${scale.idle.connections}. Raise it with \`ulimit -n ${FILES_NEEDED}\`.`);
    scale.idle.connections = connections;
  }
}
if (!machine.pinning) notes.push('No taskset (or one core): the servers and the load generator are not pinned, and share cores.');
if (machine.busyBefore > 0.2) notes.push(`The machine was busy before the run (${machine.busyBefore.toFixed(2)} cores' worth of other work): figures will be noisy.`);

console.log(`Chat Lab benchmark (${scale.name}): ${machine.cores} × ${machine.cpu}, Node ${machine.node}`);
console.log(
  `  pinning: ${machine.pinning ? `server on core ${machine.pinning.server}, load generator on core ${machine.pinning.generator}` : 'none'}; ` +
    `ulimit -n ${machine.openFiles}; load average ${machine.loadBefore.toFixed(2)}; other work before the run: ${machine.busyBefore.toFixed(2)} cores`,
);
for (const note of notes) console.log(`  note: ${note}`);

const tempRoot = await mkdtemp(join(tmpdir(), 'chat-lab-bench-'));
type SteadyRun = SteadyResult & { connectSeconds: number };
const results: { a?: Results<SaturationResult>; b?: Results<SteadyRun>; c?: Results<IdleResult>; labs?: LabsResult; tcp?: TransportsResult; threads?: PoolsResult; cores?: CoresResult } = {};
const timings: Record<string, number> = {};
const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = (performance.now() - t0) / 1000;
  }
};
try {
  const people = !kinds.some(isLab) ? 0 : Math.max(only.has('a') ? scale.saturation.clients : 0, only.has('b') ? scale.steady.clients : 0, only.has('c') ? scale.idle.connections : 0);
  if (people > 0) await seedAccounts(join(tempRoot, 'data'), people);
  if (only.has('a')) {
    console.log(`\n(a) saturation: N=${scale.saturation.clients}, ${scale.saturation.senders} senders, rate doubled from ${scale.saturation.startRate} msg/s`);
    results.a = await timed('a', () => allServers<SaturationResult>(kinds, '(a)', { scenario: 'saturation', ...scale.saturation }, tempRoot));
  }
  if (only.has('b')) {
    const { rounds, ...steady } = scale.steady;
    console.log(`\n(b) steady: N=${steady.clients}, ${steady.rate} msg/s for ${steady.seconds} s, ${rounds} round(s)`);
    results.b = await timed('b', async () => {
      const all: Results<SteadyRun>[] = [];
      for (let round = 1; round <= rounds; round++) all.push(await allServers<SteadyRun>(kinds, `(b) round ${round}:`, { scenario: 'steady', ...steady }, tempRoot));
      return Object.fromEntries(kinds.map((kind) => [kind, medianSteady(all.map((round) => round[kind]))])) as Results<SteadyRun>;
    });
  }
  if (only.has('c')) {
    const { connections, points, rounds } = scale.idle;
    console.log(`\n(c) idle: C=${connections} connections, ${rounds} round(s)`);
    results.c = await timed('c', async () => {
      const all: Results<IdleResult>[] = [];
      for (let round = 1; round <= rounds; round++) all.push(await allServers<IdleResult>(kinds, `(c) round ${round}:`, { scenario: 'idle', connections, points }, tempRoot));
      return Object.fromEntries(kinds.map((kind) => [kind, medianRound(all.map((round) => round[kind]))])) as Results<IdleResult>;
    });
  }
  if (only.has('labs')) {
    console.log('\nLab 02 (polling) against lab 03 (push)');
    results.labs = await timed('labs', () => compareLabs(scale, tempRoot, (line) => console.log(`  ${line}`)));
  }
  if (only.has('tcp')) {
    console.log('\n(d) lab 06: its WebSocket against its plain TCP port');
    results.tcp = await timed('tcp', () => compareTransports(scale, tempRoot, (line) => console.log(`  ${line}`)));
  }
  if (only.has('threads')) {
    console.log("\n(e) scrypt on libuv's thread pool and on worker_threads");
    results.threads = await timed('threads', () => comparePools(scale, tempRoot, (line) => console.log(`  ${line}`)));
  }
  if (only.has('cores')) {
    console.log(`\n(f) lab 06 against lab 07 with ${workers.join(', ')} worker processes`);
    results.cores = await timed('cores', () => compareCores(scale, workers, tempRoot, (line) => console.log(`  ${line}`)));
  }
} finally {
  await rm(tempRoot, { recursive: true, force: true });
}

const busyAfter = await busyCores(1000);
const rows: Row[] = [
  ...(results.a ? saturationRows(results.a, scale.saturation.clients) : []),
  ...(results.b ? steadyRows(results.b, scale.steady) : []),
  ...(results.c ? idleRows(results.c) : []),
];
const seconds = (performance.now() - started) / 1000;
console.log(`\nResults (${scale.name} run, ${new Date().toISOString().slice(0, 16)}Z, ${seconds.toFixed(0)} s)\n`);
if (rows.length) console.log(`${markdownTable(rows)}\n\n${targetLines(rows)}\n`);
if (results.labs) console.log(`${labsTable(results.labs)}\n`);
if (results.tcp) console.log(`${transportsTable(results.tcp, scale.saturation.clients)}\n`);
if (results.threads) console.log(`${poolsTable(results.threads)}\n`);
if (results.cores) console.log(`${coresTable(results.cores)}\n`);
console.log(`Noise: ${noiseSummary()}; other work after the run: ${busyAfter.toFixed(2)} cores.`);
for (const note of notes) console.log(`Note: ${note}`);

if (flags.json) {
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), flags.json);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ scale, machine, busyAfter, notes, timings, seconds, rows, results }, null, 2)}\n`);
  console.log(`Every figure is in ${file}.`);
}
if (results.labs && scale.name === 'full') {
  const date = new Date().toISOString().slice(0, 10);
  const caption = `Measured by npm run bench on ${date}: ${machine.cores} cores, Node ${machine.node}; labs 02 and 03 on 127.0.0.1.`;
  await mkdir(dirname(CHART), { recursive: true });
  await writeFile(CHART, pollingVsPushSvg(results.labs, caption));
  console.log(`Chart redrawn: ${CHART}`);
}
if (results.cores) {
  const date = new Date().toISOString().slice(0, 10);
  const busy = Math.max(machine.busyBefore, busyAfter);
  const caption = `Measured by npm run bench -- --only cores (${scale.name}) on ${date}: ${machine.cores} cores, Node ${machine.node}${busy > 0.2 ? `, other programs using ${busy.toFixed(1)} cores` : ''}.`;
  await mkdir(dirname(CORES_CHART), { recursive: true });
  await writeFile(CORES_CHART, coresSvg(results.cores, caption));
  console.log(`Chart redrawn: ${CORES_CHART}`);
}

/**
 * The round with the median RSS per connection, carrying every round's figure. One round's RSS
 * slope can be off by a third (a step of a few MiB that V8 or the C allocator takes, or gives
 * back, between two readings); the median of three is off only if two rounds are.
 */
function medianRound(rounds: IdleResult[]): IdleResult {
  const sorted = [...rounds].sort((a, b) => a.rssPerConnection - b.rssPerConnection);
  const median = sorted[(sorted.length - 1) >> 1]!;
  return rounds.length > 1 ? { ...median, roundsRssPerConnection: rounds.map((round) => round.rssPerConnection) } : median;
}

/**
 * Each figure of (b) as the median of its rounds, so that one noisy round (a GC pause, another
 * program waking up) moves no figure; every round's p99 and CPU per delivery are kept for the
 * report. Lost and duplicated deliveries are added up: they must be zero in every round.
 */
function medianSteady(rounds: SteadyRun[]): SteadyRun {
  const median = (pick: (run: SteadyRun) => number) => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    return sorted[(sorted.length - 1) >> 1]!;
  };
  const step = (pick: (step: StepResult) => number) => median((run) => pick(run.step));
  if (rounds.length === 1) return rounds[0]!;
  return {
    ...rounds[0]!,
    connectSeconds: median((run) => run.connectSeconds),
    lost: rounds.reduce((sum, run) => sum + run.lost, 0),
    step: {
      ...rounds[0]!.step,
      deliveredPerSecond: step((s) => s.deliveredPerSecond),
      latency: { p50: step((s) => s.latency.p50), p95: step((s) => s.latency.p95), p99: step((s) => s.latency.p99), max: step((s) => s.latency.max) },
      duplicated: rounds.reduce((sum, run) => sum + run.step.duplicated, 0),
      serverCpuPerDeliveryMicros: step((s) => s.serverCpuPerDeliveryMicros),
      serverCores: step((s) => s.serverCores),
      generatorCores: step((s) => s.generatorCores),
      otherCores: step((s) => s.otherCores),
      interruptCores: step((s) => s.interruptCores),
      stealCores: step((s) => s.stealCores),
      generatorBound: rounds.some((run) => run.step.generatorBound),
      pass: rounds.every((run) => run.step.pass),
    },
    rounds: rounds.map((run) => ({ p99: run.step.latency.p99, cpuPerDelivery: run.step.serverCpuPerDeliveryMicros })),
  };
}

/** How much CPU other programs, and the hypervisor's steal, took during the measured steps. */
function noiseSummary(): string {
  const samples: { otherCores: number; stealCores: number }[] = [];
  for (const pair of [results.a, results.b, results.c]) {
    for (const result of Object.values(pair ?? {})) {
      if ('steps' in result) samples.push(result.low, ...result.steps);
      else if ('step' in result) samples.push(result.step);
      else samples.push(result);
    }
  }
  if (!samples.length) return 'not measured';
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const other = samples.map((sample) => sample.otherCores);
  const steal = samples.map((sample) => sample.stealCores);
  return (
    `other programs used ${mean(other).toFixed(2)} cores on average during the measurements (at most ${Math.max(...other).toFixed(2)}), ` +
    `the hypervisor stole ${mean(steal).toFixed(2)} (at most ${Math.max(...steal).toFixed(2)})`
  );
}
