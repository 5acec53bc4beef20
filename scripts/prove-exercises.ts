/**
 * Proves every exercise honest (CI runs this): its checker fails on the lab as shipped; in a
 * temporary copy of the repo its solution patch applies with `git apply`, the checker then
 * passes, and the lab's own tests still pass.
 *
 *   npm run check:prove            every exercise
 *   npm run check:prove -- 03      one lab's
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, findExercises, runChecker, type Exercise } from './exercises.ts';

const lab = process.argv[2];
const exercises = findExercises(ROOT, lab);
const started = performance.now();

/** The repo as git would clone it with the working tree's changes: tracked and new files, not ignored ones. */
function copyOfRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat-lab-prove-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  for (const file of files.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file), { errorOnExist: false });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * How long one test may take here. Two proofs run at once, each with a lab's whole suite (Chromium,
 * scrypt): on a 2-core machine a test can take several times as long as alone. This is a proof of
 * correctness, so only a hung test should fail it.
 */
const TEST_TIMEOUT_MS = 180_000;

/** The failed tests of a node:test run (each `not ok` and what follows it), or its last lines. */
function failures(output: string): string {
  const lines = output.split('\n');
  const failed = lines.flatMap((line, i) => (/^\s*not ok /.test(line) ? [lines.slice(i, i + 25).join('\n')] : []));
  return (failed.length ? failed.slice(-3).join('\n') : output).slice(-6000);
}

function run(command: string, args: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ok: code === 0, output }));
  });
}

/** What went wrong, or undefined when the exercise is honest. */
async function prove(exercise: Exercise): Promise<string | undefined> {
  const unsolved = await runChecker(exercise, { friendly: false });
  if (unsolved.passed) return `its checker passes on the lab as shipped:\n${unsolved.output}`;
  const copy = copyOfRepo();
  try {
    const applied = await run('git', ['apply', exercise.solution], copy);
    if (!applied.ok) return `git apply ${exercise.solution} failed:\n${applied.output}`;
    const solved = await runChecker(exercise, { cwd: copy, friendly: false });
    if (!solved.passed) return `its checker fails with the solution applied:\n${solved.output}`;
    const testDir = join(exercise.labDir, 'test');
    const tests = readdirSync(join(copy, testDir)).filter((file) => file.endsWith('.test.ts')).map((file) => join(testDir, file));
    const labTests = await run(process.execPath, ['--import', 'tsx', '--test', `--test-timeout=${TEST_TIMEOUT_MS}`, ...tests], copy);
    if (!labTests.ok) return `the lab's own tests fail with the solution applied:\n${failures(labTests.output)}`;
    return undefined;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const results: { exercise: Exercise; problem: string | undefined; ms: number }[] = [];
const queue = [...exercises];
async function worker(): Promise<void> {
  for (let exercise = queue.shift(); exercise; exercise = queue.shift()) {
    const t0 = performance.now();
    const problem = await prove(exercise).catch((error: Error) => `the proof itself failed: ${error.stack}`);
    const ms = performance.now() - t0;
    results.push({ exercise, problem, ms });
    const name = `${exercise.lab}/${exercise.number} ${exercise.title}`;
    console.log(problem ? `✖ ${name} (${(ms / 1000).toFixed(0)} s): ${problem}` : `✔ ${name} (${(ms / 1000).toFixed(0)} s)`);
  }
}
await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, worker));

const failed = results.filter((result) => result.problem).length;
console.log(`\nExercises proved in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;
