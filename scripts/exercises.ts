/**
 * What the exercise scripts share: where each lab's exercises are, and how to run one checker.
 *
 * An exercise K of lab NN is three files in `labs/NN-name/exercises/`: `K-name.md` (the statement),
 * `K-name.check.ts` (node:test; fails until the exercise is done) and `K-name.solution.patch`
 * (a reference solution, applied from the repo root with `git apply`).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
const REPORTER = join(import.meta.dirname, 'check-reporter.mjs');

export interface Exercise {
  /** `03`, the lab's number. */
  lab: string;
  /** `labs/03-realtime`. */
  labDir: string;
  /** 1, 2, 3… */
  number: number;
  /** The statement's first heading, e.g. "A #who command". */
  title: string;
  /** Paths from the repo root. */
  statement: string;
  checker: string;
  solution: string;
}

/** Every exercise of the labs under `root`, by lab then number; only `lab` if given. */
export function findExercises(root = ROOT, lab?: string): Exercise[] {
  const labs = readdirSync(join(root, 'labs')).filter((name) => /^\d\d-/.test(name) && (!lab || name.startsWith(`${lab}-`)));
  return labs.sort().flatMap((name) => {
    const dir = join(root, 'labs', name, 'exercises');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((file) => /^(\d+)-(.+)\.check\.ts$/.exec(file))
      .filter((match): match is RegExpExecArray => match !== null)
      .map(([file, number, slug]) => {
        const base = join('labs', name, 'exercises', `${number}-${slug}`);
        const statement = `${base}.md`;
        return {
          lab: name.slice(0, 2),
          labDir: join('labs', name),
          number: Number(number),
          title: titleOf(join(root, statement)) ?? slug!,
          statement,
          checker: join('labs', name, 'exercises', file!),
          solution: `${base}.solution.patch`,
        };
      })
      .sort((a, b) => a.number - b.number);
  });
}

function titleOf(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const heading = readFileSync(path, 'utf8').split('\n').find((line) => line.startsWith('# '));
  return heading?.slice(2).trim();
}

export interface Outcome {
  passed: boolean;
  /** What the checker printed (the friendly report when `friendly`). */
  output: string;
  ms: number;
}

/**
 * Runs one checker in `cwd` (the repo, or a copy of it) with node:test through tsx. `friendly`
 * prints each check with ✔ or ✖ and the first lines of each failure, instead of node's spec report.
 */
export function runChecker(
  exercise: Exercise,
  { cwd = ROOT, friendly = true, echo = false }: { cwd?: string; friendly?: boolean; echo?: boolean } = {},
): Promise<Outcome> {
  const started = performance.now();
  const args = ['--import', 'tsx', '--test', '--test-timeout=180000', `--test-reporter=${friendly ? REPORTER : 'spec'}`, exercise.checker];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk;
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ passed: code === 0, output, ms: performance.now() - started }));
  });
}

/** `labs/03-realtime/exercises/2-who.md`, as a student reads it from the repo root. */
export const shown = (path: string) => relative(ROOT, resolve(ROOT, path));
