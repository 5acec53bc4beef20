/**
 * Starting the benchmark's child processes: the servers under test and the load generator,
 * each pinned to its own core when `taskset` exists, so they never compete for one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Server on core 0, load generator on core 1; or no pinning (`undefined`) where that cannot be done. */
export const CORES = pinningCores();

function pinningCores(): { server: number; generator: number } | undefined {
  if (cpus().length < 2) return undefined;
  const taskset = spawnSync('taskset', ['-c', '0', 'true']);
  return taskset.status === 0 ? { server: 0, generator: 1 } : undefined;
}

/** `node [flags] --import tsx file`, behind `taskset -c core` when pinning. */
function nodeCommand(file: string, core: number | undefined, flags: string[], args: string[]): [string, string[]] {
  const node = [process.execPath, ...flags, '--import', 'tsx', fileURLToPath(new URL(`../${file}`, import.meta.url)), ...args];
  return core === undefined ? [node[0]!, node.slice(1)] : ['taskset', ['-c', String(core), ...node]];
}

export interface ServerProcess {
  pid: number;
  port: number;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

/** How long a server may take to say where it listens. */
const START_TIMEOUT_MS = 30_000;

/**
 * Starts `file` (relative to bench/, e.g. `lab04-server.ts`) as a server and waits for the
 * `{"pid":…,"port":…}` line it prints once it listens. Its stderr goes to ours.
 * BENCH_SERVER_NODE_ARGS adds Node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the servers.
 */
export async function startServer(file: string, env: Record<string, string>): Promise<ServerProcess> {
  const [command, args] = nodeCommand(file, CORES?.server, ['--expose-gc', ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ') ?? [])], []);
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const announced = firstJsonLine(child, START_TIMEOUT_MS) as Promise<{ pid: number; port: number }>;
  const { pid, port } = await announced.catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${file} did not start: ${error.message}`);
  });
  return { pid, port, stop: () => stop(child) };
}

export interface GeneratorProcess {
  /** The job's result, once the generator prints it. */
  result: Promise<unknown>;
  /** Lets the generator go (closes its stdin) and waits for it to exit. */
  finish(): Promise<void>;
}

/** Starts the load generator on `job` (see load/generator.ts); it must answer within `timeoutMs`. */
export function startGenerator(job: object, timeoutMs: number): GeneratorProcess {
  const [command, args] = nodeCommand('load/generator.ts', CORES?.generator, [], [JSON.stringify(job)]);
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const result = (firstJsonLine(child, timeoutMs) as Promise<{ result: unknown }>).then(({ result }) => result);
  result.catch(() => child.kill('SIGKILL'));
  return {
    result,
    finish: async () => {
      child.stdin!.end(); // its cue to leave by itself
      await stop(child, 2000);
    },
  };
}

/** The first line of the child's stdout that is a JSON object; rejects if it exits or times out first. */
export function firstJsonLine(child: ChildProcess, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return void process.stderr.write(`${line}\n`);
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before answering`));
    });
  });
}

/** Stops a child: `graceMs` to leave by itself, then SIGTERM, then SIGKILL 5 s later; resolves once it has exited. */
async function stop(child: ChildProcess, graceMs = 0): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs + 5000);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
}
