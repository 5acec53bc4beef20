/**
 * The course's argument for WebSockets, measured: how long a message takes to reach the other
 * window with lab 02 (the other window polls: Send/Refresh pressed every `interval`, as the
 * lab's exercise 4 does with a `<meta http-equiv="refresh">`) and with lab 03 (the server
 * pushes it down an open WebSocket); and what one lab 02 refresh costs as the log grows.
 */
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { messageLine } from '../../labs/02-shared-log/server/core/log-format.ts';
import { Histogram } from '../lib/histogram.ts';
import { cpuSeconds } from '../lib/proc.ts';

/** Latency percentiles in ms, over `samples` messages. */
export interface Latency {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

export interface PollResult extends Latency {
  intervalMs: number;
  /** Refreshes one idle window makes a minute, and the bytes they bring. */
  requestsPerMinute: number;
  bytesPerMinute: number;
}

/** A message's text, unique and easy to find in a page: letters and digits only. */
const token = (i: number) => `bench${i}x${Math.random().toString(36).slice(2, 10)}`;

/**
 * Lab 02: the user posts `messages` messages at random moments while the agent's window
 * refreshes every `intervalMs` (the next refresh starts `intervalMs` after the last page came,
 * as a `<meta http-equiv="refresh">` does). A message's latency runs from the moment the user
 * pressed Send to the moment a refreshed agent page containing it has arrived.
 */
export async function pollLatency(port: number, intervalMs: number, messages: number): Promise<PollResult> {
  const base = `http://127.0.0.1:${port}`;
  const pending = new Map<string, number>();
  const latency = new Histogram();
  let polls = 0;
  let bytes = 0;
  let polling = true;
  const pollStart = performance.now();
  const poller = (async () => {
    while (polling) {
      const page = await (await fetch(`${base}/agent`)).text();
      const arrived = performance.now();
      polls++;
      bytes += Buffer.byteLength(page);
      for (const [text, sentAt] of pending) {
        if (!page.includes(text)) continue;
        latency.record((arrived - sentAt) * 1000);
        pending.delete(text);
      }
      await sleep(intervalMs);
    }
  })();
  for (let i = 0; i < messages; i++) {
    await sleep(20 + intervalMs * Math.random()); // a random moment of the polling cycle
    const text = token(i);
    const sentAt = performance.now();
    const res = await fetch(`${base}/user`, { method: 'POST', body: new URLSearchParams({ message: text }), redirect: 'manual' });
    await res.body?.cancel();
    pending.set(text, sentAt);
  }
  for (const until = performance.now() + 2 * intervalMs + 5000; pending.size > 0 && performance.now() < until; ) await sleep(10);
  polling = false;
  await poller;
  const minutes = (performance.now() - pollStart) / 60_000;
  if (pending.size > 0) throw new Error(`lab 02: ${pending.size} messages never showed up in the other window`);
  return { intervalMs, ...summary(latency), requestsPerMinute: polls / minutes, bytesPerMinute: bytes / minutes };
}

/**
 * Lab 03: the user sends `messages` messages over its WebSocket, one after the other; each one's
 * latency runs from the send to the moment the agent's socket receives it.
 */
export async function pushLatency(port: number, messages: number): Promise<Latency> {
  const open = async (role: string) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?role=${role}`);
    await once(socket, 'message'); // the welcome
    return socket;
  };
  const [user, agent] = [await open('user'), await open('agent')];
  const latency = new Histogram();
  for (let i = 0; i < messages; i++) {
    const text = token(i);
    const arrived = new Promise<number>((resolve) => {
      const onMessage = (data: Buffer) => {
        if (!data.includes(text)) return;
        agent.off('message', onMessage);
        resolve(performance.now());
      };
      agent.on('message', onMessage);
    });
    const sentAt = performance.now();
    user.send(JSON.stringify({ type: 'send', text }));
    const at = await Promise.race([arrived, sleep(5000).then(() => Number.NaN)]);
    if (Number.isNaN(at)) throw new Error('lab 03: a message never reached the other window');
    latency.record((at - sentAt) * 1000);
    await sleep(20);
  }
  user.terminate();
  agent.terminate();
  return summary(latency);
}

export interface RefreshCost {
  logLines: number;
  logBytes: number;
  /** How long one refresh (`GET /agent`) takes, in ms. */
  p50: number;
  p95: number;
  /** Server CPU per refresh, in ms. */
  serverCpuMs: number;
  /** The size of the page a refresh brings back. */
  pageBytes: number;
}

/**
 * Lab 02: writes a `chat.log` of `lines` lines into the running server's log folder, then times
 * `refreshes` refreshes one after the other (after a few to warm up).
 */
export async function refreshCost(server: { port: number; pid: number }, logDir: string, lines: number, refreshes: number): Promise<RefreshCost> {
  const start = new Date('2026-11-22T14:00:00');
  const log = Array.from({ length: lines }, (_, i) => `${messageLine(new Date(start.getTime() + i * 1000), i % 2 ? 'agent' : 'user', `message number ${i} of a long chat`)}\n`).join('');
  await writeFile(join(logDir, 'chat.log'), log);
  const url = `http://127.0.0.1:${server.port}/agent`;
  for (let i = 0; i < 20; i++) await (await fetch(url)).text();
  const time = new Histogram();
  let pageBytes = 0;
  const cpuBefore = cpuSeconds(server.pid);
  for (let i = 0; i < refreshes; i++) {
    const t0 = performance.now();
    const page = await (await fetch(url)).text();
    time.record((performance.now() - t0) * 1000);
    pageBytes = Buffer.byteLength(page);
  }
  const serverCpuMs = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / refreshes;
  const { p50, p95 } = summary(time);
  return { logLines: lines, logBytes: Buffer.byteLength(log), p50, p95, serverCpuMs, pageBytes };
}

function summary(latency: Histogram): Latency {
  const { p50, p95, max } = latency.summary();
  return { samples: latency.count, p50, p95, max };
}
