/**
 * One measurement of the thread-pool part (compare-pools.ts runs it as a child process, because
 * `UV_THREADPOOL_SIZE` is read once, when libuv's pool starts). Its job, as JSON in argv[2]:
 *
 *   {"way":"libuv", …}    registrations through lab 07's own AccountStore (an scrypt hash each, on
 *                         libuv's pool, then a group-committed save), then the same hashes with
 *                         crypto.scrypt alone
 *   {"way":"workers", …}  the same hashes with scryptSync in `threads` worker_threads
 *
 * Prints one line of JSON: {"result": PoolRun}.
 */
import { randomBytes, scrypt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccountStore } from '../../labs/07-cores/server/accounts/store.ts';
import { HashPool, parseCost, type Cost } from './hash-pool.ts';

export interface PoolJob {
  way: 'libuv' | 'workers';
  /** worker_threads in the pool (way "workers"). */
  threads: number;
  /** Hashes (and registrations) measured. */
  count: number;
  /** How many are under way at once: more than any pool size, so that every thread stays busy. */
  inFlight: number;
  dataDir: string;
}

export interface PoolRun {
  /** Registrations confirmed a second (way "libuv"; NaN for "workers"). */
  registrationsPerSecond: number;
  hashesPerSecond: number;
  /** Share of the time the main thread's event loop was busy while the hashes ran (0 to 1). */
  mainThreadBusy: number;
  /** CPU the process used while the hashes ran, in cores. */
  cores: number;
  /** The scrypt cost the lab uses, read from a stored hash. */
  cost: Cost;
}

const PASSWORD = 'correct horse battery';
const job = JSON.parse(process.argv[2]!) as PoolJob;
const store = await AccountStore.open(job.dataDir);
let registrationsPerSecond = Number.NaN;
let cost: Cost;
let measured: Omit<PoolRun, 'registrationsPerSecond' | 'cost'>;
try {
  const register = (i: number) => store.register({ firstName: 'Pool', lastName: `Person ${i}`, login: `pool${i}`, password: PASSWORD, age: 30, gender: 'other' });
  const first = await register(0);
  if (!first.ok) throw new Error(`could not register: ${JSON.stringify(first.errors)}`);
  const { accounts } = JSON.parse(await readFile(join(job.dataDir, 'accounts.json'), 'utf8')) as { accounts: { passwordHash: string }[] };
  cost = parseCost(accounts[0]!.passwordHash);
  if (job.way === 'libuv') {
    const registered = await timed(job.count, job.inFlight, async (i) => {
      const result = await register(i + 1);
      if (!result.ok) throw new Error(`could not register: ${JSON.stringify(result.errors)}`);
    });
    registrationsPerSecond = job.count / registered.seconds;
    measured = await hashes((salt) => scryptPromise(PASSWORD, salt, cost));
  } else {
    const pool = await HashPool.start(job.threads, cost);
    try {
      measured = await hashes((salt) => pool.hash(PASSWORD, salt));
    } finally {
      await pool.close();
    }
  }
} finally {
  await store.close();
}
console.log(JSON.stringify({ result: { registrationsPerSecond, ...measured, cost } satisfies PoolRun }));

async function hashes(hash: (salt: Buffer) => Promise<Buffer>) {
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const { seconds } = await timed(job.count, job.inFlight, () => hash(randomBytes(16)));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    hashesPerSecond: job.count / seconds,
    mainThreadBusy: performance.eventLoopUtilization(loopBefore).utilization,
    cores: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

/** Runs `work(0)` … `work(count - 1)`, `inFlight` at a time, and says how long they took. */
async function timed(count: number, inFlight: number, work: (i: number) => Promise<unknown>): Promise<{ seconds: number }> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
  return { seconds: (performance.now() - started) / 1000 };
}

function scryptPromise(password: string, salt: Buffer, { N, r, p }: Cost): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, 64, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error ? reject(error) : resolve(key))));
}
