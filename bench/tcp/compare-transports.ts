/**
 * (d) What the WebSocket framing costs: lab 06's one server, measured once through its WebSocket
 * (JSON in WebSocket frames, as in labs 03-05) and once through its plain TCP port (lines of
 * text), under the same load: (a)'s saturation at N=100 and (b)'s steady rate at N=1000. The
 * same chat core, hub and outbox carry both, so the difference is the framing: the bytes of each
 * delivery, JSON against a line, the masking of what browsers send, and the parsing of each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFrame } from '../../labs/06-tcp/server/realtime/frame.ts';
import { renderFrame } from '../../labs/06-tcp/server/tcp/render.ts';
import { seedAccounts } from '../lib/accounts.ts';
import { CORES, REPO_ROOT, firstJsonLine, startGenerator, startServer } from '../lib/children.ts';
import type { Scale } from '../lib/scale.ts';
import type { SaturationResult, SteadyResult } from '../load/scenarios.ts';
import type { StepResult } from '../load/traffic.ts';

export type Transport = 'websocket' | 'tcp';
export const TRANSPORTS: Transport[] = ['websocket', 'tcp'];
const NAMES: Record<Transport, string> = { websocket: 'WebSocket', tcp: 'TCP lines' };

/** (b)'s crowd, whatever the run's scale: the figure the course quotes is for a thousand people. */
const STEADY_CLIENTS = 1000;
const STEADY_SENDERS = 50;
const TIMEOUT_MS = { saturation: 150_000, steady: 120_000 };

/** What the generators add to a scenario's result: how long connecting took (the WebSocket's HTTP log-ins apart). */
type Timed<T> = T & { connectSeconds: number; loginSeconds: number };

export interface TransportsResult {
  saturation: Record<Transport, Timed<SaturationResult>>;
  steady: Record<Transport, Timed<SteadyResult>>;
  /** The bytes one delivery of a benchmark message takes on the wire, by transport. */
  bytesPerDelivery: Record<Transport, number>;
  steadyClients: number;
}

/** Runs (d): each scenario against a fresh lab 06 server per transport; a fresh load generator each time. */
export async function compareTransports(scale: Scale, tempRoot: string, log: (line: string) => void): Promise<TransportsResult> {
  const dataDir = join(tempRoot, 'data-06');
  await seedAccounts(dataDir, Math.max(STEADY_CLIENTS, scale.saturation.clients));
  const steadyJob = { ...scale.steady, clients: STEADY_CLIENTS, senders: STEADY_SENDERS };
  const saturation = {} as Record<Transport, Timed<SaturationResult>>;
  const steady = {} as Record<Transport, Timed<SteadyResult>>;
  for (const transport of TRANSPORTS) {
    log(`saturation, N=${scale.saturation.clients}, ${NAMES[transport]}`);
    saturation[transport] = (await run(transport, { scenario: 'saturation', ...scale.saturation }, tempRoot, dataDir)) as Timed<SaturationResult>;
  }
  for (const transport of TRANSPORTS) {
    log(`steady, N=${STEADY_CLIENTS}, ${steadyJob.rate} msg/s, ${NAMES[transport]}`);
    steady[transport] = (await run(transport, { scenario: 'steady', ...steadyJob }, tempRoot, dataDir)) as Timed<SteadyResult>;
  }
  return { saturation, steady, bytesPerDelivery: bytesPerDelivery(), steadyClients: STEADY_CLIENTS };
}

async function run(transport: Transport, spec: { scenario: 'saturation' | 'steady' } & object, tempRoot: string, dataDir: string): Promise<unknown> {
  const logDir = await mkdtemp(join(tempRoot, 'logs-06-'));
  const memoryFile = join(tempRoot, `memory-06-${transport}.json`);
  const server = await startServer('lab06-server.ts', { BENCH_LOG_DIR: logDir, BENCH_DATA_DIR: dataDir, BENCH_TRANSPORT: transport, BENCH_MEMORY_FILE: memoryFile });
  const timeoutMs = TIMEOUT_MS[spec.scenario];
  // Lab 06's WebSocket speaks lab 05's protocol: the WebSocket generator treats it as lab 05.
  const target = { kind: 'lab05' as const, port: server.port, pid: server.pid, memoryFile };
  const job = { ...spec, label: `(d) lab 06 over ${NAMES[transport]}`, target, timeoutMs };
  const generator = transport === 'websocket' ? startGenerator(job, timeoutMs) : startTcpGenerator(job, timeoutMs);
  try {
    return await generator.result;
  } finally {
    await server.stop();
    await generator.finish();
  }
}

/** `load/generator.ts`'s twin for terminals (see `tcp-generator.ts`), started the same way, on the generator's core. */
function startTcpGenerator(job: object, timeoutMs: number) {
  const file = fileURLToPath(new URL('tcp-generator.ts', import.meta.url));
  const node = [process.execPath, '--import', 'tsx', file, JSON.stringify(job)];
  const [command, args] = CORES ? ['taskset', ['-c', String(CORES.generator), ...node]] : [node[0]!, node.slice(1)];
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const result = firstJsonLine(child, timeoutMs).then((line) => line.result);
  result.catch(() => child.kill('SIGKILL'));
  return {
    result,
    finish: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** One benchmark message as each transport delivers it: the same entry, encoded by lab 06's own code. */
function bytesPerDelivery(): Record<Transport, number> {
  const entry = { room: 'lobby', seq: 12345, time: Date.now(), kind: 'message' as const, from: 'bench42', text: '~3 42 1234 123456789012' };
  return { websocket: encodeFrame({ type: 'entry', entry }).length, tcp: Buffer.byteLength(renderFrame({ type: 'entry', entry })) };
}

// ---------------------------------------------------------------------------------------------
// The table

const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '—' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

/** (d) as a Markdown table: each figure for the WebSocket and for TCP lines, and their ratio. */
export function transportsTable(result: TransportsResult, saturationClients: number): string {
  const { saturation, steady, bytesPerDelivery: bytes } = result;
  const best = (transport: Transport): StepResult | undefined => saturation[transport].saturation;
  const rows: [string, Record<Transport, number | undefined>, number][] = [
    ['bytes on the wire per delivery', bytes, 0],
    [`N=${saturationClients}: deliveries a second at saturation`, pick((t) => best(t)?.deliveredPerSecond), 0],
    [`N=${saturationClients}: server CPU per delivery at saturation, µs`, pick((t) => best(t)?.serverCpuPerDeliveryMicros), 2],
    [`N=${saturationClients}: latency p99 at low load, ms`, pick((t) => saturation[t].low.latency.p99), 2],
    [`N=${result.steadyClients}: deliveries a second`, pick((t) => steady[t].step.deliveredPerSecond), 0],
    [`N=${result.steadyClients}: server CPU per delivery, µs`, pick((t) => steady[t].step.serverCpuPerDeliveryMicros), 2],
    [`N=${result.steadyClients}: latency p50 / p99 (ratio of p99s), ms`, pick((t) => steady[t].step.latency.p99), 2],
    [`N=${result.steadyClients}: time to log everyone in and connect, s`, pick((t) => steady[t].connectSeconds + steady[t].loginSeconds), 1],
  ];
  const lines = ['| (d) lab 06, one server | WebSocket | TCP lines | TCP ÷ WebSocket |', '| --- | ---: | ---: | ---: |'];
  for (const [figure, values, digits] of rows) {
    const cell = (t: Transport) =>
      figure.includes('p50 / p99') ? `${fixed(steady[t].step.latency.p50, digits)} / ${fixed(values[t], digits)}` : fixed(values[t], digits);
    const ratio = values.websocket && values.tcp !== undefined ? values.tcp / values.websocket : undefined;
    lines.push(`| ${figure} | ${cell('websocket')} | ${cell('tcp')} | ${ratio === undefined ? '—' : `${fixed(ratio, 2)}×`} |`);
  }
  const limited = TRANSPORTS.filter((t) => best(t)?.generatorBound || saturation[t].firstFailure?.generatorBound);
  if (limited.length) lines.push('', `Note: at saturation the load generator was the limit for ${limited.map((t) => NAMES[t]).join(' and ')}: compare CPU per delivery.`);
  const lost = TRANSPORTS.map((t) => saturation[t].lost + steady[t].lost).reduce((sum, n) => sum + n, 0);
  lines.push('', lost === 0 ? 'Every delivery arrived, once, over both transports.' : `Deliveries lost: ${lost}.`);
  return lines.join('\n');
}

function pick(value: (transport: Transport) => number | undefined): Record<Transport, number | undefined> {
  return { websocket: value('websocket'), tcp: value('tcp') };
}
