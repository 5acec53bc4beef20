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
}

/**
 * Starts the real lab server as `npm run lab:05` does, on a free port with the given folders,
 * and resolves once it says where it listens. It is killed when the test ends.
 */
export async function spawnLab(t: Pick<TestContext, 'after'>, dataDir: string, logDir: string): Promise<LabProcess> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_DIR: logDir, GATE: '' };
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
  const listening = (async () => {
    for await (const line of createInterface({ input: child.stdout! })) {
      const match = LISTENING.exec(line);
      if (match) return match[1]!;
    }
    throw new Error('the server never said where it listens');
  })();
  return { process: child, url: await Promise.race([listening, exited]) };
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
