/**
 * Lab 02 against lab 03, each as its real server in a child process of its own (pinned like the
 * lab 04 server), measured from this process.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer } from '../lib/children.ts';
import type { Scale } from '../lib/scale.ts';
import { pollLatency, pushLatency, refreshCost, type Latency, type PollResult, type RefreshCost } from './poll-vs-push.ts';

export interface LabsResult {
  poll: PollResult[];
  push: Latency;
  refresh: RefreshCost[];
}

export async function compareLabs({ labs }: Scale, tempRoot: string, log: (line: string) => void): Promise<LabsResult> {
  const logDir02 = await mkdtemp(join(tempRoot, 'lab02-'));
  const lab02 = await startServer('lab02-server.ts', { BENCH_LOG_DIR: logDir02 });
  const poll: PollResult[] = [];
  const refresh: RefreshCost[] = [];
  try {
    for (const interval of labs.pollIntervalsMs) {
      const result = await pollLatency(lab02.port, interval, labs.messages);
      log(`lab 02, refresh every ${interval} ms: p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms`);
      poll.push(result);
    }
    for (const lines of labs.logLines) {
      const result = await refreshCost(lab02, logDir02, lines, labs.refreshes);
      log(`lab 02, one refresh with ${lines} lines in the log: ${result.p50.toFixed(2)} ms, ${result.serverCpuMs.toFixed(2)} ms of server CPU`);
      refresh.push(result);
    }
  } finally {
    await lab02.stop();
  }
  const lab03 = await startServer('lab03-server.ts', { BENCH_LOG_DIR: await mkdtemp(join(tempRoot, 'lab03-')) });
  try {
    const push = await pushLatency(lab03.port, labs.messages * 5);
    log(`lab 03, push: p50 ${push.p50.toFixed(2)} ms, p95 ${push.p95.toFixed(2)} ms`);
    return { poll, push, refresh };
  } finally {
    await lab03.stop();
  }
}
