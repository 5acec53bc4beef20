import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../server/main.ts', import.meta.url));
const LAB_DIR = fileURLToPath(new URL('..', import.meta.url));
const LISTENING = /Open\s+(http:\/\/127\.0\.0\.1:\d+)\//;

/** A lab server running in a child process, which a test can SIGKILL. */
export interface LabProcess {
  process: ChildProcess;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** What it printed so far. */
  output: string;
}

/**
 * Starts the real lab server as `npm run lab:07` does, on a free port with the given folders and
 * two workers (unless `env` says otherwise), and resolves once its banner is printed (it says where it listens). It is
 * killed (the primary, which takes its workers with it) when the test ends.
 */
export async function spawnLab(t: Pick<TestContext, 'after'>, dataDir: string, logDir: string, more: NodeJS.ProcessEnv = {}): Promise<LabProcess> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_DIR: logDir, GATE: '', STUN_PORT: 'off', WORKERS: '2', ...more };
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: LAB_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Not inherited: a server outliving a test process that was killed would hold the test
  // runner's stderr open, and the runner would wait for it forever.
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`the server exited (${signal ?? code}) before it listened`);
  });
  const lab = { process: child, url: '', output: '' };
  const listening = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      lab.output += `${line}\n`; // read to the end: a pipe nobody reads would stop the server once full
      const match = LISTENING.exec(lab.output);
      if (match && line.includes('Ctrl-C stops it.')) resolve(match[1]!); // the whole banner is in `output`
    });
    lines.on('close', () => reject(new Error('the server never said where it listens')));
  });
  lab.url = await Promise.race([listening, exited]);
  return lab;
}

/** Resolves with the first match of `pattern` in what the server printed, now or once it prints it. */
export function printed(lab: LabProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const match = pattern.exec(lab.output);
      if (!match) return false;
      lab.process.stdout!.off('data', look);
      lab.process.off('exit', gone);
      resolve(match);
      return true;
    };
    const gone = () => reject(new Error(`The server exited before it printed ${pattern}; it printed:\n${lab.output}`));
    if (look()) return;
    lab.process.stdout!.on('data', look);
    lab.process.once('exit', gone);
  });
}

/** Stops a lab server as Ctrl-C does, and resolves once it has exited: its log and accounts are written. */
export async function stopLab(lab: LabProcess): Promise<void> {
  if (lab.process.exitCode !== null || lab.process.signalCode !== null) return;
  const exited = once(lab.process, 'exit');
  lab.process.kill('SIGTERM');
  await exited;
}

/** How a lab server that refused to start ended: its exit code and what it printed. */
export interface Refusal {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the real lab server as {@link spawnLab} does, for a test that expects it to refuse to
 * start: resolves once it exits (it is killed when the test ends, if it listens instead).
 */
export async function spawnRefusedLab(t: Pick<TestContext, 'after'>, dataDir: string, logDir: string): Promise<Refusal> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_DIR: logDir, GATE: '' };
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: LAB_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    if (LISTENING.test(stdout)) child.kill('SIGKILL');
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code] = await once(child, 'close');
  return { code, stdout, stderr };
}
