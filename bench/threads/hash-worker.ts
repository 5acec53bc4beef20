/** One thread of hash-pool.ts: hashes each password it is sent with scryptSync, on this thread. */
import { scryptSync } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { Cost } from './hash-pool.ts';

const { N, r, p } = workerData as Cost;
parentPort!.on('message', ({ password, salt }: { password: string; salt: Uint8Array }) => {
  try {
    const key = scryptSync(password, salt, 64, { N, r, p, maxmem: 256 * N * r });
    parentPort!.postMessage({ key });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
});
parentPort!.postMessage('ready');
