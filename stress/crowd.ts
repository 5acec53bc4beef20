/**
 * The offenders of `flood.stress.ts`, in a process of their own, so that their side of the
 * traffic (a thousand sockets' worth of frames to read) does not slow down the server or the
 * well-behaved clients being timed, and the test process's memory is the server's:
 *
 * - `burst`: opens many connections at once; each reads and drops what it is sent.
 * - `stall`: opens connections that never read a byte ({@link connectSilently}).
 * - `flood`: one client that sends `perSecond` messages a second for `ms`.
 *
 * Not a test file. `flood.stress.ts` forks it and talks to it over IPC: one answer per request.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { connectSilently, type Target } from './silent.ts';

export type { Target };

export type CrowdRequest =
  | { op: 'burst'; url: string; targets: Target[] }
  | { op: 'stall'; url: string; targets: Target[] }
  | { op: 'flood'; url: string; target: Target; perSecond: number; ms: number }
  | { op: 'close' };

export interface BurstResult {
  opened: number;
  failed: string[];
  ms: number;
}

export interface FloodResult {
  sent: number;
  /** Its messages that came back as entries: what the server let through. */
  accepted: number;
  /** Error frames by code. */
  errors: Record<string, number>;
  firstError?: string;
  /** Set when the server closed the flooder. */
  closedWith?: number;
}

const sockets: WebSocket[] = [];
const silent: Socket[] = [];

function socketUrl(url: string, { query }: Target): string {
  return `${url.replace(/^http/, 'ws')}ws${query ? `?${query}` : ''}`;
}

/** Opens one connection that reads and discards; resolves with null once open, or why it failed. */
function openReader(url: string, target: Target): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(socketUrl(url, target), { headers: target.cookie ? { cookie: target.cookie } : {} });
    sockets.push(socket);
    socket.on('message', () => undefined);
    socket.on('open', () => resolve(null));
    socket.on('unexpected-response', (request, response) => {
      request.destroy();
      resolve(`HTTP ${response.statusCode}`);
    });
    socket.on('error', (error) => resolve(error.message));
    socket.on('close', (code) => resolve(`closed ${code}`));
  });
}

async function burst(url: string, targets: Target[]): Promise<BurstResult> {
  const started = performance.now();
  const results = await Promise.all(targets.map((target) => openReader(url, target)));
  const failed = results.filter((result): result is string => result !== null);
  return { opened: results.length - failed.length, failed, ms: performance.now() - started };
}

async function stall(url: string, targets: Target[]): Promise<{ stalled: number }> {
  const opened = targets.map((target) => {
    const socket = connectSilently(url, target);
    silent.push(socket);
    return once(socket, 'connect');
  });
  await Promise.all(opened);
  return { stalled: opened.length };
}

/** Sends `perSecond` messages a second, spread over 10 ms ticks, for `ms`; then counts the answers. */
async function flood(url: string, target: Target, perSecond: number, ms: number): Promise<FloodResult> {
  const socket = new WebSocket(socketUrl(url, target), { headers: target.cookie ? { cookie: target.cookie } : {}, localAddress: target.localAddress });
  sockets.push(socket);
  const result: FloodResult = { sent: 0, accepted: 0, errors: {} };
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'entry' && String(frame.entry.text).startsWith('flood ')) result.accepted++;
    if (frame.type === 'error') {
      result.errors[frame.code] = (result.errors[frame.code] ?? 0) + 1;
      result.firstError ??= frame.message;
    }
  });
  socket.on('close', (code) => (result.closedWith = code));
  await once(socket, 'open');
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= ms || socket.readyState !== WebSocket.OPEN) {
        clearInterval(timer);
        return resolve();
      }
      const due = Math.floor((elapsed / 1000) * perSecond);
      while (result.sent < due) socket.send(JSON.stringify({ type: 'send', text: `flood ${result.sent++}` }));
    }, 10);
  });
  // Every frame gets one answer, in order, but a ping would not wait for them: the socket answers
  // it at once, while the chat's answers may still be on their way (through lab 07's primary).
  const answered = () => result.accepted + Object.values(result.errors).reduce((sum, count) => sum + count, 0);
  await new Promise<void>((resolve) => {
    const check = () => {
      if (answered() < result.sent && socket.readyState === WebSocket.OPEN) return;
      socket.off('message', check).off('close', check);
      resolve();
    };
    socket.on('message', check).on('close', check);
    check();
  });
  return result;
}

function closeAll(): void {
  for (const socket of sockets.splice(0)) socket.terminate();
  for (const socket of silent.splice(0)) socket.destroy();
}

process.on('message', async (request: CrowdRequest) => {
  try {
    switch (request.op) {
      case 'burst':
        return process.send!({ op: 'burst', ...(await burst(request.url, request.targets)) });
      case 'stall':
        return process.send!({ op: 'stall', ...(await stall(request.url, request.targets)) });
      case 'flood':
        return process.send!({ op: 'flood', ...(await flood(request.url, request.target, request.perSecond, request.ms)) });
      case 'close':
        closeAll();
        return process.send!({ op: 'close' });
    }
  } catch (error) {
    process.send!({ op: request.op, error: (error as Error).stack });
  }
});
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
