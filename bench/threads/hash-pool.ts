/**
 * A small pool of worker_threads that hash with scryptSync: the hand-made alternative to libuv's
 * pool, which `crypto.scrypt` already uses. Each thread takes one hash at a time; the hashes
 * wait in a queue for a free thread.
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { typeScriptWorker } from '../../labs/07-cores/threads/counter.ts';

/** scrypt's cost parameters, as the lab stores them in each hash (`scrypt$N$r$p$salt$hash`). */
export interface Cost {
  N: number;
  r: number;
  p: number;
}

export function parseCost(stored: string): Cost {
  const [scheme, N, r, p] = stored.split('$');
  if (scheme !== 'scrypt') throw new Error(`not an scrypt hash: ${stored.slice(0, 20)}…`);
  return { N: Number(N), r: Number(r), p: Number(p) };
}

interface Waiting {
  password: string;
  salt: Buffer;
  resolve(key: Buffer): void;
  reject(error: Error): void;
}

export class HashPool {
  readonly #idle: Worker[] = [];
  readonly #all: Worker[];
  readonly #queue: Waiting[] = [];

  private constructor(workers: Worker[]) {
    this.#all = workers;
    this.#idle.push(...workers);
  }

  /** Starts `threads` threads and waits until each one is ready. */
  static async start(threads: number, cost: Cost): Promise<HashPool> {
    const workers = Array.from({ length: threads }, () => typeScriptWorker(new URL('./hash-worker.ts', import.meta.url), { workerData: cost }));
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    return new HashPool(workers);
  }

  /** scrypt of `password` with `salt`, on the next free thread. */
  hash(password: string, salt: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ password, salt, resolve, reject });
      this.#next();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((worker) => worker.terminate()));
  }

  #next(): void {
    const worker = this.#idle.pop();
    const task = worker && this.#queue.shift();
    if (!worker) return;
    if (!task) return void this.#idle.push(worker);
    const settle = (reply: { key?: Uint8Array; error?: string }) => {
      worker.off('error', fail);
      if (reply.key) task.resolve(Buffer.from(reply.key));
      else task.reject(new Error(reply.error));
      this.#idle.push(worker);
      this.#next();
    };
    const fail = (error: Error) => {
      worker.off('message', settle);
      task.reject(error);
    };
    worker.once('message', settle);
    worker.once('error', fail);
    worker.postMessage({ password: task.password, salt: task.salt });
  }
}
